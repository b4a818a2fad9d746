#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import WasmInterpreter

/// `proc_exit`, `proc_raise`, `sched_yield` and `random_get`.
extension Syscalls {
    /// proc_exit(code: u32) -> does not return, except in a vfork child (`proc_fork_env`), which it ends: the
    /// call then returns as the child's parent, as `proc_exit2` does.
    static func procExit(_ c: SyscallContext) throws -> Errno {
        try endProcess(c, code: c.u32(0))
    }

    /// Ends the process with `code`, or as killed by a signal when this is wasix-libc carrying out a signal's
    /// default action: its handler prints a message and calls `abort()`, which raises SIGABRT (held back, as
    /// the handler blocks signals) and exits with 127. Linux reports such a process as killed by the signal
    /// being handled (SIGABRT for a plain `abort()`), and so do we. A vfork child the thread acts as ends
    /// without ending the thread: the call returns, as its parent's.
    /// - Throws: `Termination.exit` unless the process is a vfork child.
    static func endProcess(_ c: SyscallContext, code: UInt32) throws -> Errno {
        if code == 127, let signal = c.thread.signalBeingCarriedOut() {
            c.kernel.locked { c.process.terminatingSignal = c.process.terminatingSignal ?? signal }
        }
        guard let child = c.thread.leaveVforkChild() else { throw Termination.exit(Int32(bitPattern: code)) }
        let signal = c.kernel.locked { child.terminatingSignal }
        c.kernel.finish(child, signal.map(ExitStatus.signaled) ?? .exited(Int32(bitPattern: code)))
        return .success
    }

    /// proc_raise(signal: u8), preview1 numbering: queued on the calling process and delivered as the call
    /// returns (a terminating default action ends the process with 128 + the WASIX number).
    static func procRaise(_ c: SyscallContext) throws -> Errno {
        guard c.u32(0) != 0 else { return .success }
        guard let signal = Signal(preview1: c.u32(0)) else { return .inval }
        c.kernel.send(signal, to: c.process.pid)
        return .success
    }

    /// sched_yield()
    static func schedYield(_ c: SyscallContext) throws -> Errno {
        sched_yield()
        return .success
    }

    /// random_get(buf: *u8, buf_len: u32): cryptographically secure bytes.
    static func randomGet(_ c: SyscallContext) throws -> Errno {
        let buffer = try c.memory.buffer(c.u32(0), c.u32(1))
        var generator = SystemRandomNumberGenerator()
        var index = 0
        while index < buffer.count {
            var word = generator.next()
            for _ in 0..<min(8, buffer.count - index) {
                buffer[index] = UInt8(truncatingIfNeeded: word)
                word >>= 8
                index += 1
            }
        }
        return .success
    }
}
