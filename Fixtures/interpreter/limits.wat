;; For resource-limit tests: a loop that never ends, and a memory and a table that grow on request.
(module
  (memory (export "memory") 1)
  (table 1 funcref)
  (func (export "grow_table") (param i32) (result i32) (table.grow 0 (ref.null func) (local.get 0)))
  (func (export "spin") (loop $forever (br $forever)))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))
