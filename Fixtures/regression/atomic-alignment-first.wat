;; Regression (found by Scripts/differential.py against wasmtime): an atomic access that is both misaligned
;; and out of bounds traps "unaligned atomic": alignment is checked first, on the effective address.
(module
  (memory 1 1 shared)
  (func (export "load") (param $address i32) (result i32)
    (i32.atomic.load offset=2 (local.get $address)))
  (func (export "add") (param $address i32) (result i64)
    (i64.atomic.rmw.add offset=4 (local.get $address) (i64.const 1))))
