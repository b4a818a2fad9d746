import WasmInterpreter

/// `setjmp`/`longjmp`: checkpoints of the interpreter's own frames, so they work in any binary, asyncified or not
/// (or, with `--fork-mode asyncify`, of the module's asyncify data).
extension Syscalls {
    /// stack_checkpoint(snapshot: *stack_snapshot, value: *u64): fills the 24-byte snapshot (user u64@0 = the
    /// value's address, hash u128@8 = the checkpoint's id) and returns with `*value = 0`; a later
    /// `stack_restore` returns from this call again with the value it passes.
    static func stackCheckpoint(_ c: SyscallContext) throws -> Errno {
        let buffer = c.u32(0), valueAddress = c.u32(1)
        if c.kernel.configuration.forkMode == .asyncify {
            return try Asyncify.syscall(c, .checkpoint(buffer: buffer, valueAddress: valueAddress))
        }
        var generator = SystemRandomNumberGenerator()
        let id = WasixThread.Checkpoint.ID(low: generator.next(), high: generator.next())
        try c.memory.store(UInt64(valueAddress), at: buffer)
        try c.memory.store(id.low, at: buffer &+ 8)
        try c.memory.store(id.high, at: buffer &+ 16)
        try c.memory.store(UInt64(0), at: valueAddress)
        c.thread.keep(c.thread.checkpoint(buffer: buffer, valueAddress: valueAddress), as: id)
        return .success
    }

    /// stack_restore(snapshot: *stack_snapshot, value: u64): continues at the checkpoint, whose
    /// `stack_checkpoint` call returns with `*value` = `value` (1 if 0, as `longjmp` wants). An unknown
    /// snapshot ends the process with status 79 (`unknown`), as in wasmer.
    static func stackRestore(_ c: SyscallContext) throws -> Errno {
        let id = WasixThread.Checkpoint.ID(low: try c.memory.load(c.u32(0) &+ 8, as: UInt64.self),
                                           high: try c.memory.load(c.u32(0) &+ 16, as: UInt64.self))
        guard let checkpoint = c.thread.checkpoints[id] else {
            c.process.reportError("longjmp to an unknown checkpoint")
            throw Termination.exit(Int32(Errno.unknown.rawValue))
        }
        let value = c.u64(1) == 0 ? 1 : c.u64(1)
        // Nothing of the current stack is kept, so nothing needs unwinding, from a signal handler either: the
        // run loop starts over from the checkpoint.
        switch checkpoint.state {
        case .native(let snapshot, let results):
            c.thread.pendingAction = .restore(snapshot, suspendedResults: results, globals: checkpoint.globals,
                                              valueAddress: checkpoint.valueAddress, value: value)
        case .asyncify:
            c.thread.pendingAction = .rewind(checkpoint, value: value)
        }
        throw Termination.unwound
    }
}
