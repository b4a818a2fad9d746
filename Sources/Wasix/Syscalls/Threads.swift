import WasmInterpreter

/// Threads: spawning (the 2022 and current WASIX calls, and wasi-threads), joining, exiting, ids, futexes and the
/// 2022 thread-local storage. Each thread is an instance of the module over the process's shared memory, with
/// an execution context of its own, on a host thread of its own.
extension Syscalls {
    /// thread_spawn(user_data: u64, stack_base: u64, stack_start: u64, reactor: bool, tid: *tid), the 2022
    /// form: the thread enters `_start_thread(user_data_low, user_data_high)`. Reactors are not supported.
    static func threadSpawn2022(_ c: SyscallContext) throws -> Errno {
        guard c.u32(3) == 0 else { return .notcapable }
        let userData = c.u64(0)
        let tid = try spawnThread(c, entry: "_start_thread") { _ in
            [.i32(UInt32(truncatingIfNeeded: userData)), .i32(UInt32(truncatingIfNeeded: userData >> 32))]
        }
        try c.memory.store(tid, at: c.u32(4))
        return .success
    }

    /// thread_spawn(start: *thread_start, tid: *tid): the current form under its old name.
    static func threadSpawnV2(_ c: SyscallContext) throws -> Errno {
        try spawnV2(c)
    }

    /// thread_join(tid): waits until the thread has ended (at once for an unknown one).
    static func threadJoin(_ c: SyscallContext) throws -> Errno {
        let tid = c.u32(0)
        guard tid != c.thread.tid else { return .deadlk }
        return c.kernel.locked {
            while c.process.threads[tid] != nil {
                if c.thread.mustStopWaiting { return .intr }
                c.kernel.condition.wait()
            }
            return .success
        }
    }

    /// thread_exit(code): ends the calling thread; the last thread's exit ends the process with `code`.
    static func threadExit(_ c: SyscallContext) throws -> Errno {
        c.thread.exitsAlone = true
        throw Termination.exit(Int32(bitPattern: c.u32(0)))
    }

    /// thread_id(tid: *tid)
    static func threadId(_ c: SyscallContext) throws -> Errno {
        try c.memory.store(c.thread.tid, at: c.u32(0))
        return .success
    }

    /// thread_parallelism(count: *size)
    static func threadParallelism(_ c: SyscallContext) throws -> Errno {
        try c.storeSize(HostSystem.activeProcessorCount, at: c.u32(0))
        return .success
    }

    /// thread_sleep(duration: timestamp): a signal to handle (or a timeout) cuts it short with `intr`.
    static func threadSleep(_ c: SyscallContext) throws -> Errno {
        let deadline = MonotonicClock.deadline(after: c.u64(0))
        return c.kernel.sleep(c.thread, until: deadline) ? .success : .intr
    }

    /// futex_wait(addr: *u32, expected: u32, timeout: *option_timestamp, woken: *bool): blocks while
    /// `*addr == expected` until woken or the relative timeout passes (`*woken = 0`). A value that differs
    /// counts as woken (the 2022 libc loops until it sees `woken`), and so does a signal to handle: the caller
    /// checks again after the handler. Waiters of `memory.atomic.wait` are the same waiters.
    static func futexWait(_ c: SyscallContext) throws -> Errno {
        let timeout = try c.memory.load(c.u32(2), as: UInt8.self) == 1
            ? try c.memory.load(c.u32(2) &+ 8, as: UInt64.self) : nil
        let deadline = timeout.map { MonotonicClock.deadline(after: $0) }
        var woken = true
        while true {
            // In slices, so that signals (and the end of the process) are seen.
            let now = MonotonicClock.now
            let slice = min(deadline.map { $0 > now ? $0 - now : 0 } ?? .max, 50_000_000)
            guard let result = c.memory.memory.wait32(at: Int(c.u32(0)), expected: c.u32(1), timeout: slice) else {
                return .inval
            }
            if result != .timedOut { break }
            if let deadline, MonotonicClock.now >= deadline {
                woken = false
                break
            }
            if c.kernel.locked({ c.thread.mustStopWaiting }) { break }
        }
        try c.memory.store(UInt8(woken ? 1 : 0), at: c.u32(3))
        return .success
    }

    /// futex_wake(addr: *u32, woken: *bool): wakes one waiter; always reports woken (see futex_wait).
    static func futexWake(_ c: SyscallContext) throws -> Errno {
        guard c.memory.memory.notify(at: Int(c.u32(0)), count: 1) != nil else { return .inval }
        try c.memory.store(UInt8(1), at: c.u32(1))
        return .success
    }

    /// futex_wake_all(addr: *u32, woken: *bool)
    static func futexWakeAll(_ c: SyscallContext) throws -> Errno {
        guard c.memory.memory.notify(at: Int(c.u32(0)), count: UInt32.max) != nil else { return .inval }
        try c.memory.store(UInt8(1), at: c.u32(1))
        return .success
    }

    /// thread_local_create(user_data: u64, key: *u32): a key whose values are per thread; `user_data` is
    /// passed to the destructor export `_thread_local_destroy(ud_low, ud_high, value_low, value_high)`.
    static func threadLocalCreate(_ c: SyscallContext) throws -> Errno {
        let key = c.kernel.locked {
            defer { c.process.nextThreadLocalKey += 1 }
            c.process.threadLocalKeys[c.process.nextThreadLocalKey] = c.u64(0)
            return c.process.nextThreadLocalKey
        }
        try c.memory.store(key, at: c.u32(1))
        return .success
    }

    /// thread_local_destroy(key): runs the destructor for every thread's value, on the calling thread.
    static func threadLocalDestroy(_ c: SyscallContext) throws -> Errno {
        let key = c.u32(0)
        let (userData, values): (UInt64?, [UInt64]) = c.kernel.locked {
            let values = c.process.threads.values.compactMap { $0.threadLocals.removeValue(forKey: key) }
            return (c.process.threadLocalKeys.removeValue(forKey: key), values)
        }
        guard let userData else { return .inval }
        for value in values where value != 0 { try c.thread.destroyThreadLocal(userData: userData, value: value) }
        return .success
    }

    /// thread_local_set(key, value: u64)
    static func threadLocalSet(_ c: SyscallContext) throws -> Errno {
        c.kernel.locked {
            guard c.process.threadLocalKeys[c.u32(0)] != nil else { return .inval }
            c.thread.threadLocals[c.u32(0)] = c.u64(1)
            return .success
        }
    }

    /// thread_local_get(key, value: *u64): 0 if this thread set none.
    static func threadLocalGet(_ c: SyscallContext) throws -> Errno {
        let value = c.kernel.locked { c.process.threadLocalKeys[c.u32(0)] == nil ? nil : c.thread.threadLocals[c.u32(0)] ?? 0 }
        guard let value else { return .inval }
        try c.memory.store(value, at: c.u32(1))
        return .success
    }

    /// wasi-threads: `wasi.thread-spawn(start_arg) -> tid`, negative on failure; the thread enters
    /// `wasi_thread_start(tid, start_arg)`.
    static func wasiThreadSpawn(_ c: SyscallContext) throws -> UInt32 {
        let argument = c.u32(0)
        do {
            return try spawnThread(c, entry: "wasi_thread_start") { tid in [.i32(tid), .i32(argument)] }
        } catch let error as Errno {
            return UInt32(bitPattern: -Int32(error.rawValue))
        }
    }

    private static func spawnV2(_ c: SyscallContext) throws -> Errno {
        let start = c.u32(0)
        let tid = try spawnThread(c, entry: "wasi_thread_start") { tid in [.i32(tid), .i32(start)] }
        try c.memory.store(tid, at: c.u32(1))
        return .success
    }

    /// Starts a thread of the calling process: a new instance of the caller's module in the same store, over the
    /// same shared memory, entering export `entry` with `arguments(tid)`.
    /// - Throws: `notsup` if the module's memory is not imported and shared or the caller is a vfork child (whose
    ///   store and memory are its parent's), `notcapable` without the entry export, `again` at the thread limit.
    private static func spawnThread(_ c: SyscallContext, entry: String, arguments: (UInt32) -> [Value]) throws
        -> UInt32
    {
        let module = c.instance.module
        guard let memory = c.instance.memories.first, memory.type.limits.isShared,
              !module.module.importedMemories.isEmpty, c.thread.vforkChildren.isEmpty else { throw Errno.notsup }
        let process = c.process
        let store = c.thread.context.store
        let instance: Instance
        do {
            process.spawnLock.lock()
            defer { process.spawnLock.unlock() }
            let imports = Registry.imports(for: module, in: store, memory: memory, configuration: c.kernel.configuration)
            instance = try store.instantiate(module, imports: imports)
        } catch {
            throw Errno.again
        }
        guard let function = instance.exportedFunction(entry) else { throw Errno.notcapable }
        let thread = WasixThread(process: process, instance: instance, context: ExecutionContext(store: store))
        try c.kernel.locked {
            guard process.status == nil, process.threads.count < c.kernel.configuration.maxThreads else {
                throw Errno.again
            }
            thread.tid = process.nextThreadID
            process.nextThreadID += 1
            process.threads[thread.tid] = thread
        }
        c.kernel.start(thread, .invoke(function, arguments(thread.tid)))
        return thread.tid
    }
}

extension WasixThread {
    /// Runs the destructor of each thread-local value this thread holds (when it ends normally).
    func destroyThreadLocals() {
        let values: [(UInt64, UInt64)] = process.kernel.locked {
            defer { threadLocals = [:] }
            return threadLocals.compactMap { key, value in
                guard value != 0, let userData = process.threadLocalKeys[key] else { return nil }
                return (userData, value)
            }
        }
        for (userData, value) in values { try? destroyThreadLocal(userData: userData, value: value) }
    }

    /// Calls `_thread_local_destroy(ud_low, ud_high, value_low, value_high)` if the module exports it.
    func destroyThreadLocal(userData: UInt64, value: UInt64) throws(Trap) {
        guard let destructor = instance.exportedFunction("_thread_local_destroy") else { return }
        let words: [Value] = [userData, value].flatMap {
            [.i32(UInt32(truncatingIfNeeded: $0)), .i32(UInt32(truncatingIfNeeded: $0 >> 32))]
        }
        do {
            _ = try context.invoke(destructor, words)
        } catch {
            throw error.trap
        }
    }
}
