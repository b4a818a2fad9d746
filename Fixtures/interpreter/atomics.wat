;; Shared-memory counter and a wait/notify pair, for tests that run on several host threads.
(module
  (memory (export "memory") 1 1 shared)
  (func (export "add") (param $n i32)
    (loop $again
      (drop (i32.atomic.rmw.add (i32.const 0) (i32.const 1)))
      (br_if $again (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))
  (func (export "count") (result i32) (i32.atomic.load (i32.const 0)))
  (func (export "wait") (result i32) (memory.atomic.wait32 (i32.const 8) (i32.const 0) (i64.const -1)))
  (func (export "notify") (result i32) (memory.atomic.notify (i32.const 8) (i32.const 1))))
