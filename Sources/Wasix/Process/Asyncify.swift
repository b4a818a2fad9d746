import WasmInterpreter

/// The asyncify protocol (`--fork-mode asyncify`, ../shared/docs/wasix.md §6): `fork` and `setjmp`/`longjmp`
/// done as wasmer does them, by having a module processed with `wasm-opt --asyncify` unwind its own stack into
/// a buffer, copying what is needed, and rewinding it by calling the entry export again. The native mode
/// (the default) needs none of this; this one exists for conformance with wasmer's behaviour.
///
/// The buffer is the thread's stack region `[lower, upper)`: a header `{current: u32, end: u32}` at `lower`,
/// the unwound data after it. The live part of the stack (`[__stack_pointer, upper)`) is copied out before
/// unwinding, because the data may overwrite it, and put back when the rewound syscall returns.
enum Asyncify {
    /// The operations that unwind.
    enum Operation {
        case fork(pidAddress: UInt32, parentWaits: Bool)
        case checkpoint(buffer: UInt32, valueAddress: UInt32)
    }

    /// A syscall's unwind in progress: what to do once the entry has returned, with the state at the call.
    struct Unwind {
        var operation: Operation
        var globals: [Int: Value]
        /// The live part of the shadow stack when the syscall was made.
        var memoryStack: [UInt8]
    }

    /// What the syscall replayed by a rewind returns: its errno, bytes to store, and the shadow stack to put
    /// back (none after `longjmp`, which keeps the stack as it is, as C does).
    struct Rewind {
        var memoryStack: [UInt8]?
        var writes: [(address: UInt32, bytes: [UInt8])]
        var errno = Errno.success
    }

    /// The asyncify exports and stack bounds of an instance.
    struct Layout {
        var stackPointer: Global
        var lower: UInt32
        var upper: UInt32
        var startUnwind, stopUnwind, startRewind, stopRewind: Function
        var memory: GuestMemory

        /// The layout, if the module is instrumented and tells where its stack is: `__data_end` (lower) and
        /// `__heap_base` (upper) exports, and `__stack_pointer` exported or global 0 (wasm-ld's place for it).
        init?(_ instance: Instance) {
            guard let startUnwind = instance.exportedFunction("asyncify_start_unwind"),
                  let stopUnwind = instance.exportedFunction("asyncify_stop_unwind"),
                  let startRewind = instance.exportedFunction("asyncify_start_rewind"),
                  let stopRewind = instance.exportedFunction("asyncify_stop_rewind"),
                  case .i32(let lower)? = instance.exportedGlobal("__data_end")?.value,
                  case .i32(let upper)? = instance.exportedGlobal("__heap_base")?.value,
                  let memory = instance.memories.first, lower + 8 < upper
            else { return nil }
            let stackPointer = instance.exportedGlobal("__stack_pointer") ?? instance.globals.first
            guard let stackPointer, stackPointer.type.isMutable, stackPointer.type.valueType == .i32 else { return nil }
            self.stackPointer = stackPointer
            self.lower = lower
            self.upper = upper
            (self.startUnwind, self.stopUnwind, self.startRewind, self.stopRewind) =
                (startUnwind, stopUnwind, startRewind, stopRewind)
            self.memory = GuestMemory(memory: memory)
        }

        var stackPointerValue: UInt32 {
            if case .i32(let value) = stackPointer.value { return value }
            return upper
        }
    }

    /// The syscall side: when the call is the replay of a rewind, finishes the rewind and returns the call's
    /// errno; otherwise starts unwinding for `operation` and returns (the module then unwinds to its entry).
    /// - Throws: `notsup` if the module is not instrumented or the call is made inside a nested invocation (a
    ///   signal handler); a trap from the asyncify exports.
    static func syscall(_ c: SyscallContext, _ operation: @autoclosure () throws -> Operation) throws -> Errno {
        let thread = c.thread
        guard let layout = Layout(c.instance) else { throw Errno.notsup }
        if let rewind = thread.pendingRewind {
            thread.pendingRewind = nil
            _ = try thread.context.invoke(layout.stopRewind, [])
            if let stack = rewind.memoryStack {
                let base = layout.upper - UInt32(stack.count)
                try layout.memory.write(stack, at: base)
                layout.stackPointer.set(.i32(base))
            }
            for write in rewind.writes { try layout.memory.write(write.bytes, at: write.address) }
            return rewind.errno
        }
        guard thread.context.invocationCount == 1, thread.entry != nil else { throw Errno.notsup }
        let operation = try operation()
        let stackPointer = layout.stackPointerValue
        guard stackPointer <= layout.upper, stackPointer > layout.lower else { throw Errno.fault }
        let memoryStack = try layout.memory.bytes(stackPointer, layout.upper - stackPointer)
        let globals = thread.globals()
        try layout.memory.store(layout.lower + 8, at: layout.lower)
        try layout.memory.store(layout.upper, at: layout.lower + 4)
        _ = try thread.context.invoke(layout.startUnwind, [.i32(layout.lower)])
        thread.pendingUnwind = Unwind(operation: operation, globals: globals, memoryStack: memoryStack)
        return .success
    }

    /// The run loop's side, once the entry has returned after an unwind: carries out the operation and sets up
    /// the rewind; returns how the thread goes on (calling its entry again).
    static func finish(_ unwind: Unwind, on thread: WasixThread) throws(TrapError) -> WasixThread.Start {
        guard let layout = Layout(thread.instance), let entry = thread.entry else {
            throw TrapError(trap: .host("asyncify: the module stopped being instrumented"), backtrace: [])
        }
        let current = (try? layout.memory.load(layout.lower, as: UInt32.self)) ?? layout.lower + 8
        let rewindData = (try? layout.memory.bytes(layout.lower + 8, current &- (layout.lower + 8))) ?? []
        _ = try thread.context.invoke(layout.stopUnwind, [])
        switch unwind.operation {
        case .fork(let pidAddress, let parentWaits):
            let child: WasixProcess
            do {
                child = try fork(thread, unwind: unwind, rewindData: rewindData, pidAddress: pidAddress,
                                 parentWaits: parentWaits)
            } catch {
                // The parent's fork call returns the errno.
                try prepareRewind(thread, layout, globals: unwind.globals, rewindData: rewindData,
                                  rewind: Rewind(memoryStack: unwind.memoryStack, writes: [],
                                                 errno: error as? Errno ?? .nomem))
                return .invoke(entry.function, entry.arguments)
            }
            try prepareRewind(thread, layout, globals: unwind.globals, rewindData: rewindData,
                              rewind: Rewind(memoryStack: unwind.memoryStack, writes: [(pidAddress, bytes(child.pid))]))
            if parentWaits { thread.process.kernel.waitForRelease(of: child, by: thread) }
        case .checkpoint(let buffer, let valueAddress):
            var generator = SystemRandomNumberGenerator()
            let id = WasixThread.Checkpoint.ID(low: generator.next(), high: generator.next())
            thread.keep(WasixThread.Checkpoint(state: .asyncify(rewindData: rewindData), globals: unwind.globals,
                                               buffer: buffer, valueAddress: valueAddress), as: id)
            let snapshot = bytes(UInt64(valueAddress)) + bytes(id.low) + bytes(id.high)
            try prepareRewind(thread, layout, globals: unwind.globals, rewindData: rewindData,
                              rewind: Rewind(memoryStack: unwind.memoryStack,
                                             writes: [(buffer, snapshot), (valueAddress, bytes(UInt64(0)))]))
        }
        return .invoke(entry.function, entry.arguments)
    }

    /// `longjmp` to an asyncify checkpoint: the thread's invocations were abandoned, so the module is not
    /// unwinding; it rewinds from the entry into the checkpoint's `stack_checkpoint` call, which returns `value`.
    static func rewind(_ thread: WasixThread, to checkpoint: WasixThread.Checkpoint, value: UInt64) throws(TrapError)
        -> WasixThread.Start
    {
        guard let layout = Layout(thread.instance), let entry = thread.entry,
              case .asyncify(let data) = checkpoint.state else {
            throw TrapError(trap: .host("asyncify: cannot rewind into the checkpoint"), backtrace: [])
        }
        try prepareRewind(thread, layout, globals: checkpoint.globals, rewindData: data,
                          rewind: Rewind(memoryStack: nil, writes: [(checkpoint.valueAddress, bytes(value))]))
        return .invoke(entry.function, entry.arguments)
    }

    /// Makes the child of an asyncify fork: a clone of the unwound instance, set up to rewind into the fork call
    /// with pid 0, started on its own thread.
    private static func fork(_ parent: WasixThread, unwind: Unwind, rewindData: [UInt8], pidAddress: UInt32,
                             parentWaits: Bool) throws -> WasixProcess {
        let kernel = parent.process.kernel
        let store = Store(sharingTypesWith: parent.context.store)
        guard let entry = parent.entry, let instance = parent.instance.clone(into: store, othersWrite: parent.hasSiblings),
              let index = parent.instance.functions.firstIndex(where: { $0 === entry.function }),
              let layout = Layout(instance) else { throw Errno.nomem }
        let process = parent.currentProcess
        let child = try kernel.add { pid in WasixProcess(kernel: kernel, pid: pid, parent: process) }
        let thread = WasixThread(process: child, instance: instance, context: ExecutionContext(store: store))
        thread.entry = (instance.functions[index], entry.arguments)
        thread.checkpoints = parent.checkpoints
        thread.checkpointOrder = parent.checkpointOrder
        do {
            try prepareRewind(thread, layout, globals: unwind.globals, rewindData: rewindData,
                              rewind: Rewind(memoryStack: unwind.memoryStack, writes: [(pidAddress, bytes(UInt32(0)))]))
        } catch {
            kernel.discard(child)
            throw error
        }
        kernel.locked {
            child.threads[1] = thread
            child.holdsParent = parentWaits
        }
        kernel.start(thread, .invoke(instance.functions[index], entry.arguments))
        return child
    }

    /// Restores `globals`, writes `rewindData` after the header and starts the module rewinding.
    private static func prepareRewind(_ thread: WasixThread, _ layout: Layout, globals: [Int: Value],
                                      rewindData: [UInt8], rewind: Rewind) throws(TrapError) {
        thread.restoreGlobals(globals)
        let current = layout.lower + 8 + UInt32(rewindData.count)
        do {
            try layout.memory.write(rewindData, at: layout.lower + 8)
            try layout.memory.store(current, at: layout.lower)
            try layout.memory.store(layout.upper, at: layout.lower + 4)
        } catch {
            throw TrapError(trap: .host("asyncify: the rewind data does not fit the stack"), backtrace: [])
        }
        thread.pendingRewind = rewind
        _ = try thread.context.invoke(layout.startRewind, [.i32(layout.lower)])
    }

    private static func bytes<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        withUnsafeBytes(of: value.littleEndian) { Array($0) }
    }
}
