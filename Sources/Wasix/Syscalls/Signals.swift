import WasmInterpreter

/// Signals: registering the handler export, raising, sending and timers. Delivery happens at syscall boundaries
/// (`WasixThread.deliverSignals`).
extension Syscalls {
    static let signals: [Syscall] = [
        /// callback_signal(name: string): the export that receives signals as `(i32) -> ()`. Naming one that is
        /// not exported holds signals back until a real one is named again (libc's way of blocking them).
        Syscall("callback_signal", [.i32, .i32], returns: []) { c in
            let name = try c.string(0)
            c.kernel.locked { c.process.signalHandlerName = name }
            // Held signals are delivered as soon as the handler is back.
            try c.thread.deliverSignals(returning: [])
            return .success
        },
        /// proc_signal(pid, signal): queues `signal` on process `pid` (unknown pids are ignored).
        Syscall("proc_signal", [.i32, .i32]) { c in
            guard let signal = Signal(c.u32(1)) else { return c.u32(1) == 0 ? .success : .inval }
            c.kernel.send(signal, to: c.u32(0))
            return .success
        },
        /// thread_signal(tid, signal): queues `signal` on thread `tid` of this process, which handles it; unknown
        /// threads are ignored.
        Syscall("thread_signal", [.i32, .i32]) { c in
            guard let signal = Signal(c.u32(1)) else { return c.u32(1) == 0 ? .success : .inval }
            c.kernel.locked {
                if let thread = c.process.threads[c.u32(0)] { c.kernel.queue(signal, to: c.process, thread: thread) }
            }
            return .success
        },
        /// proc_raise_interval(signal, interval: timestamp, repeat: bool): raises `signal` after `interval` ns,
        /// again every interval if `repeat`; 0 cancels.
        Syscall("proc_raise_interval", [.i32, .i64, .i32]) { c in
            let signal = Signal(c.u32(0))
            guard signal != nil || c.u32(0) == 0 else { return .inval }
            let interval = c.u64(1)
            let (kernel, process) = (c.kernel, c.process)
            let timer = signal.flatMap { signal in
                interval == 0 ? nil : DeadlineTimer(after: .nanoseconds(Int64(clamping: interval)), repeats: c.u32(2) != 0) {
                    [weak process] in
                    guard let process else { return false }
                    kernel.locked { kernel.queue(signal, to: process) }
                    return true
                }
            }
            let previous = c.kernel.locked {
                defer { c.process.alarm = timer }
                return c.process.alarm
            }
            previous?.cancel()
            return .success
        },
    ]
}
