import WasmInterpreter

/// The `wasix_64v1` ABI (memory64): the same calls, with every pointer and pointer-sized length (`size_t`) an
/// i64 parameter, sizes written back as 8 bytes, and 8-byte pointers in iovecs and argv-style arrays. Fixed-width
/// fields (fds, flags, u64 timestamps) and the errno result do not change.
enum Wasm64 {
    /// For each call (by name and parameter count), the parameters that are pointers or sizes.
    static let pointerParameters: [String: Set<Int>] = [
        "args_sizes_get/2": [0, 1], "args_get/2": [0, 1], "environ_sizes_get/2": [0, 1], "environ_get/2": [0, 1],
        "clock_res_get/2": [1], "clock_time_get/3": [2],
        "fd_fdstat_get/2": [1], "fd_filestat_get/2": [1], "fd_pread/5": [1, 2, 4], "fd_pwrite/5": [1, 2, 4],
        "fd_read/4": [1, 2, 3], "fd_write/4": [1, 2, 3], "fd_prestat_get/2": [1], "fd_prestat_dir_name/3": [1, 2],
        "fd_readdir/5": [1, 2, 4], "fd_seek/4": [3], "fd_tell/2": [1],
        "fd_pipe/2": [0, 1], "fd_dup/2": [1], "fd_dup2/4": [3], "fd_fdflags_get/2": [1],
        "path_create_directory/3": [1, 2], "path_filestat_get/5": [2, 3, 4], "path_filestat_set_times/7": [2, 3],
        "path_link/7": [2, 3, 5, 6], "path_open/9": [2, 3, 8], "path_open2/10": [2, 3, 9],
        "path_readlink/6": [1, 2, 3, 4, 5], "path_remove_directory/3": [1, 2], "path_rename/6": [1, 2, 4, 5],
        "path_symlink/5": [0, 1, 3, 4], "path_unlink_file/3": [1, 2], "getcwd/2": [0, 1], "chdir/2": [0, 1],
        "poll_oneoff/4": [0, 1, 2, 3], "random_get/2": [0, 1],
        "proc_fork/2": [1], "proc_join/2": [0, 1], "proc_join/3": [0, 2], "proc_id/1": [0], "proc_parent/2": [1],
        "proc_exec/4": [0, 1, 2, 3], "proc_exec2/6": [0, 1, 2, 3, 4, 5], "proc_exec3/9": [0, 1, 2, 3, 4, 5, 7, 8],
        "proc_spawn2/14": [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13],
        "callback_signal/2": [0, 1], "sock_accept/3": [2], "sock_recv/6": [1, 2, 4, 5], "sock_send/5": [1, 2, 4],
        "stack_checkpoint/2": [0, 1], "stack_restore/2": [0], "tty_get/1": [0], "tty_set/1": [0],
        "thread_spawn/5": [4], "thread_spawn/2": [0, 1], "thread_spawn_v2/2": [0, 1], "thread_id/1": [0],
        "thread_parallelism/1": [0], "futex_wait/4": [0, 2, 3], "futex_wake/2": [0, 1], "futex_wake_all/2": [0, 1],
        "thread_local_create/2": [1], "thread_local_get/2": [1],
        "sock_open/4": [3], "sock_pair/5": [3, 4], "sock_bind/2": [1], "sock_accept/4": [2, 3],
        "sock_accept_v2/4": [2, 3], "sock_connect/2": [1], "sock_recv_from/7": [1, 2, 4, 5, 6],
        "sock_send_to/6": [1, 2, 4, 5], "sock_addr_local/2": [1], "sock_addr_peer/2": [1], "sock_status/2": [1],
        "sock_get_opt_flag/3": [2], "sock_get_opt_size/3": [2], "sock_set_opt_time/3": [2],
        "sock_get_opt_time/3": [2], "resolve/6": [0, 1, 3, 4, 5], "sock_send_file/5": [4],
        "fd_event/3": [2], "epoll_create/1": [0], "epoll_ctl/4": [3], "epoll_wait/5": [1, 2, 4],
    ]

    /// `syscall` as `wasix_64v1` imports it.
    static func widened(_ syscall: Syscall) -> Syscall {
        let pointers = pointerParameters["\(syscall.name)/\(syscall.parameters.count)"] ?? []
        let parameters = syscall.parameters.enumerated().map { pointers.contains($0.offset) ? ValueType.i64 : $0.element }
        return Syscall(name: syscall.name, parameters: parameters, results: syscall.results, body: syscall.body)
    }
}
