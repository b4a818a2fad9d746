;; For resource-limit tests: a loop that never ends, and memory that grows on request.
(module
  (memory (export "memory") 1)
  (func (export "spin") (loop $forever (br $forever)))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))
