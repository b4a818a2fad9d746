;; Instruction sequences that the compiler fuses into single ops (Compiler.fuse, fuseAddress, copy2), each
;; with the operand orders and result placements that the fusion has to get right. The test compares every
;; export with the same arithmetic done in Swift.
(module
  (memory 1)
  (data (i32.const 1024) "\05\00\00\00\00\00\00\00")
  (func (export "add_add") (param i32 i32 i32) (result i32)
    (i32.add (i32.add (local.get 0) (local.get 1)) (local.get 2)))
  (func (export "add_add_right") (param i32 i32 i32) (result i32)
    (i32.add (local.get 2) (i32.add (local.get 0) (local.get 1))))
  (func (export "mul_add") (param i32 i32 i32) (result i32)
    (i32.add (i32.mul (local.get 0) (local.get 1)) (local.get 2)))
  (func (export "shl_add") (param i32 i32 i32) (result i32)
    (i32.add (local.get 2) (i32.shl (local.get 0) (local.get 1))))
  (func (export "xor_add") (param i32 i32 i32) (result i32)
    (i32.add (i32.xor (local.get 0) (local.get 1)) (local.get 2)))
  (func (export "rotl_xor") (param i32 i32 i32) (result i32)
    (i32.xor (i32.rotl (local.get 0) (local.get 1)) (local.get 2)))
  (func (export "and_xor") (param i32 i32 i32) (result i32)
    (i32.xor (local.get 2) (i32.and (local.get 0) (local.get 1))))
  (func (export "f64_mul_add") (param f64 f64 f64) (result f64)
    (f64.add (f64.mul (local.get 0) (local.get 1)) (local.get 2)))
  (func (export "f64_mul_mul") (param f64 f64 f64) (result f64)
    (f64.mul (local.get 2) (f64.mul (local.get 0) (local.get 1))))
  ;; A fused result stored straight into a local, then a second chain that reads the local.
  (func (export "chain_into_local") (param i32 i32 i32) (result i32) (local i32)
    (local.set 3 (i32.add (i32.add (local.get 0) (local.get 1)) (local.get 2)))
    (i32.xor (i32.rotl (local.get 3) (i32.const 5)) (local.get 3)))
  ;; Not fusable: the first result is also kept in a local (local.tee) and used again.
  (func (export "tee_between") (param i32 i32 i32) (result i32) (local i32)
    (i32.add (i32.add (local.tee 3 (i32.add (local.get 0) (local.get 1))) (local.get 2)) (local.get 3)))
  ;; Indexed accesses: the address is base + index (32-bit wrap-around) plus a static offset.
  (func (export "store_load") (param $base i32) (param $index i32) (param $value i32) (result i64)
    (i32.store offset=8 (i32.add (local.get $base) (local.get $index)) (local.get $value))
    (i64.add
      (i64.add
        (i64.extend_i32_u (i32.load offset=8 (i32.add (local.get $base) (local.get $index))))
        (i64.extend_i32_u (i32.load8_s offset=8 (i32.add (local.get $index) (local.get $base)))))
      (i64.add
        (i64.extend_i32_u (i32.load16_s offset=9 (i32.add (local.get $base) (local.get $index))))
        (i64.extend_i32_u (i32.add (i32.load8_u offset=11 (i32.add (local.get $base) (local.get $index)))
                                   (i32.load16_u offset=10 (i32.add (local.get $base) (local.get $index))))))))
  (func (export "store64_load64") (param $base i32) (param $index i32) (param $value i64) (result i64)
    (i64.store (i32.add (local.get $base) (local.get $index)) (local.get $value))
    (i32.store8 offset=1 (i32.add (local.get $base) (local.get $index)) (i32.const 0xAB))
    (i32.store16 offset=2 (i32.add (local.get $base) (local.get $index)) (i32.const 0xCDEF))
    (i64.load (i32.add (local.get $base) (local.get $index))))
  ;; Array elements: an index shifted left by the element size (fused with 2 for 4 bytes, 3 for 8) and added
  ;; to a base; the last load shifts by 3 for 4 bytes, which has no fused form.
  (func (export "scaled") (param $base i32) (param $index i32) (param $value i64) (result i64) (local $word i32)
    (local.set $word (i32.wrap_i64 (local.get $value)))
    (i32.store offset=4 (i32.add (local.get $base) (i32.shl (local.get $index) (i32.const 2))) (local.get $word))
    (i64.store (i32.add (local.get $base) (i32.shl (local.get $index) (i32.const 3))) (i64.const 0x0102030405060708))
    (i64.store (i32.add (local.get $base) (i32.shl (local.get $index) (i32.const 3))) (local.get $value))
    (i64.add
      (i64.extend_i32_u (i32.load offset=4 (i32.add (local.get $base) (i32.shl (local.get $index) (i32.const 2)))))
      (i64.add (i64.load (i32.add (local.get $base) (i32.shl (local.get $index) (i32.const 3))))
               (i64.extend_i32_u (i32.load (i32.add (local.get $base) (i32.shl (local.get $index) (i32.const 3))))))))
  ;; Copies: a rotation of three locals is consecutive copies; a loop starts between two of them.
  (func (export "rotate") (param $n i32) (result i32) (local $a i32) (local $b i32) (local $c i32) (local $t i32)
    (local.set $a (i32.const 1)) (local.set $b (i32.const 2)) (local.set $c (i32.const 3))
    (local.set $t (local.get $a))
    (loop $again
      (local.set $a (local.get $b))
      (local.set $b (local.get $c))
      (local.set $c (local.get $t))
      (local.set $t (local.get $a))
      (br_if $again (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (i32.add (i32.mul (local.get $a) (i32.const 100)) (i32.add (i32.mul (local.get $b) (i32.const 10)) (local.get $c))))
  ;; Block results moved by a branch (two values, so two copies).
  (func (export "branch_pair") (param i32 i32) (result i32)
    (block (result i32 i32)
      (local.get 1) (local.get 0)
      (br_if 0 (i32.const 1))
      (drop) (drop) (i32.const 0) (i32.const 0))
    (i32.sub))
;; A load tested by i32.eqz, alone and with the branch that uses the test; the value is also kept.
  (func (export "load_eqz_branch") (param $address i32) (result i32) (local $v i32)
    (block $zero
      (br_if $zero (i32.eqz (local.tee $v (i32.load offset=4 (local.get $address)))))
      (return (i32.add (local.get $v) (i32.const 1000))))
    (i32.const -1))
  ;; An i32.and tested by br_if (bits set) and by if (bits clear).
  (func (export "bits_branch") (param $x i32) (param $mask i32) (result i32)
    (block $set
      (br_if $set (i32.and (local.get $x) (local.get $mask)))
      (return (i32.const 0)))
    (i32.const 1))
  (func (export "bits_if") (param $x i32) (param $mask i32) (result i32)
    (if (result i32) (i32.and (local.get $x) (local.get $mask)) (then (i32.const 1)) (else (i32.const 0))))
  (func (export "load_eqz") (param $address i32) (result i32)
    (i32.eqz (i32.load (local.get $address))))
  ;; A branch lands between the load and the test: they must stay two ops.
  (func (export "label_between") (param $address i32) (param $skip i32) (result i32)
    (block (result i32)
      (drop (br_if 0 (i32.const 7) (local.get $skip)))
      (i32.load (local.get $address)))
    (i32.eqz))
  ;; Counted loops: the counter's step and the loop's exit test are one op. Result: iterations * 1000 + counter.
  (func (export "count_add_ne") (param $i i32) (param $step i32) (param $bound i32) (result i32) (local $n i32)
    (loop $next
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (br_if $next (i32.ne (local.tee $i (i32.add (local.get $i) (local.get $step))) (local.get $bound))))
    (i32.add (i32.mul (local.get $n) (i32.const 1000)) (local.get $i)))
  (func (export "count_add_lt_u") (param $i i32) (param $step i32) (param $bound i32) (result i32) (local $n i32)
    (loop $next
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (br_if $next (i32.lt_u (local.tee $i (i32.add (local.get $i) (local.get $step))) (local.get $bound))))
    (i32.add (i32.mul (local.get $n) (i32.const 1000)) (local.get $i)))
  (func (export "count_add_lt_s") (param $i i32) (param $step i32) (param $bound i32) (result i32) (local $n i32)
    (loop $next
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (br_if $next (i32.lt_s (local.tee $i (i32.add (local.get $i) (local.get $step))) (local.get $bound))))
    (i32.add (i32.mul (local.get $n) (i32.const 1000)) (local.get $i)))
  (func (export "count_add_gt_u") (param $i i32) (param $step i32) (param $bound i32) (result i32) (local $n i32)
    (loop $next
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (br_if $next (i32.gt_u (local.tee $i (i32.add (local.get $i) (local.get $step))) (local.get $bound))))
    (i32.add (i32.mul (local.get $n) (i32.const 1000)) (local.get $i)))
  (func (export "count_add_gt_s") (param $i i32) (param $step i32) (param $bound i32) (result i32) (local $n i32)
    (loop $next
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (br_if $next (i32.gt_s (local.tee $i (i32.add (local.get $i) (local.get $step))) (local.get $bound))))
    (i32.add (i32.mul (local.get $n) (i32.const 1000)) (local.get $i)))
  (func (export "count_sub_ne") (param $i i32) (param $step i32) (param $bound i32) (result i32) (local $n i32)
    (loop $next
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (br_if $next (i32.ne (local.tee $i (i32.sub (local.get $i) (local.get $step))) (local.get $bound))))
    (i32.add (i32.mul (local.get $n) (i32.const 1000)) (local.get $i)))
  (func (export "count_sub_gt_u") (param $i i32) (param $step i32) (param $bound i32) (result i32) (local $n i32)
    (loop $next
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (br_if $next (i32.gt_u (local.tee $i (i32.sub (local.get $i) (local.get $step))) (local.get $bound))))
    (i32.add (i32.mul (local.get $n) (i32.const 1000)) (local.get $i)))
  (func (export "count_sub_gt_s") (param $i i32) (param $step i32) (param $bound i32) (result i32) (local $n i32)
    (loop $next
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (br_if $next (i32.gt_s (local.tee $i (i32.sub (local.get $i) (local.get $step))) (local.get $bound))))
    (i32.add (i32.mul (local.get $n) (i32.const 1000)) (local.get $i)))
  ;; The counter on the right of the test, the step on the left of the sum: `bound < i` is `i > bound`.
  (func (export "count_bound_lt_u") (param $i i32) (param $step i32) (param $bound i32) (result i32) (local $n i32)
    (loop $next
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (br_if $next (i32.lt_u (local.get $bound) (local.tee $i (i32.add (local.get $step) (local.get $i))))))
    (i32.add (i32.mul (local.get $n) (i32.const 1000)) (local.get $i)))
  ;; A branch lands between the step and the test (odd iterations skip the step): they must stay two ops.
  (func (export "count_label_between") (param $i i32) (param $step i32) (param $bound i32) (result i32) (local $n i32)
    (loop $next
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (block $skip
        (br_if $skip (i32.and (local.get $n) (i32.const 1)))
        (local.set $i (i32.add (local.get $i) (local.get $step))))
      (br_if $next (i32.lt_u (local.get $i) (local.get $bound))))
    (i32.add (i32.mul (local.get $n) (i32.const 1000)) (local.get $i)))
  ;; A load compared by a branch: one op. Each stores $x at 2048, loads from $p and returns whether the test held.
  (func (export "load_eq") (param $p i32) (param $x i32) (param $v i32) (result i32)
    (i32.store (i32.const 2048) (local.get $x))
    (block $yes
      (br_if $yes (i32.eq (i32.load (local.get $p)) (local.get $v)))
      (return (i32.const 0)))
    (i32.const 1))
  (func (export "load_ne") (param $p i32) (param $x i32) (param $v i32) (result i32)
    (i32.store (i32.const 2048) (local.get $x))
    (block $yes
      (br_if $yes (i32.ne (i32.load (local.get $p)) (local.get $v)))
      (return (i32.const 0)))
    (i32.const 1))
  (func (export "load_lt_s") (param $p i32) (param $x i32) (param $v i32) (result i32)
    (i32.store (i32.const 2048) (local.get $x))
    (block $yes
      (br_if $yes (i32.lt_s (i32.load (local.get $p)) (local.get $v)))
      (return (i32.const 0)))
    (i32.const 1))
  (func (export "load_lt_u") (param $p i32) (param $x i32) (param $v i32) (result i32)
    (i32.store (i32.const 2048) (local.get $x))
    (block $yes
      (br_if $yes (i32.lt_u (i32.load (local.get $p)) (local.get $v)))
      (return (i32.const 0)))
    (i32.const 1))
  (func (export "load_gt_s") (param $p i32) (param $x i32) (param $v i32) (result i32)
    (i32.store (i32.const 2048) (local.get $x))
    (block $yes
      (br_if $yes (i32.gt_s (i32.load (local.get $p)) (local.get $v)))
      (return (i32.const 0)))
    (i32.const 1))
  (func (export "load_gt_u") (param $p i32) (param $x i32) (param $v i32) (result i32)
    (i32.store (i32.const 2048) (local.get $x))
    (block $yes
      (br_if $yes (i32.gt_u (i32.load (local.get $p)) (local.get $v)))
      (return (i32.const 0)))
    (i32.const 1))
  ;; The loaded value on the right: `v < loaded` is `loaded > v`.
  (func (export "load_right_lt_s") (param $p i32) (param $x i32) (param $v i32) (result i32)
    (i32.store (i32.const 2048) (local.get $x))
    (block $yes
      (br_if $yes (i32.lt_s (local.get $v) (i32.load (local.get $p))))
      (return (i32.const 0)))
    (i32.const 1))
  ;; The loaded value also goes to a local: the load must stay, the local must be written.
  (func (export "load_tee_lt_u") (param $p i32) (param $x i32) (param $v i32) (result i32) (local $t i32)
    (i32.store (i32.const 2048) (local.get $x))
    (block $yes
      (br_if $yes (i32.lt_u (local.tee $t (i32.load (local.get $p))) (local.get $v)))
      (return (i32.add (local.get $t) (i32.const 1000))))
    (local.get $t))
  ;; A branch lands between the load and the comparison ($v is compared with 7 when $x is nonzero).
  (func (export "load_label_between") (param $p i32) (param $x i32) (param $v i32) (result i32)
    (block $yes
      (br_if $yes (i32.lt_u
        (block (result i32)
          (drop (br_if 0 (i32.const 7) (local.get $x)))
          (i32.load (local.get $p)))
        (local.get $v)))
      (return (i32.const 0)))
    (i32.const 1))
  ;; More pairs of arithmetic: bit fields, masked sums, hashes, f64 chains whose second step is not commutative.
  (func (export "shr_u_and") (param i32 i32 i32) (result i32)
    (i32.and (i32.shr_u (local.get 0) (local.get 1)) (local.get 2)))
  (func (export "shr_u_xor") (param i32 i32 i32) (result i32)
    (i32.xor (local.get 2) (i32.shr_u (local.get 0) (local.get 1))))
  (func (export "xor_and") (param i32 i32 i32) (result i32)
    (i32.and (i32.xor (local.get 0) (local.get 1)) (local.get 2)))
  (func (export "sub_and") (param i32 i32 i32) (result i32)
    (i32.and (local.get 2) (i32.sub (local.get 0) (local.get 1))))
  (func (export "add_and") (param i32 i32 i32) (result i32)
    (i32.and (i32.add (local.get 0) (local.get 1)) (local.get 2)))
  (func (export "xor_mul") (param i32 i32 i32) (result i32)
    (i32.mul (i32.xor (local.get 0) (local.get 1)) (local.get 2)))
  (func (export "and_eqz") (param i32 i32 i32) (result i32)
    (i32.add (i32.eqz (i32.and (local.get 0) (local.get 1))) (local.get 2)))
  (func (export "f64_mul_sub") (param f64 f64 f64) (result f64)
    (f64.sub (f64.mul (local.get 0) (local.get 1)) (local.get 2)))
  ;; Not the fused form: the product is subtracted from, not subtracted.
  (func (export "f64_sub_mul_right") (param f64 f64 f64) (result f64)
    (f64.sub (local.get 2) (f64.mul (local.get 0) (local.get 1))))
  (func (export "f64_sub_mul") (param f64 f64 f64) (result f64)
    (f64.mul (f64.sub (local.get 0) (local.get 1)) (local.get 2)))
  (func (export "f64_add_mul") (param f64 f64 f64) (result f64)
    (f64.mul (local.get 2) (f64.add (local.get 0) (local.get 1))))
  ;; f64 comparisons branched on, and their negations as `if` makes them: 1 if taken, 2 if not.
  (func (export "f64_lt_branch") (param f64 f64) (result i32)
    (block $yes (br_if $yes (f64.lt (local.get 0) (local.get 1))) (return (i32.const 2))) (i32.const 1))
  (func (export "f64_gt_branch") (param f64 f64) (result i32)
    (block $yes (br_if $yes (f64.gt (local.get 0) (local.get 1))) (return (i32.const 2))) (i32.const 1))
  (func (export "f64_le_branch") (param f64 f64) (result i32)
    (block $yes (br_if $yes (f64.le (local.get 0) (local.get 1))) (return (i32.const 2))) (i32.const 1))
  (func (export "f64_ge_branch") (param f64 f64) (result i32)
    (block $yes (br_if $yes (f64.ge (local.get 0) (local.get 1))) (return (i32.const 2))) (i32.const 1))
  (func (export "f64_lt_if") (param f64 f64) (result i32)
    (if (result i32) (f64.lt (local.get 0) (local.get 1)) (then (i32.const 1)) (else (i32.const 2))))
  (func (export "f64_gt_if") (param f64 f64) (result i32)
    (if (result i32) (f64.gt (local.get 0) (local.get 1)) (then (i32.const 1)) (else (i32.const 2))))
  (func (export "f64_le_if") (param f64 f64) (result i32)
    (if (result i32) (f64.le (local.get 0) (local.get 1)) (then (i32.const 1)) (else (i32.const 2))))
  (func (export "f64_ge_if") (param f64 f64) (result i32)
    (if (result i32) (f64.ge (local.get 0) (local.get 1)) (then (i32.const 1)) (else (i32.const 2))))
  ;; A list walk: p = p->next while p (a load branched on), counting the steps in memory (a stored sum).
  (func (export "walk") (param $p i32) (result i32) (local $n i32)
    (i32.store (i32.const 4000) (i32.const 0))
    (block $done
      (br_if $done (i32.eqz (local.get $p)))
      (loop $next
        (i32.store (i32.const 4000) (i32.add (i32.load (i32.const 4000)) (i32.const 1)))
        (br_if $next (local.tee $p (i32.load (local.get $p))))))
    (i32.load (i32.const 4000)))
  ;; Skips bytes until a zero one (a byte load branched on), then counts down to zero (a step branched on).
  (func (export "strlen_countdown") (param $p i32) (param $n i32) (result i32) (local $start i32)
    (local.set $start (local.get $p))
    (block $end
      (loop $scan
        (br_if $end (i32.eqz (i32.load8_u (local.get $p))))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $scan)))
    (block $zero
      (br_if $zero (i32.eqz (local.get $n)))
      (loop $down (br_if $down (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))
    (i32.add (i32.sub (local.get $p) (local.get $start)) (i32.mul (local.get $n) (i32.const 1000))))
  ;; A copy branched on (rev = list; list = next; br_if list), and a br_table on a local.
  (func (export "copy_branch") (param $a i32) (param $b i32) (result i32) (local $x i32) (local $y i32) (local $t i32)
    (loop $again
      (local.set $y (local.get $x))
      (local.set $t (local.get $a))
      (local.set $a (i32.const 0))
      (local.set $x (local.get $t))
      (br_if $again (local.get $x)))
    (i32.add (local.get $y) (local.get $b)))
  (func (export "table_on_local") (param $i i32) (result i32)
    (block $c (block $b (block $a (br_table $a $b $c (local.get $i)))
      (return (i32.const 10))) (return (i32.const 20))) (i32.const 30))
)
