;; Regression: a block's result arrives either by a branch or by falling through after its last op; a
;; `local.tee` after the block must not be folded into that last op (found by the C fixtures, missed by the
;; spec suite). f(1) = 7, f(0) = -1.
(module
  (func (export "f") (param $x i32) (result i32)
    (local $t i32)
    (block (result i32)
      (drop (br_if 0 (i32.const 7) (local.get $x)))
      (i32.xor (local.get $x) (i32.const -1)))
    (local.tee $t)
    (drop)
    (local.get $t)))
