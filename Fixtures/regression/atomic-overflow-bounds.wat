;; Regression (found by Scripts/differential.py against wasmtime): in a 64-bit memory, an atomic access whose
;; effective address passes 2^64 traps "out of bounds memory access" even when it is also misaligned;
;; alignment comes first only for addresses that exist (see atomic-alignment-first.wat).
(module
  (memory i64 1)
  (func (export "notify") (param $address i64) (result i32)
    (memory.atomic.notify offset=196635 (local.get $address) (i32.const 1))))
