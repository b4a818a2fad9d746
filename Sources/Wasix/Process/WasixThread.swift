import Synchronization
import WasmInterpreter

/// The thread of execution of a process: the program's instance and the execution context that runs it, with
/// what `fork`, `exec`, `longjmp` and signal handlers need to continue it elsewhere.
final class WasixThread: @unchecked Sendable {
    let process: WasixProcess
    private(set) var instance: Instance
    private(set) var context: ExecutionContext
    /// For each invocation from the host below the innermost one (a signal handler runs inside a syscall), what
    /// its syscall returns once the invocation above it is done: a clone resumed from inside a handler needs it.
    var suspendedResults: [[Value]] = []
    /// `setjmp` points, by id, and their ids oldest first.
    var checkpoints: [Checkpoint.ID: Checkpoint] = [:]
    var checkpointOrder: [Checkpoint.ID] = []
    /// The thread's id in its process (1 for the first).
    var tid: UInt32 = 1
    /// The signals whose handlers are running, innermost last.
    var signalsBeingHandled: [Signal] = []
    /// Signals sent to this thread (`thread_signal`); guarded by the kernel's lock.
    var pendingSignals: [Signal] = []
    /// Whether the thread is inside a syscall (not running wasm), for signals sent meanwhile.
    let inSyscall = Atomic<Bool>(false)
    /// Values of the 2022 thread-local storage keys.
    var threadLocals: [UInt32: UInt64] = [:]
    /// Set by `thread_exit`: the thread ends without ending the process (unless it is the last one).
    var exitsAlone = false
    /// What a syscall that threw `Termination.unwound` asks the run loop to do next.
    var pendingAction: Action?
    /// The export the thread's program was entered through, and its arguments: asyncify rewinds call it again.
    var entry: (function: Function, arguments: [Value])?
    /// In asyncify mode: the operation a syscall started by unwinding, to finish when the entry has returned.
    var pendingUnwind: Asyncify.Unwind?
    /// In asyncify mode: what the syscall being replayed by a rewind returns.
    var pendingRewind: Asyncify.Rewind?
    /// The vfork children (`proc_fork_env`) the thread acts as, innermost last: a child may vfork again. Only the
    /// thread itself reads it; changes hold the kernel's lock.
    private(set) var vforkChildren: [VforkChild] = []

    /// A process made by `proc_fork_env` that the thread acts as, in the same memory and on the same stack, until
    /// it execs or exits.
    struct VforkChild {
        let process: WasixProcess
        /// The signals pending for the thread, as the parent's, when the child was made: given back when it is done.
        let parentSignals: [Signal]
    }

    /// The process the thread acts for: the innermost vfork child, else its own. Syscalls, signals and joins
    /// follow it.
    var currentProcess: WasixProcess { vforkChildren.last?.process ?? process }
    /// Whether other threads of the process that owns this thread's memory run (and may write it) besides this one.
    var hasSiblings: Bool { process.kernel.locked { process.threads.count > 1 } }

    enum Action {
        /// Run another program in this process (`exec`).
        case exec(Program)
        /// Continue at a native checkpoint's frames, with its globals, `setjmp` storing `value` at
        /// `valueAddress` (`longjmp`).
        case restore(ExecutionSnapshot, suspendedResults: [[Value]], globals: [Int: Value], valueAddress: UInt32,
                     value: UInt64)
        /// Rewind the module into an asyncify checkpoint, `setjmp` storing `value` (`longjmp`, asyncify mode).
        case rewind(Checkpoint, value: UInt64)
    }

    /// How the thread starts.
    enum Start {
        /// Call an export with arguments.
        case invoke(Function, [Value])
        /// Continue a context suspended in a syscall (a forked child) with the syscall's results.
        case resume([Value])
    }

    /// A `setjmp` point: the execution state inside the `stack_checkpoint` call, and where its value goes.
    struct Checkpoint {
        struct ID: Hashable { var low: UInt64, high: UInt64 }
        var state: State
        /// Values of the instance's mutable number globals (the shadow stack pointer among them).
        var globals: [Int: Value]
        /// Where the `jmp_buf` and the returned value live in memory.
        var buffer: UInt32
        var valueAddress: UInt32

        enum State {
            /// The interpreter's frames (native mode).
            case native(ExecutionSnapshot, suspendedResults: [[Value]])
            /// The module's own asyncify data, from the entry down to the call (asyncify mode).
            case asyncify(rewindData: [UInt8])
        }

        /// The same checkpoint in a clone of the instance it was taken in.
        func rebinding(_ original: Instance, to replacement: Instance) -> Checkpoint {
            var copy = self
            if case .native(let snapshot, let results) = state {
                copy.state = .native(snapshot.rebinding(original, to: replacement), suspendedResults: results)
            }
            return copy
        }
    }

    init(process: WasixProcess, instance: Instance, context: ExecutionContext) {
        self.process = process
        self.instance = instance
        self.context = context
        attach(context)
    }

    // MARK: vfork

    /// Makes the thread act as `child` (a new child of `currentProcess`): the child's thread in its table, with
    /// no signals pending for it yet.
    func enterVforkChild(_ child: WasixProcess) {
        process.kernel.locked {
            vforkChildren.append(VforkChild(process: child, parentSignals: pendingSignals))
            pendingSignals = []
            child.threads[tid] = self
        }
    }

    /// Stops acting as the innermost vfork child: the thread leaves the child's table, drops the signals still
    /// pending for it as the child, gets back those pending for it as the parent, and acts for the parent again.
    /// - Returns: the child, or nil if the thread acts as none.
    func leaveVforkChild() -> WasixProcess? {
        process.kernel.locked {
            guard let child = vforkChildren.popLast() else { return nil }
            if child.process.threads[tid] === self { child.process.threads[tid] = nil }
            pendingSignals = child.parentSignals
            currentProcess.updatePendingFlag()
            return child.process
        }
    }

    /// Makes `context` this thread's: its host calls find the thread, and a signal sent to a thread that runs
    /// without making syscalls reaches it at its next safepoint (see `Kernel.queue`).
    private func attach(_ context: ExecutionContext) {
        context.owner = self
        // A timeout must end a blocking call too: the waits see `mustStopWaiting`, and this wakes those that
        // wait on the kernel's condition.
        let kernel = process.kernel
        context.onInterrupt = { [weak kernel] in kernel?.locked { kernel?.condition.broadcast() } }
        // After the run's timeout (`Kernel.timeOut`), a new thread or program starts interrupted.
        if kernel.locked({ kernel.isTimedOut }) { context.interrupt() }
        context.onSafepoint = { [unowned self] _ throws(Trap) in
            // Not in the middle of an asyncify unwind or rewind: the module's own state machine is running.
            guard pendingUnwind == nil, pendingRewind == nil else { return }
            try deliverSignals(returning: [])
        }
    }

    /// Runs until the process's program ends, following `exec` and `longjmp` on the way.
    /// - Parameter results: receives the results of an invoked export that returns.
    func run(_ start: Start, results: (([Value]) -> Void)? = nil) -> Ending {
        var next = start
        while true {
            do throws(TrapError) {
                switch next {
                case .invoke(let function, let arguments):
                    entry = (function, arguments)
                    // Not `results?(try ...)`: optional chaining would skip the call when `results` is nil.
                    let values = try context.invoke(function, arguments)
                    if let unwind = pendingUnwind {
                        // The entry returned because the module unwound for a syscall (asyncify mode).
                        pendingUnwind = nil
                        next = try Asyncify.finish(unwind, on: self)
                        continue
                    }
                    results?(values)
                case .resume(let syscallResults):
                    var values = try context.resume(returning: syscallResults)
                    while let outer = suspendedResults.popLast() { values = try context.resume(returning: outer) }
                    results?(values)
                }
                return .returned
            } catch {
                switch error.trap.termination {
                case .exit(let code)?:
                    return currentProcess.terminatingSignal.map(Ending.killed) ?? .exited(code)
                case .unwound?:
                    guard let action = pendingAction else { return .trapped(error) }
                    pendingAction = nil
                    do {
                        next = try perform(action)
                    } catch {
                        return .trapped(error)
                    }
                    // The call that unwound (a longjmp, an exec) did not return to deliver the signals that came
                    // meanwhile, and they asked no safepoint of a thread in a call: the first safepoint of what
                    // runs next delivers them (found by FuzzWasix: a child looping through longjmps never took
                    // the SIGKILL of its run's end, and outlived the run).
                    if currentProcess.hasPendingSignals.load(ordering: .sequentiallyConsistent) {
                        context.requestSafepoint()
                    }
                case nil:
                    return .trapped(error)
                }
            }
        }
    }

    /// Carries out what an unwinding syscall asked for; returns how to go on.
    private func perform(_ action: Action) throws(TrapError) -> Start {
        switch action {
        case .exec(let program):
            // Other threads read `instance` (for the signal handler) holding the kernel's lock.
            process.kernel.locked {
                instance = program.instance
                context = ExecutionContext(store: program.store)
            }
            attach(context)
            suspendedResults = []
            checkpoints = [:]
            process.kernel.release(process)
            return .invoke(program.start, [])
        case .restore(let snapshot, let results, let globals, let valueAddress, let value):
            context.restore(snapshot)
            suspendedResults = results
            restoreGlobals(globals)
            if let memory = instance.memories.first {
                try? GuestMemory(memory: memory).store(value, at: valueAddress)
            }
            return .resume([.i32(0)])
        case .rewind(let checkpoint, let value):
            suspendedResults = []
            return try Asyncify.rewind(self, to: checkpoint, value: value)
        }
    }

    /// The most `setjmp` points a thread keeps; beyond it, the oldest are forgotten (a `longjmp` to one of those
    /// ends the process, as for any unknown point).
    static let checkpointLimit = 1024

    /// Keeps `checkpoint` under `id`. The checkpoint a buffer held before stays: a program may have copied the
    /// buffer (bash saves `top_level` with `memcpy`, sets it again, and later copies the saved one back and jumps
    /// to it), and the copy names the old checkpoint.
    func keep(_ checkpoint: Checkpoint, as id: Checkpoint.ID) {
        while checkpointOrder.count >= Self.checkpointLimit { checkpoints[checkpointOrder.removeFirst()] = nil }
        checkpoints[id] = checkpoint
        checkpointOrder.append(id)
    }

    /// Makes a checkpoint of the state inside the current syscall.
    func checkpoint(buffer: UInt32, valueAddress: UInt32) -> Checkpoint {
        Checkpoint(state: .native(context.snapshot(), suspendedResults: suspendedResults), globals: globals(),
                   buffer: buffer, valueAddress: valueAddress)
    }

    /// The values of the instance's mutable number globals, by index.
    func globals() -> [Int: Value] {
        var values: [Int: Value] = [:]
        for (index, global) in instance.globals.enumerated() where global.type.isMutable {
            switch global.type.valueType {
            case .i32, .i64, .f32, .f64: values[index] = global.value
            default: break
            }
        }
        return values
    }

    func restoreGlobals(_ values: [Int: Value]) {
        for (index, value) in values where index < instance.globals.count { instance.globals[index].set(value) }
    }

    // MARK: Signals

    /// The export `callback_signal` registered, if it is exported with the type `(i32) -> ()`.
    var signalHandler: Function? {
        guard let name = currentProcess.signalHandlerName, let function = instance.exportedFunction(name),
              function.type == FunctionType(parameters: [.i32]) else { return nil }
        return function
    }

    /// Delivers pending signals at a syscall boundary or a safepoint: calls the registered handler for each, or
    /// carries out its default action. `result` is what the syscall returns once they are done; `only` limits
    /// delivery to one signal sent to this thread.
    /// - Throws: `Termination.exit` if a signal ends the process; whatever a handler throws.
    func deliverSignals(returning result: [Value], only: Signal? = nil) throws(Trap) {
        waitWhileStopped()
        while let signal = takeDeliverableSignal(only: only) {
            if signal.isUncatchable || currentProcess.signalHandlerName == nil {
                try carryOutDefaultAction(of: signal)
                continue
            }
            guard let handler = signalHandler else { continue }
            let (name, globals) = (currentProcess.signalHandlerName, self.globals())
            suspendedResults.append(result)
            signalsBeingHandled.append(signal)
            defer {
                suspendedResults.removeLast()
                signalsBeingHandled.removeLast()
            }
            do {
                _ = try context.invoke(handler, [.i32(UInt32(signal.rawValue))])
            } catch {
                // Current wasix-libc's handler export calls a null default handler for a signal it has no action
                // for until the program's first sigaction (a fork registers the export before that): as if the
                // export had not been called, the default action (see docs/RATIONALE.md).
                guard case .uninitializedElement = error.trap else { throw error.trap }
                process.kernel.locked { currentProcess.signalHandlerName = name }
                restoreGlobals(globals)
                try carryOutDefaultAction(of: signal)
            }
        }
    }

    /// A signal's default action: stop, end the process, or nothing (for those ignored by default).
    private func carryOutDefaultAction(of signal: Signal) throws(Trap) {
        if signal.isStop {
            process.kernel.stop(currentProcess, by: signal)
            waitWhileStopped()
        } else if !signal.isIgnoredByDefault {
            throw terminate(by: signal)
        }
    }

    /// The signal whose default action the thread is carrying out in libc's way (see `Syscalls.endProcess`):
    /// one whose handler is running while a SIGABRT it raised is held back. The innermost such handler counts.
    func signalBeingCarriedOut() -> Signal? {
        process.kernel.locked {
            guard (pendingSignals + currentProcess.pendingSignals).contains(.abrt) else { return nil }
            return signalsBeingHandled.last { !$0.isIgnoredByDefault && !$0.isStop } ?? .abrt
        }
    }

    /// Removes and returns the oldest pending signal, of this thread or else of the process, that can be
    /// delivered now (only `only`, sent to this thread, if given). SIGKILL stays pending: every thread of the
    /// process must see it.
    private func takeDeliverableSignal(only: Signal?) -> Signal? {
        let handled = signalHandler != nil
        return process.kernel.locked {
            let process = currentProcess
            defer { process.updatePendingFlag() }
            if let index = pendingSignals.firstIndex(where: {
                (only == nil || $0 == only) && process.canDeliver($0, handled: handled)
            }) {
                return pendingSignals.remove(at: index)
            }
            guard only == nil, let index = process.pendingSignals.firstIndex(where: { process.canDeliver($0, handled: handled) })
            else { return nil }
            let signal = process.pendingSignals[index]
            if signal != .kill { process.pendingSignals.remove(at: index) }
            return signal
        }
    }

    /// Blocks while the process is stopped, until SIGCONT continues it or SIGKILL (taken next) ends it, or the
    /// invocation is interrupted (its timeout: it traps at its next safepoint).
    private func waitWhileStopped() {
        let kernel = process.kernel
        kernel.locked {
            while currentProcess.isStopped, !currentProcess.pendingSignals.contains(.kill), !context.isInterrupted {
                kernel.condition.wait()
            }
        }
    }

    /// Whether a pending signal would interrupt a blocking call of this thread. The caller holds the kernel's
    /// lock.
    var hasDeliverableSignal: Bool {
        let handled = signalHandler != nil
        let process = currentProcess
        return (pendingSignals + process.pendingSignals).contains { process.canDeliver($0, handled: handled) }
    }

    /// Whether a blocking call of this thread must end now (with `intr`): a signal would interrupt it, or the
    /// invocation was interrupted (its timeout passed; it traps at its next safepoint), which also wakes the
    /// kernel's waiters. The caller holds the kernel's lock.
    var mustStopWaiting: Bool { hasDeliverableSignal || context.isInterrupted }

    /// Ends the process as `signal`'s default action does.
    private func terminate(by signal: Signal) -> Trap {
        let process = currentProcess
        process.kernel.locked { process.terminatingSignal = process.terminatingSignal ?? signal }
        return .terminated(Termination.exit(128 + Int32(signal.rawValue)))
    }
}

extension WasixProcess {
    /// Whether `signal` can be delivered now: it ends the process, or there is an exported handler for it.
    func canDeliver(_ signal: Signal, handled: Bool) -> Bool {
        if signal.isUncatchable { return true }
        return signalHandlerName == nil ? !signal.isIgnoredByDefault : handled
    }

    /// Recomputes `hasPendingSignals`. The caller holds the kernel's lock.
    func updatePendingFlag() {
        let pending = isStopped || !pendingSignals.isEmpty || threads.values.contains { !$0.pendingSignals.isEmpty }
        hasPendingSignals.store(pending, ordering: .releasing)
    }
}
