;; A trap three calls deep, for backtraces with names from the name section.
(module
  (func $divide (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
  (func $middle (param i32) (result i32) (call $divide (local.get 0) (i32.const 0)))
  (func $outer (export "outer") (result i32) (call $middle (i32.const 7))))
