;; The README's embedding example: adds two numbers and reports the sum through a host function.
(module
  (import "env" "report" (func $report (param i32)))
  (memory (export "memory") 1)
  (func (export "add") (param i32 i32) (result i32)
    (local $sum i32)
    (local.set $sum (i32.add (local.get 0) (local.get 1)))
    (call $report (local.get $sum))
    (i32.store (i32.const 16) (local.get $sum))
    (local.get $sum)))
