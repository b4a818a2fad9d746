;; For resource-limit tests: a wait nobody will notify.
(module
  (memory 1 1 shared)
  (func (export "wait-forever") (result i32)
    (memory.atomic.wait32 (i32.const 0) (i32.const 0) (i64.const -1))))
