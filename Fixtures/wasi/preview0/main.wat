;; wasi_unstable (preview0) layouts: whence (CUR 0, END 1, SET 2), filestat (nlink u32 at 20, size at 24) and
;; the 56-byte clock subscription (id at 24, timeout at 32). Prints one line per check: "ok" or "bad".
(module
  (import "wasi_unstable" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_unstable" "path_open"
    (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_unstable" "fd_seek" (func $fd_seek (param i32 i64 i32 i32) (result i32)))
  (import "wasi_unstable" "fd_filestat_get" (func $fd_filestat_get (param i32 i32) (result i32)))
  (import "wasi_unstable" "poll_oneoff" (func $poll_oneoff (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "ten.txt")
  (data (i32.const 32) "ok\n")
  (data (i32.const 40) "bad\n")

  ;; Prints "ok" if $good, else "bad".
  (func $report (param $good i32)
    (i32.store (i32.const 0) (select (i32.const 32) (i32.const 40) (local.get $good)))
    (i32.store (i32.const 4) (select (i32.const 3) (i32.const 4) (local.get $good)))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8))))

  (func (export "_start")
    (local $fd i32)
    ;; open sandbox/ten.txt (preopen fd 3) for reading
    (call $report (i32.eqz (call $path_open (i32.const 3) (i32.const 0) (i32.const 16) (i32.const 7)
      (i32.const 0) (i64.const 0x1fffffff) (i64.const 0) (i32.const 0) (i32.const 100))))
    (local.set $fd (i32.load (i32.const 100)))
    ;; whence 1 is END in preview0: offset -3 from the end of 10 bytes is 7
    (call $report (i32.eqz (call $fd_seek (local.get $fd) (i64.const -3) (i32.const 1) (i32.const 200))))
    (call $report (i64.eq (i64.load (i32.const 200)) (i64.const 7)))
    ;; whence 0 is CUR: +1 gives 8
    (drop (call $fd_seek (local.get $fd) (i64.const 1) (i32.const 0) (i32.const 200)))
    (call $report (i64.eq (i64.load (i32.const 200)) (i64.const 8)))
    ;; whence 2 is SET
    (drop (call $fd_seek (local.get $fd) (i64.const 2) (i32.const 2) (i32.const 200)))
    (call $report (i64.eq (i64.load (i32.const 200)) (i64.const 2)))
    ;; filestat: filetype regular (4) at 16, nlink u32 at 20, size at 24
    (call $report (i32.eqz (call $fd_filestat_get (local.get $fd) (i32.const 300))))
    (call $report (i32.eq (i32.load8_u (i32.const 316)) (i32.const 4)))
    (call $report (i32.eq (i32.load (i32.const 320)) (i32.const 1)))
    (call $report (i64.eq (i64.load (i32.const 324)) (i64.const 10)))
    ;; one clock subscription: userdata 77, tag 0, identifier at 16, clock id 1 (monotonic) at 24, 1 ms at 32
    (i64.store (i32.const 400) (i64.const 77))
    (i32.store8 (i32.const 408) (i32.const 0))
    (i32.store (i32.const 424) (i32.const 1))
    (i64.store (i32.const 432) (i64.const 1000000))
    (call $report (i32.eqz (call $poll_oneoff (i32.const 400) (i32.const 500) (i32.const 1) (i32.const 600))))
    (call $report (i32.eq (i32.load (i32.const 600)) (i32.const 1)))
    (call $report (i64.eq (i64.load (i32.const 500)) (i64.const 77)))
    (call $report (i32.eq (i32.load8_u (i32.const 510)) (i32.const 0)))))
