;; Grows its memory one page at a time to 4 GiB without writing a byte, and returns the page count: what an
;; untouched memory costs (Benchmarks/README.md, "Memory that costs what it uses").
(module
  (memory 1)
  (func (export "run") (result i32)
    (local $i i32)
    (loop $again
      (drop (memory.grow (i32.const 1)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $again (i32.lt_u (local.get $i) (i32.const 65535))))
    (memory.size)))
