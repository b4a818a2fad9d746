;; Regressions (found by Scripts/differential.py against wasmtime): in a 64-bit memory, `memory.atomic.notify`
;; (like `wait`) at an effective address past 2^64 traps "out of bounds memory access" even when it is also
;; misaligned, while the other atomic instructions check alignment first there too (as everywhere: see
;; atomic-alignment-first.wat).
(module
  (memory i64 1)
  (func (export "notify") (param $address i64) (result i32)
    (memory.atomic.notify offset=196635 (local.get $address) (i32.const 1)))
  (func (export "add") (param $address i64) (result i32)
    (i32.atomic.rmw.add offset=86514 (local.get $address) (i32.const 1))))
