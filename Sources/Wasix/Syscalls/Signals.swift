import WasmInterpreter

/// Signals: registering the handler export, raising, sending and timers. Delivery happens at syscall boundaries
/// and safepoints (`WasixThread.deliverSignals`).
extension Syscalls {
    /// callback_signal(name: string): the export that receives signals as `(i32) -> ()`. Naming one that is
    /// not exported holds signals back until a real one is named again (libc's way of blocking them); the
    /// empty name names none, so default actions apply again (a POSIX layer carries out a default action by
    /// withdrawing its handler and raising the signal once more).
    static func callbackSignal(_ c: SyscallContext) throws -> Errno {
        let name = try c.string(0)
        c.kernel.locked { c.process.signalHandlerName = name.isEmpty ? nil : name }
        // Held signals are delivered as soon as the handler is back.
        try c.thread.deliverSignals(returning: [])
        return .success
    }

    /// proc_signals_sizes_get(count: *size): how many signal dispositions the host sets before `main` (libc's
    /// start-up reads them): none, every signal starts with its default action.
    static func procSignalsSizesGet(_ c: SyscallContext) throws -> Errno {
        try c.storeSize(0, at: c.u32(0))
        return .success
    }

    /// proc_signals_get(dispositions: *signal_disposition): writes the (no) dispositions of `proc_signals_sizes_get`.
    static func procSignalsGet(_ c: SyscallContext) throws -> Errno {
        .success
    }

    /// proc_signal(pid, signal): queues `signal` on process `pid`; signal 0 only asks whether it exists. Pid 0
    /// (the caller's process group: there are no groups) is the caller. An unknown pid is `ESRCH`, as on Linux.
    static func procSignal(_ c: SyscallContext) throws -> Errno {
        let signal = Signal(c.u32(1))
        guard signal != nil || c.u32(1) == 0 else { return .inval }
        let pid = c.u32(0) == 0 ? c.process.pid : c.u32(0)
        return c.kernel.send(signal, to: pid) ? .success : .srch
    }

    /// thread_signal(tid, signal): queues `signal` on thread `tid` of this process, which handles it; an
    /// unknown thread is `ESRCH` (Linux's `tgkill`).
    static func threadSignal(_ c: SyscallContext) throws -> Errno {
        let signal = Signal(c.u32(1))
        guard signal != nil || c.u32(1) == 0 else { return .inval }
        // Current libc names its main thread 0x3fffffff until it forks, the 2022 libc's raise() sends 0 (no
        // thread has that id): both mean the caller.
        let tid = c.u32(0) == mainThreadPlaceholder || c.u32(0) == 0 ? c.thread.tid : c.u32(0)
        return c.kernel.locked {
            guard let thread = c.process.threads[tid] else { return .srch }
            if let signal { c.kernel.queue(signal, to: c.process, thread: thread) }
            return .success
        }
    }

    /// The thread id current wasix-libc gives its main thread without asking the runtime.
    static let mainThreadPlaceholder: UInt32 = 0x3fff_ffff

    /// proc_raise_interval(signal, interval: timestamp, repeat: bool): raises `signal` after `interval` ns,
    /// again every interval if `repeat`; 0 cancels.
    static func procRaiseInterval(_ c: SyscallContext) throws -> Errno {
        let signal = Signal(c.u32(0))
        guard signal != nil || c.u32(0) == 0 else { return .inval }
        let interval = c.u64(1)
        // The timer finds the process by pid rather than holding it. It holds the kernel, so it is made under
        // the kernel's lock for a process that is not ending: `Kernel.finish` cancels the alarm of every process
        // that ends, and one armed after it would hold the run's kernel, mounts and descriptors (found by
        // FuzzWasix: an alarm of 292 years armed by a thread that had not yet seen its SIGKILL).
        let (kernel, process, pid) = (c.kernel, c.process, c.process.pid)
        let replaced = kernel.locked { () -> DeadlineTimer? in
            guard process.status == nil, !process.isEnding else { return nil }
            let timer = signal.flatMap { signal in
                interval == 0 ? nil : DeadlineTimer(after: .nanoseconds(Int64(clamping: interval)), repeats: c.u32(2) != 0) {
                    guard let process = kernel.process(pid) else { return false }
                    kernel.locked { kernel.queue(signal, to: process) }
                    return true
                }
            }
            defer { process.alarm = timer }
            return process.alarm
        }
        replaced?.cancel()
        return .success
    }
}
