#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import WasmInterpreter

/// WASIX processes: fork, join, exec, spawn and ids.
extension Syscalls {
    /// proc_fork(copy_memory: bool, pid: *pid): 0 in the child, the child's pid in the parent. Without
    /// `copy_memory` (vfork) the parent waits until the child has exec'd or exited.
    static func procFork(_ c: SyscallContext) throws -> Errno {
        if c.kernel.configuration.forkMode == .asyncify {
            return try Asyncify.syscall(c, .fork(pidAddress: c.u32(1), parentWaits: c.u32(0) == 0))
        }
        return try fork(c, parentWaits: c.u32(0) == 0)
    }

    /// proc_fork_env(pid: *pid): vfork without a change of control flow, which current wasix-libc's
    /// exception-handling builds pair with setjmp and longjmp. Makes a child of the calling process, with a copy
    /// of its descriptor table, working directory, environment and signal handler, writes its pid to `*pid` and
    /// returns; from then on the calling thread acts as the child, in the same memory and on the same stack,
    /// until the child's `proc_exit2` (or `proc_exit`) or successful `proc_exec*`, which return as the parent's
    /// (libc then longjmps back to its vfork). A child may vfork again.
    /// - Returns: `again` beyond `maxProcesses`; `fault` for a bad pointer (no child is made).
    static func procForkEnv(_ c: SyscallContext) throws -> Errno {
        let parent = c.process
        let child = try c.kernel.add { pid in WasixProcess(kernel: c.kernel, pid: pid, parent: parent) }
        do {
            try c.memory.store(child.pid, at: c.u32(0))
        } catch {
            c.kernel.discard(child)
            throw error
        }
        c.thread.enterVforkChild(child)
        return .success
    }

    /// proc_join(pid: *pid, status: *exitcode), the 2022 form: `*pid` is a child or -1 for any; out come the
    /// pid and the raw exit code.
    static func procJoin2022(_ c: SyscallContext) throws -> Errno {
        let requested = try c.memory.load(c.u32(0), as: UInt32.self)
        let wanted = requested == UInt32.max || requested == 0 ? nil : requested
        guard let (pid, status) = try c.kernel.join(c.thread, pid: wanted, blocking: true) else { return .child }
        try c.memory.store(pid, at: c.u32(0))
        try c.memory.store(status.waitStatus, at: c.u32(1))
        return .success
    }

    /// proc_join(pid: *option_pid, flags: join_flags, status: *join_status): option_pid is tag u8@0 (1 =
    /// some), pid u32@4, and comes back as the child's pid (0 with nothing to report); flags are 1 non-blocking,
    /// 2 wake on a stop (`WUNTRACED`); join_status is tag u8@0 (0 nothing, 1 exited, 2 signal, 3 stopped),
    /// then u16 code@2, u8 signal@4 (a stop's signal is at @2). libc makes the wait status `code << 8 | signal`,
    /// so a death by signal has code 0.
    static func procJoin(_ c: SyscallContext) throws -> Errno {
        let wanted = try c.memory.load(c.u32(0), as: UInt8.self) == 1
            ? try c.memory.load(c.u32(0) &+ 4, as: UInt32.self) : nil
        let joined = try c.kernel.join(c.thread, pid: wanted, blocking: c.u32(1) & 1 == 0, stopped: c.u32(1) & 2 != 0)
        try c.memory.write([UInt8](repeating: 0, count: 6), at: c.u32(2))
        try c.memory.store(UInt8(1), at: c.u32(0))
        try c.memory.store(joined?.pid ?? 0, at: c.u32(0) &+ 4)
        switch joined?.status {
        case nil:
            break
        case .exited(let code)?:
            try c.memory.store(UInt8(1), at: c.u32(2))
            try c.memory.store(UInt16(truncatingIfNeeded: code), at: c.u32(2) &+ 2)
        case .signaled(let signal)?:
            try c.memory.store(UInt8(2), at: c.u32(2))
            try c.memory.store(signal.rawValue, at: c.u32(2) &+ 4)
        case .stopped(let signal)?:
            try c.memory.store(UInt8(3), at: c.u32(2))
            try c.memory.store(signal.rawValue, at: c.u32(2) &+ 2)
        }
        return .success
    }

    /// proc_exit2(code): ends the process, like proc_exit; in a vfork child (`proc_fork_env`) it ends the child
    /// and returns, the thread acting as the child's parent again.
    static func procExit2(_ c: SyscallContext) throws -> Errno {
        try endProcess(c, code: c.u32(0))
    }

    /// proc_id(pid: *pid)
    static func procId(_ c: SyscallContext) throws -> Errno {
        try c.memory.store(c.process.pid, at: c.u32(0))
        return .success
    }

    /// proc_parent(pid, parent: *pid): the parent of `pid` (0 for the first process).
    static func procParent(_ c: SyscallContext) throws -> Errno {
        let pid = c.u32(0)
        guard let process = pid == c.process.pid ? c.process : c.kernel.process(pid) else { return .srch }
        try c.memory.store(process.parentPID, at: c.u32(1))
        return .success
    }

    /// proc_exec(name: string, args: string): runs another program in this process; args are separated by
    /// newlines, argv[0] first. Does not return: a failure ends the process with status 45 (`noexec`). In a
    /// vfork child it returns either way, as the parent's (see `proc_exec3`).
    static func procExec(_ c: SyscallContext) throws -> Errno {
        try execOrExit(c, name: try c.string(0), arguments: try c.string(2), environment: nil, path: nil)
    }

    /// proc_exec2(name: string, args: string, envs: string): as `proc_exec`, with the environment given.
    static func procExec2(_ c: SyscallContext) throws -> Errno {
        try execOrExit(c, name: try c.string(0), arguments: try c.string(2), environment: try c.string(4), path: nil)
    }

    /// proc_exec3(name, args, envs: string, search_path: bool, path: string): as `proc_exec2`, but a failure
    /// returns its errno; with `search_path`, a bare name is looked up in the directories of `path`. In a vfork
    /// child (`proc_fork_env`) success returns too: the program runs as the child on a thread of its own, and
    /// the calling thread acts as the child's parent again.
    static func procExec3(_ c: SyscallContext) throws -> Errno {
        try exec(c, name: try c.string(0), arguments: try c.string(2), environment: try c.string(4),
                 path: c.u32(6) != 0 ? try c.string(7) : nil)
    }

    /// proc_spawn2(name, args, envs: string, fd_ops: *fd_op, n, signal_dispositions: *, n, search_path: bool,
    /// path: string, pid: *pid): posix_spawn. fd_op is 56 bytes: cmd u8@0 (0 close, 1 dup2, 2 open, 3 chdir),
    /// fd u32@4, src_fd u32@8, path ptr@12 len@16, oflags u16@24, rights u64@32, fdflags u16@48, fdflagsext u16@50.
    static func procSpawn2(_ c: SyscallContext) throws -> Errno {
        try spawn(c)
    }

    /// Forks the calling process: the child gets clones of the instance (memories, tables, all globals) and of
    /// the execution state inside this call, a copy of the descriptor table, and the `setjmp` points.
    private static func fork(_ c: SyscallContext, parentWaits: Bool) throws -> Errno {
        // A bad pid pointer fails the call before a child exists (the child's copy of memory then takes it too).
        try c.memory.store(UInt32(0), at: c.u32(1))
        let store = Store(sharingTypesWith: c.thread.context.store)
        guard let instance = c.instance.clone(into: store, othersWrite: c.thread.hasSiblings), let memory = instance.memories.first else { return .nomem }
        let context = ExecutionContext(store: store)
        context.restore(c.thread.context.snapshot().rebinding(c.instance, to: instance))
        let parent = c.process
        let child = try c.kernel.add { pid in WasixProcess(kernel: c.kernel, pid: pid, parent: parent) }
        let thread = WasixThread(process: child, instance: instance, context: context)
        thread.suspendedResults = c.thread.suspendedResults
        thread.checkpoints = c.thread.checkpoints.mapValues { $0.rebinding(c.instance, to: instance) }
        thread.checkpointOrder = c.thread.checkpointOrder
        try? GuestMemory(memory: memory).store(UInt32(0), at: c.u32(1))
        try? c.memory.store(child.pid, at: c.u32(1))
        c.kernel.locked {
            child.threads[1] = thread
            child.holdsParent = parentWaits
        }
        c.kernel.start(thread, .resume([.i32(UInt32(Errno.success.rawValue))]))
        if parentWaits { c.kernel.waitForRelease(of: child, by: c.thread) }
        return .success
    }

    /// `exec` for the calls that cannot return an error: a failure ends the process.
    private static func execOrExit(_ c: SyscallContext, name: String, arguments: String, environment: String?,
                                   path: String?) throws -> Errno {
        do {
            return try exec(c, name: name, arguments: arguments, environment: environment, path: path)
        } catch let error as Errno {
            c.process.reportError("exec \(name): \(error)")
            return try endProcess(c, code: UInt32(Errno.noexec.rawValue))
        }
    }

    /// Replaces the program of the calling process: loads and instantiates the new one (an error comes back as
    /// errno), closes close-on-exec descriptors, and unwinds so the thread starts it. A vfork child's program
    /// starts on a thread of its own instead, and the call returns as the parent's.
    private static func exec(_ c: SyscallContext, name: String, arguments: String, environment: String?,
                             path: String?) throws -> Errno {
        let program = try c.kernel.instantiate(try c.kernel.program(named: name, for: c.process, searchPath: path))
        c.process.arguments = lines(arguments)
        if let environment, !environment.isEmpty { c.process.environment = lines(environment) }
        c.process.closeOnExec()
        c.kernel.locked { c.process.signalHandlerName = nil }
        if let child = c.thread.leaveVforkChild() {
            let thread = WasixThread(process: child, instance: program.instance,
                                     context: ExecutionContext(store: program.store))
            c.kernel.locked { child.threads[1] = thread }
            c.kernel.start(thread, .invoke(program.start, []))
            return .success
        }
        c.thread.pendingAction = .exec(program)
        throw Termination.unwound
    }

    /// Starts a new process running a program (posix_spawn), with the caller's descriptors changed by `fd_ops`.
    /// Arguments: name 0-1, args 2-3, envs 4-5, fd_ops 6-7, signal dispositions 8-9 (nothing to do: new
    /// programs start with default actions), search_path 10, path 11-12, pid 13.
    private static func spawn(_ c: SyscallContext) throws -> Errno {
        let searchPath = c.u32(10) != 0 ? try c.string(11) : nil
        let program = try c.kernel.instantiate(try c.kernel.program(named: try c.string(0), for: c.process,
                                                                    searchPath: searchPath))
        let parent = c.process
        var descriptors = parent.descriptors
        var workingDirectory = parent.workingDirectory
        // The 56-byte fd_op; in wasix_64v1 its path pointer and length are 8 bytes, which moves what follows.
        let wide = c.wordSize == 8
        let (pathAt, oflagsAt, rightsAt, fdflagsAt, size): (UInt32, UInt32, UInt32, UInt32, UInt32) =
            wide ? (16, 36, 40, 56, 64) : (12, 24, 32, 48, 56)
        guard c.u32(7) <= 1024 else { return .inval }
        for index in 0..<c.u32(7) {
            let op = c.u32(6) &+ index &* size
            let fd = try c.memory.load(op &+ 4, as: UInt32.self)
            func path() throws(Errno) -> String {
                let path = try c.memory.string(try c.loadWord(at: op &+ pathAt), try c.loadWord(at: op &+ pathAt &+ c.wordSize))
                return parent.absolutePath(path.hasPrefix("/") ? path : workingDirectory + "/" + path)
            }
            switch try c.memory.load(op, as: UInt8.self) {
            case 0:
                descriptors.remove(fd)
            case 1:
                var copy = try descriptors.get(try c.memory.load(op &+ 8, as: UInt32.self))
                copy.closeOnExec = false
                copy.preopenPath = nil
                descriptors[fd] = copy
            case 2:
                let oflags = try c.memory.load(op &+ oflagsAt, as: UInt16.self)
                let rights = try c.memory.load(op &+ rightsAt, as: UInt64.self)
                var flags: Int32 = rights & Rights.fdWrite == 0 ? O_RDONLY
                    : rights & Rights.fdRead != 0 ? O_RDWR : O_WRONLY
                if oflags & OpenFlags.creat != 0 { flags |= O_CREAT }
                if oflags & OpenFlags.excl != 0 { flags |= O_EXCL }
                if oflags & OpenFlags.trunc != 0 { flags |= O_TRUNC }
                if try c.memory.load(op &+ fdflagsAt, as: UInt16.self) & FDFlags.append != 0 { flags |= O_APPEND }
                let hostFD = try parent.openGuestPath(try path(), flags: flags)
                let (filetype, allowed) = OpenFile.describe(hostFD: hostFD)
                descriptors[fd] = FileDescriptor(file: OpenFile(hostFD: hostFD, filetype: filetype),
                                                 rightsBase: allowed, rightsInheriting: 0)
            case 3:
                let directory = try path()
                close(try parent.openGuestPath(directory, flags: O_RDONLY | O_DIRECTORY))
                workingDirectory = directory
            default:
                return .notsup
            }
        }
        let environment = lines(try c.string(4))
        let arguments = lines(try c.string(2))
        // Whatever can fail fails before the child exists: one that never starts would never end either, and
        // hold the whole run (its kernel, files and mounts) in memory (found by FuzzWasix).
        try c.memory.store(UInt32(0), at: c.u32(13))
        let child = try c.kernel.add { pid in WasixProcess(kernel: c.kernel, pid: pid, parent: parent) }
        child.descriptors = descriptors
        child.workingDirectory = workingDirectory
        child.arguments = arguments
        if !environment.isEmpty { child.environment = environment }
        child.signalHandlerName = nil
        child.closeOnExec()
        let thread = WasixThread(process: child, instance: program.instance,
                                 context: ExecutionContext(store: program.store))
        c.kernel.locked { child.threads[1] = thread }
        try? c.memory.store(child.pid, at: c.u32(13))
        c.kernel.start(thread, .invoke(program.start, []))
        return .success
    }

    /// The entries of a newline-separated list (argv or the environment), empty ones dropped.
    static func lines(_ text: String) -> [String] {
        text.split(whereSeparator: { $0 == "\n" || $0 == "\r" || $0 == "\r\n" }).map(String.init)
    }
}
