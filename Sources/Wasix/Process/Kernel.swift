import WasmInterpreter

/// The process table of one run: every process a program forks or spawns, with what they share (the command
/// table, limits, the terminal). One condition guards all of it; every change of state wakes every waiter.
final class Kernel: @unchecked Sendable {
    let configuration: WasixConfiguration
    /// Limits for the stores of new programs (forked processes copy their parent's).
    let limits: Store.ResourceLimits
    /// The first store's profiler, for the stores of programs that exec and spawn start.
    var profiler: Profiler?
    let condition = Condition()
    /// Processes that run or have not been joined; guarded by `condition`.
    private var processes: [UInt32: WasixProcess] = [:]
    private var nextPID: UInt32 = 1
    /// Set once the first process has ended: the others are being stopped.
    private(set) var isShuttingDown = false
    /// Set once the run's timeout has passed (`timeOut()`): every thread's invocation is interrupted.
    private(set) var isTimedOut = false
    /// The terminal modes that `tty_set` chose.
    var terminal = Terminal()
    /// Modules of the command table, by host path, once loaded.
    var commandModules: [String: ValidatedModule] = [:]
    /// Host threads that `start` started and that have not ended; guarded by `condition`.
    private var startedThreads = 0
    /// Set when the run ended before its last started thread: that thread closes the file system.
    private var closesFileSystemLast = false

    /// The guest's rooted tree, for WASIX programs (`nil`: WASI preopens).
    let fileSystem: GuestFileSystem?
    /// Whether the run is a WASIX program's, whose libc asks for Linux's meaning where preview1 differs.
    var isWasix: Bool { fileSystem != nil }

    init(configuration: WasixConfiguration, limits: Store.ResourceLimits, fileSystem: GuestFileSystem? = nil) {
        self.configuration = configuration
        self.limits = limits
        self.fileSystem = fileSystem
    }

    /// Runs `body` holding the lock.
    func locked<T>(_ body: () throws -> T) rethrows -> T {
        condition.lock()
        defer { condition.unlock() }
        return try body()
    }

    /// Adds the process that `make` creates under a new pid.
    /// - Throws: `again` when `configuration.maxProcesses` processes exist.
    func add(_ make: (UInt32) throws -> WasixProcess) throws -> WasixProcess {
        try locked {
            guard processes.count < configuration.maxProcesses, !isShuttingDown else { throw Errno.again }
            let process = try make(nextPID)
            nextPID += 1
            processes[process.pid] = process
            processes[process.parentPID]?.children.append(process.pid)
            return process
        }
    }

    /// Takes a process that never ran out of the table again (its fork failed after all).
    func discard(_ process: WasixProcess) {
        locked {
            processes[process.pid] = nil
            processes[process.parentPID]?.children.removeAll { $0 == process.pid }
        }
    }

    /// The process with `pid`, if it runs or has not been joined.
    func process(_ pid: UInt32) -> WasixProcess? { locked { processes[pid] } }

    /// Starts `thread` on a host thread of its own.
    func start(_ thread: WasixThread, _ start: WasixThread.Start) {
        locked { startedThreads += 1 }
        HostThread.detach(stackSize: 16 << 20) { [self] in
            threadEnded(thread, thread.run(start))
            let removes = locked { () -> Bool in
                startedThreads -= 1
                condition.broadcast()
                return startedThreads == 0 && closesFileSystemLast
            }
            if removes { fileSystem?.unmount() }
        }
    }

    /// Ends the run once its first process has ended: waits up to `grace` for the threads of the other
    /// processes, which were sent SIGKILL and stop at their next syscall or safepoint, and closes the file
    /// system (its mounts, its private directory), or leaves that to the last of them (a syscall under way,
    /// such as an `open` that creates a file in `/tmp`, finishes first).
    func endRun(grace: Duration = .seconds(2)) {
        let deadline = MonotonicClock.now + UInt64(grace.components.seconds) * 1_000_000_000
            + UInt64(grace.components.attoseconds / 1_000_000_000)
        let removesNow = locked { () -> Bool in
            while startedThreads > 0, condition.wait(until: deadline) {}
            closesFileSystemLast = startedThreads > 0
            return startedThreads == 0
        }
        if removesNow { fileSystem?.unmount() }
    }

    /// Takes `thread` out of its process and decides whether the process ends: it does when the thread was the
    /// first one and returned, or exited, trapped or was killed; a thread that returns or calls `thread_exit`
    /// ends alone, unless it was the last one. The vfork children the thread still acts as end the same way
    /// first: their parent's stack is the one that ended.
    func threadEnded(_ thread: WasixThread, _ ending: Ending, reportsTrap: Bool = true) {
        let acting = thread.currentProcess
        if case .trapped(let trap) = ending, reportsTrap { acting.reportError("error: process \(acting.pid): \(trap)") }
        while let child = thread.leaveVforkChild() { finish(child, ending.status) }
        let process = thread.process
        // Thread-local destructors run for a thread that ends normally: it returned, or called thread_exit.
        if case .returned = ending {
            thread.destroyThreadLocals()
        } else if thread.exitsAlone {
            thread.destroyThreadLocals()
        }
        let endsProcess: Bool = locked {
            process.threads[thread.tid] = nil
            condition.broadcast()
            switch ending {
            case .returned: return thread.tid == 1 || process.threads.isEmpty
            case .exited: return !thread.exitsAlone || process.threads.isEmpty
            case .trapped, .killed: return true
            }
        }
        if endsProcess { finish(process, ending.status) }
    }

    /// Ends the run for its timeout, which bounds the whole run and not only each invocation (a program that
    /// ends its first thread with `thread_exit`, spawns threads in a chain or execs itself would outlive every
    /// one): interrupts the contexts of every thread of every process, so that each traps at its next safepoint
    /// (a blocked call returns first), and those of threads made from now on (`WasixThread` asks).
    func timeOut() {
        let contexts = locked {
            isTimedOut = true
            return processes.values.flatMap { $0.threads.values.map(\.context) }
        }
        // Not holding the lock: an interruption wakes the kernel's waiters, which takes it.
        for context in contexts { context.interrupt() }
    }

    /// Blocks until `process` has ended.
    func waitForEnd(of process: WasixProcess) {
        locked {
            while process.status == nil { condition.wait() }
        }
    }

    /// Records that `process` ended (the first time only): closes its descriptors, stops its other threads (with
    /// a SIGKILL that stays pending), lets a vfork parent go on, tells the parent with `SIGCHLD`, and wakes
    /// joiners. The first process ending ends all the others.
    func finish(_ process: WasixProcess, _ status: ExitStatus) {
        // Its files are closed before anyone can learn that it ended: a parent whose `waitpid` returned sees
        // the end of a pipe that only the child still held (closing outside the lock: it may take a while).
        var closed = FileDescriptorTable()
        let first = locked { () -> Bool in
            guard process.status == nil, !process.isEnding else { return false }
            process.isEnding = true
            swap(&closed, &process.descriptors)
            return true
        }
        guard first else { return }
        closed = FileDescriptorTable()
        var threads: [UInt32: WasixThread] = [:]
        locked {
            process.status = status
            process.holdsParent = false
            process.alarm?.cancel()
            process.alarm = nil
            swap(&threads, &process.threads)
            process.pendingSignals.append(.kill)
            process.hasPendingSignals.store(true, ordering: .releasing)
            for thread in threads.values { thread.context.requestSafepoint() }
            if let parent = processes[process.parentPID], parent.status == nil {
                queue(.chld, to: parent)
            } else {
                // The first process, or an orphan: nobody will join it.
                processes[process.pid] = nil
            }
            // Nobody will join this process's ended children either.
            for child in process.children where processes[child]?.status != nil { processes[child] = nil }
            if process.parentPID == 0 {
                isShuttingDown = true
                for other in processes.values where other.status == nil { queue(.kill, to: other) }
            }
            condition.broadcast()
        }
        _ = threads  // released outside the lock
    }

    /// Queues `signal` on `process`, or on one of its threads, and wakes waiters so that blocked calls see it.
    /// The caller holds the lock.
    func queue(_ signal: Signal, to process: WasixProcess, thread: WasixThread? = nil) {
        guard process.status == nil else { return }
        // SIGCONT continues a stopped process when it is sent, whatever its action, and discards pending stops;
        // a stop signal discards a pending SIGCONT (as on Linux).
        if signal == .cont {
            process.pendingSignals.removeAll(where: \.isStop)
            for thread in process.threads.values { thread.pendingSignals.removeAll(where: \.isStop) }
            if process.isStopped {
                process.isStopped = false
                process.stopReport = nil
                process.updatePendingFlag()
            }
        } else if signal.isStop {
            process.pendingSignals.removeAll { $0 == .cont }
        }
        // A signal whose default action is to be ignored is dropped when raised, unless a handler may want it.
        guard process.signalHandlerName != nil || !signal.isIgnoredByDefault else {
            condition.broadcast()
            return
        }
        if let thread { thread.pendingSignals.append(signal) } else { process.pendingSignals.append(signal) }
        process.hasPendingSignals.store(true, ordering: .sequentiallyConsistent)
        // Threads in a syscall see it when it returns (blocked ones wake up). Threads running wasm see it at a
        // loop iteration or call: at once if no handler export is registered (nothing of the guest's runs),
        // else only if it is still pending after `handlerGrace` (see docs/RATIONALE.md, "Safepoints").
        scheduleSafepoints(thread.map { [$0] } ?? Array(process.threads.values), of: process)
        condition.broadcast()
    }

    /// Stops `process` (a stop signal's default action): its threads block at their next syscall or safepoint
    /// until SIGCONT; its parent can wait for the stop (`WUNTRACED`) and gets SIGCHLD.
    func stop(_ process: WasixProcess, by signal: Signal) {
        locked {
            guard process.status == nil, !process.isStopped else { return }
            process.isStopped = true
            process.stopReport = signal
            process.hasPendingSignals.store(true, ordering: .sequentiallyConsistent)
            for thread in process.threads.values { thread.context.requestSafepoint() }
            if let parent = processes[process.parentPID], parent.status == nil { queue(.chld, to: parent) }
            condition.broadcast()
        }
    }

    /// How long a signal with a handler waits for a syscall before a safepoint delivers it.
    static let handlerGrace = Duration.milliseconds(50)

    /// Has those of `threads` that are running wasm (not in a syscall) take their pending signals at a
    /// safepoint: the next one if `process` has no handler export (nothing of the guest's runs), else the
    /// first after `handlerGrace`. The caller holds the lock.
    func scheduleSafepoints(_ threads: [WasixThread], of process: WasixProcess) {
        if process.signalHandlerName == nil {
            Self.requestSafepoints(threads)
        } else {
            // The timer's thread keeps it until it fires.
            _ = DeadlineTimer(after: Self.handlerGrace) { [weak self] in
                self?.locked { Self.requestSafepoints(threads) }
                return false
            }
        }
    }

    private static func requestSafepoints(_ threads: [WasixThread]) {
        for thread in threads where !thread.inSyscall.load(ordering: .sequentiallyConsistent) {
            thread.context.requestSafepoint()
        }
    }

    /// Queues `signal` on the process with `pid` (none: only asks whether it exists).
    /// - Returns: whether the process exists (an ended one that nobody has joined yet counts, as on Linux).
    @discardableResult
    func send(_ signal: Signal?, to pid: UInt32) -> Bool {
        locked {
            guard let process = processes[pid] else { return false }
            if let signal { queue(signal, to: process) }
            return true
        }
    }

    /// Waits for a child of `parent` to end and removes it from the table.
    /// - Parameters:
    ///   - pid: the child to wait for, or `nil` for any.
    ///   - blocking: whether to wait; if not, `nil` means no child has ended yet.
    /// - Throws: `child` if there is no such child, `intr` if a signal arrives first or the caller's invocation is
    ///   interrupted (its timeout).
    /// - Parameter stopped: whether a child's stop is reported too (`WUNTRACED`), once per stop.
    func join(_ caller: WasixThread, pid: UInt32?, blocking: Bool, stopped: Bool = false) throws(Errno)
        -> (pid: UInt32, status: ExitStatus)?
    {
        let parent = caller.currentProcess
        condition.lock()
        defer { condition.unlock() }
        while true {
            let candidates = parent.children.filter { pid == nil || $0 == pid }
            guard !candidates.isEmpty else { throw .child }
            if let ended = candidates.first(where: { processes[$0]?.status != nil }), let child = processes[ended],
               let status = child.status {
                parent.children.removeAll { $0 == ended }
                processes[ended] = nil
                return (ended, status)
            }
            if stopped, let child = candidates.lazy.compactMap({ self.processes[$0] }).first(where: { $0.stopReport != nil }),
               let signal = child.stopReport {
                child.stopReport = nil
                return (child.pid, .stopped(signal))
            }
            guard blocking else { return nil }
            guard !caller.mustStopWaiting else { throw .intr }
            condition.wait()
        }
    }

    /// Blocks until `child` no longer holds its vfork parent (it exec'd or ended), or the invocation of the
    /// parent's `thread` is interrupted (its timeout: it traps at its next safepoint).
    func waitForRelease(of child: WasixProcess, by thread: WasixThread) {
        locked {
            while child.holdsParent, !thread.context.isInterrupted { condition.wait() }
        }
    }

    /// Lets the vfork parent of `process` go on.
    func release(_ process: WasixProcess) {
        locked {
            process.holdsParent = false
            condition.broadcast()
        }
    }

    /// Sleeps until `deadline` or until `thread` has a signal to handle or its invocation is interrupted.
    /// - Returns: false if a signal or the interruption cut the sleep short.
    /// - Parameter deadline: `MonotonicClock` nanoseconds.
    func sleep(_ thread: WasixThread, until deadline: UInt64) -> Bool {
        locked {
            while !thread.mustStopWaiting {
                // At most a day at a time, so that a guest's huge timeout stays far from the C library's limits.
                let step = min(deadline, MonotonicClock.deadline(after: 86_400 * 1_000_000_000))
                if !condition.wait(until: step), step >= deadline { return true }
            }
            return false
        }
    }
}

/// Terminal modes that `tty_set` changes and `tty_get` reports.
struct Terminal {
    var echo = true
    var lineBuffered = true
}

