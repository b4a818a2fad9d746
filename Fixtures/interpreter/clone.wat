;; Clone test: the host import "fork" clones the running state; each copy goes on with its own memory,
;; global and locals. With fork() = 0 the result is 32; with fork() = 1 it is 232.
(module
  (import "host" "fork" (func $fork (result i32)))
  (memory (export "memory") 1)
  (global $g (export "g") (mut i32) (i32.const 0))
  (table (export "table") 1 funcref)
  (elem (i32.const 0) $run)
  (func $run (export "run") (result i32)
    (local $acc i32)
    (local.set $acc (i32.const 10))
    (i32.store (i32.const 0) (i32.const 5))
    (global.set $g (i32.const 7))
    (local.set $acc (i32.add (local.get $acc) (i32.mul (call $fork) (i32.const 100))))
    (i32.store (i32.const 0) (i32.add (i32.load (i32.const 0)) (local.get $acc)))
    (global.set $g (i32.add (global.get $g) (local.get $acc)))
    (i32.add (i32.load (i32.const 0)) (global.get $g))))
