#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// The state of one wasm thread: a value stack, frame records and the program counter of each suspended frame.
///
/// All of it is plain data (see docs/design/frames.md), so `clone` can copy a context in the middle of a run,
/// for example from inside a host call, and both copies can go on independently.
/// How many contexts have a bit of `attention` set. The run loop's fast path tests only this (one load and a
/// branch at each back-edge and call); while it is nonzero, safepoints leave the fast path and each context
/// looks at its own bits (see docs/RATIONALE.md, "Safepoints").
let contextsNeedingAttention = Atomic<Int>(0)

public final class ExecutionContext: @unchecked Sendable {
    public let store: Store
    /// The value stack.
    let stack: UnsafeMutablePointer<UInt64>
    let stackCapacity: Int
    /// `stack + stackCapacity`: a frame must end below it.
    let stackEnd: UnsafeMutablePointer<UInt64>
    let callDepthLimit: Int
    // The run loop's state is exempt from dynamic exclusivity checks: only the thread that owns the context
    // touches it, and the checks cost more than the work they guard (see docs/RATIONALE.md).

    /// Frame records: the running function's on top (its pc is current only while it is suspended), then its
    /// callers.
    @exclusivity(unchecked) var frames: FrameStack
    /// A trap the run loop's inline part met, for its caller to throw.
    @exclusivity(unchecked) var pendingTrap: Trap?
    /// Invocations from the host that have not returned, innermost last.
    @exclusivity(unchecked) var invocations: [Invocation] = []
    /// First slot above everything in use: where a call from a host function into wasm puts its frame.
    @exclusivity(unchecked) var stackTop = 0
    /// Work left for the outermost invocation (see `Op.meter`); only the running thread touches it.
    @exclusivity(unchecked) var fuel = Int.max
    /// What the next safepoint (a loop back-edge or a call) must attend to, set from any thread: `interruptBit`
    /// (timeouts, `interrupt()`) and `safepointBit` (`requestSafepoint()`).
    let attention = Atomic<Int>(0)
    static let interruptBit = 1
    static let safepointBit = 2
    static let sampleBit = 4
    /// Invocations running minus host calls in progress: above zero while wasm runs on the context (for
    /// `Profiler`, from another thread).
    let wasmDepth = Atomic<Int>(0)
    /// Called on the running thread at the first safepoint (a loop back-edge or a call) after
    /// `requestSafepoint()`, with the running frame suspended: it may call into wasm (a signal handler) or
    /// throw to end the invocation. The embedder's hook: WASIX delivers signals with it.
    public var onSafepoint: ((ExecutionContext) throws(Trap) -> Void)?
    /// The embedder's object for this thread of execution, for host functions to find through their `Caller`
    /// (WASIX keeps its thread and process state here). Weak: the embedder owns the context, not the reverse.
    public weak var owner: AnyObject?

    /// A suspended function: where to continue and where its frame starts, with its code and instance at hand
    /// so that returning to it needs no lookups. Four words, which every call writes: the function itself is
    /// found from the instance and the code's `functionIndex` when a backtrace needs it.
    struct FrameRecord {
        var compiled: Unmanaged<CompiledFunction>
        var instance: Unmanaged<Instance>
        /// The op to continue at, in `compiled`'s code (a pointer, so that a call saves it without arithmetic).
        var ip: UnsafePointer<Inst>
        /// The frame's first slot, in the value stack (a pointer: a return needs no arithmetic; snapshots rebase it).
        var fp: UnsafeMutablePointer<UInt64>

        /// The index of the op to continue at.
        var pc: Int {
            get { ip - compiled._withUnsafeGuaranteedRef { $0.code } }
            set { ip = compiled._withUnsafeGuaranteedRef { $0.code } + newValue }
        }
    }

    /// A call from the host: how many frames were below it and where its results go.
    struct Invocation {
        var depth: Int
        var base: Int
        var results: [ValueType]
    }

    public init(store: Store) {
        self.store = store
        let capacity = max(store.limits.stackSlots, 1024)
        callDepthLimit = store.limits.callDepth
        frames = FrameStack(maximum: callDepthLimit)
        // calloc: the kernel hands out zeroed pages as the stack is first touched, not all at once.
        if let memory = calloc(capacity, MemoryLayout<UInt64>.stride) {
            stack = memory.bindMemory(to: UInt64.self, capacity: capacity)
            stackCapacity = capacity
        } else {
            stack = calloc(1024, MemoryLayout<UInt64>.stride).bindMemory(to: UInt64.self, capacity: 1024)
            stackCapacity = 1024
        }
        stackEnd = stack + stackCapacity
        store.profiler?.register(self)
    }

    deinit {
        _ = take(Self.interruptBit)
        _ = take(Self.safepointBit)
        _ = take(Self.sampleBit)
        free(stack)
        frames.deallocate()
    }

    /// Stops the invocation running on this context (or the next one, if none is running) with `Trap.timeout`,
    /// at its next loop iteration or call. Safe to call from any thread.
    public func interrupt() {
        raise(Self.interruptBit)
        onInterrupt?()
    }

    /// Whether an interruption (`interrupt()`, or the store's timeout passing) is pending: the invocation traps at
    /// its next loop iteration or call. A host function that blocks checks it to return instead of waiting on.
    public var isInterrupted: Bool { attention.load(ordering: .relaxed) & Self.interruptBit != 0 }

    /// Called on the interrupting thread (the timeout's timer, or whoever calls `interrupt()`) once
    /// `isInterrupted` holds: the embedder's hook to wake host functions of this context that block. Set it
    /// before the context runs.
    public var onInterrupt: (@Sendable () -> Void)?

    /// Has the next safepoint record the frames for the store's profiler.
    func requestSample() {
        raise(Self.sampleBit)
    }

    /// Whether wasm code is running on the context now (not a host call it made).
    var isRunningWasm: Bool { wasmDepth.load(ordering: .relaxed) > 0 }

    /// Has `onSafepoint` called on the running thread at its next loop iteration or call (or at the first one
    /// of the next invocation). Safe to call from any thread.
    public func requestSafepoint() {
        raise(Self.safepointBit)
    }

    /// Withdraws a `requestSafepoint()` that the embedder served by other means (at a host call, for example).
    public func withdrawSafepointRequest() {
        if attention.load(ordering: .relaxed) & Self.safepointBit != 0 { _ = take(Self.safepointBit) }
    }

    /// Sets `bit` of `attention`, counting the context in `contextsNeedingAttention` if it was clear.
    private func raise(_ bit: Int) {
        if attention.bitwiseOr(bit, ordering: .relaxed).oldValue == 0 {
            contextsNeedingAttention.wrappingAdd(1, ordering: .relaxed)
        }
    }

    /// Clears `bit` of `attention`, uncounting the context if no bit is left; returns whether it was set.
    func take(_ bit: Int) -> Bool {
        guard attention.load(ordering: .relaxed) & bit != 0 else { return false }
        let old = attention.bitwiseAnd(~bit, ordering: .relaxed).oldValue
        if old == bit { contextsNeedingAttention.wrappingSubtract(1, ordering: .relaxed) }
        return old & bit != 0
    }

    /// How many invocations from the host are running on this context (more than one when a host function
    /// called back into wasm).
    public var invocationCount: Int { invocations.count }

    /// Calls `function` with `arguments`.
    /// - Throws: `TrapError` with the trap and the wasm backtrace.
    public func invoke(_ function: Function, _ arguments: [Value]) throws(TrapError) -> [Value] {
        let type = function.type
        let base = stackTop
        guard function.storeIdentity == store.identity else {
            throw TrapError(trap: .host("the function belongs to another store"), backtrace: [])
        }
        guard arguments.count == type.parameters.count,
              base + SlotEncoding.slotCount(type.parameters) + 2 < stackCapacity
        else { throw TrapError(trap: .host("wrong number of arguments"), backtrace: []) }
        var slot = base
        for argument in arguments { slot += SlotEncoding.write(argument, to: stack + slot) }
        invocations.append(Invocation(depth: frames.count, base: base, results: type.results))
        wasmDepth.wrappingAdd(1, ordering: .relaxed)
        defer {
            invocations.removeLast()
            wasmDepth.wrappingSubtract(1, ordering: .relaxed)
        }
        var watchdog: DeadlineTimer?
        if invocations.count == 1 {
            fuel = store.limits.fuel ?? Int.max
            if let timeout = store.limits.timeout {
                watchdog = DeadlineTimer(after: timeout) { [weak self] in
                    self?.interrupt()
                    return false
                }
            }
        }
        defer {
            watchdog?.cancel()
            // An interruption ends the outermost invocation; one that arrives before it starts still counts.
            if invocations.count == 1 { _ = take(Self.interruptBit) }
        }
        do {
            try call(function, base: base)
        } catch {
            let trace = backtrace(from: invocations[invocations.count - 1].depth)
            frames.truncate(to: invocations[invocations.count - 1].depth)
            throw TrapError(trap: error, backtrace: trace)
        }
        return results(base: base, types: type.results)
    }

    /// Continues a context that was cloned inside a host call: `results` are what that host call returns.
    /// - Returns: the results of the outermost invocation that was running when the context was cloned.
    public func resume(returning results: [Value]) throws(TrapError) -> [Value] {
        // A frame suspended at a safepoint (`onSafepoint`) is resumed with no results: it made no call.
        guard let invocation = invocations.last, let caller = frames.last,
              let base = results.isEmpty ? 0 : callSite(caller) else {
            throw TrapError(trap: .host("nothing to resume"), backtrace: [])
        }
        var slot = (caller.fp - stack) + Int(base)
        for value in results { slot += SlotEncoding.write(value, to: stack + slot) }
        wasmDepth.wrappingAdd(1, ordering: .relaxed)
        defer { wasmDepth.wrappingSubtract(1, ordering: .relaxed) }
        do {
            try run(until: invocation.depth)
        } catch {
            let trace = backtrace(from: invocation.depth)
            frames.truncate(to: invocation.depth)
            throw TrapError(trap: error, backtrace: trace)
        }
        invocations.removeLast()
        return self.results(base: invocation.base, types: invocation.results)
    }

    /// The argument base of the `call` op that suspended `frame` (the op before its pc).
    private func callSite(_ frame: FrameRecord) -> Slot? {
        guard frame.pc > 0 else { return nil }
        switch frame.compiled.takeUnretainedValue().ops[frame.pc - 1] {
        case .call(_, let base), .callDefined(_, let base, _): return base
        default: return nil
        }
    }

    private func results(base: Int, types: [ValueType]) -> [Value] {
        var slot = base
        return types.map { type in
            defer { slot += SlotEncoding.slotCount(type) }
            return SlotEncoding.read(type, from: stack + slot)
        }
    }

    /// Runs `function` with its arguments already at `base`, until it returns.
    func call(_ function: Function, base: Int) throws(Trap) {
        switch function.body {
        case .host(let host):
            try callHost(host, instance: nil, base: base)
        case .wasm:
            let depth = frames.count
            try enter(function, base: base)
            try run(until: depth)
        }
    }

    /// Calls a host function whose arguments are at `base`, and writes its results there.
    func callHost(_ host: HostFunction, instance: Instance?, base: Int) throws(Trap) {
        var slot = base
        let arguments = host.type.parameters.map { type in
            defer { slot += SlotEncoding.slotCount(type) }
            return SlotEncoding.read(type, from: stack + slot)
        }
        let savedTop = stackTop
        stackTop = max(stackTop, slot + 2)
        wasmDepth.wrappingSubtract(1, ordering: .relaxed)
        defer {
            stackTop = savedTop
            wasmDepth.wrappingAdd(1, ordering: .relaxed)
        }
        var caller = Caller(instance: instance, context: self)
        let results: [Value]
        do {
            results = try host.body(&caller, arguments)
        } catch let trap as Trap {
            throw trap
        } catch let termination as any HostTermination {
            throw .terminated(termination)
        } catch let error as TrapError {
            throw error.trap
        } catch {
            throw .host("\(error)")
        }
        guard results.count == host.type.results.count else { throw .host("host function returned wrong results") }
        slot = base
        for value in results { slot += SlotEncoding.write(value, to: stack + slot) }
    }

    /// Pushes a frame record for `function` at `base`, starting at pc 0 with zeroed locals.
    func enter(_ function: Function, base: Int) throws(Trap) {
        guard let instance = function.definingInstance else { return }
        let reference = function.compiledReference
            ?? Unmanaged.passUnretained(compile(function, instance.takeUnretainedValue(), function.definedIndex))
        let fits = reference._withUnsafeGuaranteedRef { compiled in
            guard frames.count < callDepthLimit, base + compiled.frameSize < stackCapacity else { return false }
            compiled.initializeFrame(at: stack + base + compiled.parameterSlots)
            return true
        }
        guard fits else { throw .callStackExhausted }
        frames.append(FrameRecord(compiled: reference,
                                  instance: instance, ip: reference._withUnsafeGuaranteedRef { $0.code }, fp: stack + base))
    }

    /// Compiles `function` on its first call in its instance (see `CompiledCode`).
    func compile(_ function: Function, _ instance: Instance, _ index: Int) -> CompiledFunction {
        let compiled = instance.compiledCode.code(index) { Compiler.compile(instance, function: index) }
        // Other threads read `compiledReference` without a lock (see `CompiledCode.code`).
        atomicMemoryFence(ordering: .releasing)
        store.lock.lock()
        defer { store.lock.unlock() }
        function.compiled = compiled
        return compiled
    }

    /// Function names of the frames above `depth`, innermost first.
    func backtrace(from depth: Int) -> [String] {
        guard depth < frames.count else { return [] }
        return frames.records(from: depth).reversed().map { record in
            record.instance.takeUnretainedValue().functionName(record.compiled.takeUnretainedValue().functionIndex)
        }
    }

    /// A copy of this context, in `store` if given, whose frames run in `replacement` where they ran in
    /// `original`.
    ///
    /// Made inside a host call, the copy is suspended in that call: `resume(returning:)` continues it.
    public func clone(into store: Store? = nil, replacing original: Instance? = nil, with replacement: Instance? = nil)
        -> ExecutionContext
    {
        let copy = ExecutionContext(store: store ?? self.store)
        var state = snapshot()
        if let original, let replacement { state = state.rebinding(original, to: replacement) }
        copy.restore(state)
        return copy
    }

    /// The state of this context now: frames, pending invocations and the used part of the value stack.
    public func snapshot() -> ExecutionSnapshot {
        var used = stackTop
        if let top = frames.last {
            used = max(used, (top.fp - stack) + top.compiled._withUnsafeGuaranteedRef { $0.frameSize })
        }
        used = min(used, stackCapacity)
        return ExecutionSnapshot(frames: frames.records(), stack: stack, invocations: invocations, stackTop: stackTop,
                                 slots: Array(UnsafeBufferPointer(start: stack, count: used)))
    }

    /// Replaces this context's state with `snapshot`; a context restored inside a host call is suspended in it,
    /// so `resume(returning:)` continues it. Not while the context runs, except from its own host call when the
    /// host unwinds right after (`Trap.terminated`).
    public func restore(_ snapshot: ExecutionSnapshot) {
        let count = min(snapshot.slots.count, stackCapacity)
        snapshot.slots.withUnsafeBufferPointer { slots in
            if let base = slots.baseAddress { stack.update(from: base, count: count) }
        }
        frames.truncate(to: 0)
        for var record in snapshot.frames {
            record.fp = stack + (record.fp - snapshot.stack)
            frames.append(record)
        }
        invocations = snapshot.invocations
        stackTop = snapshot.stackTop
    }
}

/// A saved execution state (`ExecutionContext.snapshot()`): what `fork` copies and `setjmp` keeps. It refers to
/// functions and instances without retaining them, so whoever keeps it keeps them alive.
public struct ExecutionSnapshot: @unchecked Sendable {
    let frames: [ExecutionContext.FrameRecord]
    /// The value stack `frames` point into (only for rebasing them; the slots are in `slots`).
    let stack: UnsafeMutablePointer<UInt64>
    let invocations: [ExecutionContext.Invocation]
    let stackTop: Int
    let slots: [UInt64]

    /// This state with the frames that ran in `original` running in `replacement`, a clone of it.
    public func rebinding(_ original: Instance, to replacement: Instance) -> ExecutionSnapshot {
        let frames = frames.map { record in
            var record = record
            if record.instance.takeUnretainedValue() === original { record.instance = Unmanaged.passUnretained(replacement) }
            return record
        }
        return ExecutionSnapshot(frames: frames, stack: stack, invocations: invocations, stackTop: stackTop, slots: slots)
    }
}

/// Runs `fire` after an interval, on a thread of its own (a Dispatch queue could be starved by the very work a
/// timeout is meant to stop), and again every interval while it repeats and `fire` returns true.
/// Timeouts interrupt contexts with it; WASIX raises `proc_raise_interval` signals with it.
package final class DeadlineTimer: @unchecked Sendable {
    private let condition = Condition()
    private var cancelled = false

    package init(after interval: Duration, repeats: Bool = false, fire: @escaping @Sendable () -> Bool) {
        let nanoseconds = MonotonicClock.nanoseconds(interval)
        HostThread.detach { [self] in
            while true {
                condition.lock()
                let deadline = MonotonicClock.deadline(after: nanoseconds)
                while !cancelled && condition.wait(until: deadline) {}
                let due = !cancelled
                condition.unlock()
                // `fire` runs without our lock held: whoever cancels may hold locks `fire` takes.
                guard due, fire(), repeats else { return }
            }
        }
    }

    /// Stops the timer; `fire` does not start after this returns.
    package func cancel() {
        condition.lock()
        cancelled = true
        condition.signal()
        condition.unlock()
    }
}
