;; The wasix_64v1 ABI on a memory64 module: pointers and sizes are i64, iovecs and argv entries 8 bytes,
;; sizes written back as 8 bytes; fork and join work, and so does vfork through proc_fork_env (the thread is the
;; child until its proc_exit2 returns); an unimplemented call links and answers ENOTSUP.
(module
  (import "wasix_64v1" "args_sizes_get" (func $args_sizes_get (param i64 i64) (result i32)))
  (import "wasix_64v1" "args_get" (func $args_get (param i64 i64) (result i32)))
  (import "wasix_64v1" "fd_write" (func $fd_write (param i32 i64 i64 i64) (result i32)))
  (import "wasix_64v1" "proc_fork" (func $proc_fork (param i32 i64) (result i32)))
  (import "wasix_64v1" "proc_join" (func $proc_join (param i64 i64) (result i32)))
  (import "wasix_64v1" "proc_exit" (func $proc_exit (param i32)))
  (import "wasix_64v1" "proc_fork_env" (func $proc_fork_env (param i64) (result i32)))
  (import "wasix_64v1" "proc_exit2" (func $proc_exit2 (param i32)))
  (import "wasix_64v1" "proc_id" (func $proc_id (param i64) (result i32)))
  (import "wasix_64v1" "getcwd" (func $getcwd (param i64 i64) (result i32)))
  (import "wasix_64v1" "port_mac" (func $port_mac (param i64) (result i32)))
  (memory (export "memory") i64 1)
  (data (i64.const 1024) "argc=?, argv[1]=")
  (data (i64.const 1100) "\n")
  (data (i64.const 1200) "child exited with ?\n")
  (data (i64.const 1300) "port_mac errno ??\n")
  (data (i64.const 1400) "cwd: ")
  (data (i64.const 1600) "vfork child: its own pid ?, exited with ?\n")

  ;; Writes `length` bytes at `address` to stdout; traps unless all were written (checked in the 8-byte nwritten).
  (func $print (param $address i64) (param $length i64)
    (i64.store (i64.const 64) (local.get $address))
    (i64.store (i64.const 72) (local.get $length))
    (i64.store (i64.const 80) (i64.const -1))
    (drop (call $fd_write (i32.const 1) (i64.const 64) (i64.const 1) (i64.const 80)))
    (if (i64.ne (i64.load (i64.const 80)) (local.get $length)) (then unreachable)))

  ;; The length of the NUL-terminated string at `address`.
  (func $strlen (param $address i64) (result i64) (local $end i64)
    (local.set $end (local.get $address))
    (block $done (loop $next
      (br_if $done (i32.eqz (i32.load8_u (local.get $end))))
      (local.set $end (i64.add (local.get $end) (i64.const 1)))
      (br $next)))
    (i64.sub (local.get $end) (local.get $address)))

  (func (export "_start") (local $argv1 i64)
    ;; argc and the buffer size are 8-byte results; argv entries are 8-byte pointers.
    (drop (call $args_sizes_get (i64.const 0) (i64.const 8)))
    (i32.store8 (i64.const 1029) (i32.add (i32.const 48) (i32.wrap_i64 (i64.load (i64.const 0)))))
    (drop (call $args_get (i64.const 2048) (i64.const 4096)))
    (local.set $argv1 (i64.load (i64.const 2056)))
    (call $print (i64.const 1024) (i64.const 16))
    (call $print (local.get $argv1) (call $strlen (local.get $argv1)))
    (call $print (i64.const 1100) (i64.const 1))

    ;; fork: the child exits with 7, the parent joins it (pid and code through i64 pointers).
    (drop (call $proc_fork (i32.const 1) (i64.const 16)))
    (if (i32.eqz (i32.load (i64.const 16))) (then (call $proc_exit (i32.const 7))))
    (i32.store (i64.const 24) (i32.const -1))
    (drop (call $proc_join (i64.const 24) (i64.const 32)))
    ;; The status is a POSIX wait status: the exit code is its second byte.
    (i32.store8 (i64.const 1218) (i32.add (i32.const 48) (i32.load8_u (i64.const 33))))
    (call $print (i64.const 1200) (i64.const 20))

;; proc_fork_env writes the child's pid through an i64 pointer; proc_id in the child answers it; proc_exit2
    ;; returns, as the parent, which then joins the child.
    (drop (call $proc_fork_env (i64.const 16)))
    (drop (call $proc_id (i64.const 20)))
    (call $proc_exit2 (i32.const 5))
    (i32.store8 (i64.const 1625)
      (select (i32.const 121) (i32.const 110) (i32.eq (i32.load (i64.const 16)) (i32.load (i64.const 20)))))
    (i32.store (i64.const 24) (i32.load (i64.const 16)))
    (drop (call $proc_join (i64.const 24) (i64.const 32)))
    (i32.store8 (i64.const 1640) (i32.add (i32.const 48) (i32.load8_u (i64.const 33))))
    (call $print (i64.const 1600) (i64.const 42))

    ;; getcwd: the capacity in and the length out are 8 bytes.
    (i64.store (i64.const 40) (i64.const 64))
    (drop (call $getcwd (i64.const 1500) (i64.const 40)))
    (call $print (i64.const 1400) (i64.const 5))
    (call $print (i64.const 1500) (i64.load (i64.const 40)))
    (call $print (i64.const 1100) (i64.const 1))

    ;; A call we do not implement links with its 64-bit type and answers ENOTSUP (58).
    (local.set $argv1 (i64.extend_i32_u (call $port_mac (i64.const 48))))
    (i32.store8 (i64.const 1315) (i32.add (i32.const 48) (i32.wrap_i64 (i64.div_u (local.get $argv1) (i64.const 10)))))
    (i32.store8 (i64.const 1316) (i32.add (i32.const 48) (i32.wrap_i64 (i64.rem_u (local.get $argv1) (i64.const 10)))))
    (call $print (i64.const 1300) (i64.const 18)))
)
