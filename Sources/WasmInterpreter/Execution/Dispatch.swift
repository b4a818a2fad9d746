/// The run loop: `runInline`, a `switch` over the ops that need no call, inside `run(until:)`, which handles the
/// others (see docs/RATIONALE.md, "The run loop").
extension ExecutionContext {
    /// The run loop's working state for the current frame. `runInline` keeps it in a local variable that nothing
    /// captures, so the compiler keeps it in registers; the slow paths in `run(until:)` update the frame records
    /// and reload it from the top record.
    struct Registers {
        /// The next op (a pointer, not an index: dispatch then needs no multiplication). Jumps add to it.
        var ip: UnsafeMutablePointer<Op>
        var fp: UnsafeMutablePointer<UInt64>
        unowned(unsafe) var instance: Instance
        var memories: UnsafeMutablePointer<UnsafeMutablePointer<MemoryState>>
        var globals: UnsafeMutablePointer<UnsafeMutablePointer<UInt64>>
        /// The instance's `CompiledCode` entries (its functions are `instance.functionTable`, for the slow path).
        var compiledCode: UnsafeMutablePointer<Unmanaged<CompiledFunction>?>
        /// Memory 0's base and size, cached: reloaded after every call and bulk-memory op, and on the slow path
        /// of an access, which also serves other memories and a shared memory grown by another thread (its base
        /// never moves; a stale size is smaller, never larger).
        var memory0: MemoryState
        /// The context and the frame count at which this run returns (see `run(until:)`), for calls and
        /// returns on the fast path.
        let context: Unmanaged<ExecutionContext>
        let depth: Int

        /// Continues `distance` ops after the next one (jump targets are relative: `Compiler.makeJumpsRelative`).
        /// A taken jump is a safepoint (a loop's back-edge is one; telling forward jumps apart costs more than
        /// it saves): while some context needs attention it goes to `Op.safepointTrampoline` instead, which
        /// leaves the fast path.
        @inline(__always)
        mutating func jump(_ distance: Int32) {
            ip += Int(distance)
            if _slowPath(needsAttention) { ip = Self.safepoint(context, resumingAt: ip) }
        }

        /// Whether some context has an interruption or a safepoint request pending.
        @inline(__always)
        var needsAttention: Bool { contextsNeedingAttention.load(ordering: .relaxed) != 0 }

        /// Where a back-edge to `target` goes instead when some context needs attention. Out of line, and
        /// given values rather than the registers, which would otherwise have to live in memory.
        @inline(never)
        static func safepoint(_ context: Unmanaged<ExecutionContext>, resumingAt target: UnsafeMutablePointer<Op>)
            -> UnsafeMutablePointer<Op>
        {
            context._withUnsafeGuaranteedRef { $0.safepointResume = target }
            return Op.safepointTrampoline
        }

        /// Steps the counter of a counted loop's op by `operation` (`&+` or `&-`) and returns its new value.
        @inline(__always)
        func step(_ x: CountedJump, _ operation: (UInt32, UInt32) -> UInt32) -> UInt32 {
            let value = operation(fp[i32: x.counter], fp[i32: x.step])
            fp[i32: x.counter] = value
            return value
        }

        /// The value a `LoadComparison` loads.
        @inline(__always)
        mutating func loaded(_ x: LoadComparison) throws(Trap) -> UInt32 {
            try address(x.operand, 4).loadLE(UInt32.self)
        }

        /// Enters `callee`, whose arguments are at frame slot `base`, if the fast path can: compiled wasm code of
        /// this instance, within the call-depth, stack and frame-buffer limits. Otherwise changes nothing and
        /// returns false: the call is left to `run(until:)`.
        @inline(__always)
        mutating func enter(_ callee: Unmanaged<Function>, base: Slot) -> Bool {
            let (reference, home) = callee._withUnsafeGuaranteedRef { ($0.compiledReference, $0.definingInstance) }
            guard let reference, home?.toOpaque() == Unmanaged.passUnretained(instance).toOpaque() else { return false }
            return enter(reference, base: base)
        }

        /// `enter` for a callee known to be this instance's, compiled to `reference`.
        @inline(__always)
        mutating func enter(_ reference: Unmanaged<CompiledFunction>, base: Slot) -> Bool {
            context._withUnsafeGuaranteedRef { context -> Bool in
                reference._withUnsafeGuaranteedRef { target -> Bool in
                    let frame = fp + Int(base)
                    let count = context.frames.count
                    // A call is a safepoint: when the context needs attention, `run(until:)` makes the call.
                    guard count < context.frames.limit, frame + target.frameSize < context.stackEnd,
                          !needsAttention else { return false }
                    context.frames.call(from: ip, to: FrameRecord(
                        compiled: reference, instance: Unmanaged.passUnretained(instance), ip: target.code, fp: frame),
                        count: count)
                    target.initializeFrame(at: frame + target.parameterSlots)
                    ip = target.code
                    fp = frame
                    return true
                }
            }
        }

        /// The function `call_indirect` reaches, if the fast path finds it. Nil for every failure, which
        /// `run(until:)` then reports (it looks again).
        @inline(__always)
        func indirectCallee(_ table: UInt32, _ type: UInt32, _ index: UInt64) -> Unmanaged<Function>? {
            let reference = instance.tableReferences[Int(table)]._withUnsafeGuaranteedRef { table in
                index < UInt64(table.elements.count) ? table.elements[Int(index)] : 0
            }
            guard reference != 0 else { return nil }
            let function = context._withUnsafeGuaranteedRef { $0.store.functionReferences[Int(reference &- 1)] }
            guard function._withUnsafeGuaranteedRef({ $0.typeID }) == Int(type) else { return nil }
            return function
        }

        /// `memory.copy` within memory 0 if it is in bounds of the cached size; otherwise returns false and
        /// leaves the op to `run(until:)`.
        @inline(__always)
        func copyWithinMemory0(base: Slot) -> Bool {
            let (to, from, count) = (fp[slot: base], fp[slot: base + 1], fp[slot: base + 2])
            let size = UInt64(UInt(bitPattern: memory0.size))
            guard from <= size, count <= size &- from, to <= size, count <= size &- to else { return false }
            (memory0.base + Int(to)).copyMemory(from: memory0.base + Int(from), byteCount: Int(count))
            return true
        }

        /// `memory.fill` of memory 0 if it is in bounds of the cached size; otherwise returns false and leaves
        /// the op to `run(until:)`.
        @inline(__always)
        func fillMemory0(base: Slot) -> Bool {
            let (start, value, count) = (fp[slot: base], UInt8(truncatingIfNeeded: fp[slot: base + 1]), fp[slot: base + 2])
            let size = UInt64(UInt(bitPattern: memory0.size))
            guard start <= size, count <= size &- start else { return false }
            (memory0.base + Int(start)).initializeMemory(as: UInt8.self, repeating: value, count: Int(count))
            return true
        }

        /// Returns to the caller if the fast path can: it runs in this instance and this run goes on with it.
        /// Otherwise changes nothing and returns false: the return is left to `run(until:)`.
        @inline(__always)
        mutating func leave() -> Bool {
            context._withUnsafeGuaranteedRef { context -> Bool in
                let count = context.frames.count
                guard count &- 1 > depth else { return false }
                let caller = context.frames[count &- 2]
                guard caller.instance.toOpaque() == Unmanaged.passUnretained(instance).toOpaque() else { return false }
                context.frames.removeLast()
                ip = caller.ip
                fp = caller.fp
                return true
            }
        }

        /// The checked host address of a `size`-byte access.
        @inline(__always)
        mutating func address(_ o: MemoryOperand, _ size: UInt64) throws(Trap) -> UnsafeMutableRawPointer {
            if _fastPath(o.memory == 0) {
                // A 32-bit address plus a 32-bit offset cannot overflow.
                let end = UInt64(fp[i32: o.address]) &+ UInt64(o.offset) &+ size
                if _fastPath(end <= UInt64(UInt(bitPattern: memory0.size))) {
                    return memory0.base + Int(bitPattern: UInt(end &- size))
                }
                // Memory 0 may have grown on another thread.
                memory0 = memories[0].pointee
            }
            return try WasmInterpreter.address(o, size, memories, fp)
        }

        /// The checked host address of a `size`-byte indexed access (always to 32-bit memory 0), its index shifted
        /// left by `scale`.
        @inline(__always)
        mutating func address(_ x: IndexedAccess, _ size: UInt64, scale: UInt32 = 0) throws(Trap)
            -> UnsafeMutableRawPointer
        {
            let end = UInt64(fp[i32: x.base] &+ (fp[i32: x.index] &<< scale)) &+ UInt64(x.offset) &+ size
            if _fastPath(end <= UInt64(UInt(bitPattern: memory0.size))) {
                return memory0.base + Int(bitPattern: UInt(end &- size))
            }
            // Memory 0 may have grown on another thread.
            memory0 = memories[0].pointee
            guard end <= UInt64(UInt(bitPattern: memory0.size)) else { throw .outOfBoundsMemoryAccess }
            return memory0.base + Int(bitPattern: UInt(end &- size))
        }

        /// Refreshes the cached state of memory 0.
        @inline(__always)
        mutating func reloadMemory() {
            if let state = instance.memory0State { memory0 = state.pointee }
        }
    }

    /// The registers of the function on top of `frames`.
    @inline(__always)
    func topRegisters(depth: Int) -> Registers {
        let record = frames[frames.count - 1]
        let instance = record.instance.takeUnretainedValue()
        var registers = Registers(
            ip: record.ip, fp: record.fp, instance: instance,
            memories: instance.memoryStates, globals: instance.globalStorage, compiledCode: instance.compiledCode.entries,
            memory0: MemoryState(base: UnsafeMutableRawPointer(stack), size: 0), context: Unmanaged.passUnretained(self),
            depth: depth)
        registers.reloadMemory()
        return registers
    }

    /// The code of the function on top of `frames` (the one `run(until:)` is running).
    var topCompiled: CompiledFunction { frames[frames.count - 1].compiled.takeUnretainedValue() }

    /// Points `vm` at the function now on top of `frames`, reloading the instance's tables only if it changed.
    @inline(__always)
    func reload(_ vm: inout Registers) {
        let record = frames[frames.count - 1]
        vm.ip = record.ip
        vm.fp = record.fp
        if record.instance.toOpaque() != Unmanaged.passUnretained(vm.instance).toOpaque() {
            let instance = record.instance.takeUnretainedValue()
            vm.instance = instance
            vm.memories = instance.memoryStates
            vm.globals = instance.globalStorage
            vm.compiledCode = instance.compiledCode.entries
        }
        vm.reloadMemory()
    }

    /// Calls `callee` from the top frame (whose pc must be saved) with arguments at absolute slot `base`:
    /// pushes a frame for wasm code, runs host functions to completion.
    func call(_ callee: Unmanaged<Function>, base: Int) throws(Trap) {
        let error = callee._withUnsafeGuaranteedRef { callee -> Trap? in
            do throws(Trap) {
                if callee.definingInstance != nil {
                    try enter(callee, base: base)
                } else {
                    // A host function: the caller's instance is the top frame's (not passed in, which costs a
                    // retain on every call).
                    let trap = frames[frames.count - 1].instance._withUnsafeGuaranteedRef { instance -> Trap? in
                        do throws(Trap) {
                            try call(callee, base: base, from: instance)
                            return nil
                        } catch {
                            return error
                        }
                    }
                    if let trap { throw trap }
                }
                return nil
            } catch {
                return error
            }
        }
        if let error { throw error }
    }

    func call(_ callee: Function, base: Int, from instance: Instance) throws(Trap) {
        if callee.definingInstance != nil {
            try enter(callee, base: base)
            return
        }
        switch callee.body {
        case .wasm:
            try enter(callee, base: base)
        case .host(let host):
            do {
                try callHost(host, instance: instance, base: base)
            } catch .uncaughtException(let exception) {
                try raise(exception, depth: frames.count - 1)
            }
        }
    }

    /// Replaces the top frame with `callee`, whose arguments are at frame slot `base` of the top frame.
    /// - Returns: `true` if the frame returned (a host callee), so the caller must continue as after `return`.
    func tailCall(_ callee: Function, base: Slot, fp: UnsafeMutablePointer<UInt64>, from instance: Instance) throws(Trap)
        -> Bool
    {
        let count = SlotEncoding.slotCount(callee.type.parameters)
        if base != 0 { fp.update(from: fp + Int(base), count: count) }
        let start = fp - stack
        switch callee.body {
        case .wasm:
            frames.removeLast()
            try enter(callee, base: start)
            return false
        case .host:
            try call(callee, base: start, from: instance)
            return true
        }
    }

    /// Unwinds to the innermost handler of `exception` above `depth`, pointing the top frame's pc at it, or
    /// throws the exception out of this run.
    func raise(_ exception: Int, depth: Int) throws(Trap) {
        let thrown = store.exception(exception)
        while frames.count > depth {
            let record = frames[frames.count - 1]
            let compiled = record.compiled.takeUnretainedValue()
            let instance = record.instance.takeUnretainedValue()
            if let handler = findHandler(compiled, pc: Int32(record.pc - 1), tag: thrown.tag, instance: instance) {
                let fp = record.fp
                var slot = Int(handler.base)
                for value in handler.kind == .all ? [] : thrown.payload {
                    fp[slot] = value
                    slot += 1
                }
                if handler.passesReference { fp[slot] = UInt64(exception) + 1 }
                if handler.target == ExceptionHandler.returnTarget {
                    frames.removeLast()
                } else {
                    frames[frames.count - 1].pc = Int(handler.target)
                }
                return
            }
            frames.removeLast()
        }
        throw .uncaughtException(exception)
    }

    /// Runs the function whose record is on top of `frames` until the frame count drops to `depth`.
    ///
    /// `runInline` executes the ops that need no call, the great majority, and returns here for the others:
    /// calls, returns, exceptions, tables and bulk memory, vectors, atomics, metering (see docs/RATIONALE.md,
    /// "The run loop").
    func run(until depth: Int) throws(Trap) {
        var vm = topRegisters(depth: depth)
        while true {
            Self.runInline(&vm)
            if let trap = pendingTrap {
                pendingTrap = nil
                throw trap
            }
            let op = vm.ip[-1]
            if _slowPath(attention.load(ordering: .relaxed) != 0) {
                // From a back-edge, the frame goes on at the loop; from a call, at the call, not yet made.
                if case .safepoint = op, let resume = safepointResume {
                    vm.ip = resume
                    try safepoint(&vm, continuingAt: resume)
                } else {
                    try safepoint(&vm, continuingAt: vm.ip - 1)
                }
            } else if case .safepoint = op, let resume = safepointResume {
                vm.ip = resume
            }
            switch op {
            case .safepoint:
                break
            case .meter:
                fuel &-= 1
                if fuel < 0 { throw .fuelExhausted }
            case .return:
                frames.removeLast()
                if frames.count <= depth { return }
                reload(&vm)
            case .call(let f, let base), .callDefined(let f, let base, _):
                frames[frames.count - 1].ip = vm.ip
                try call(vm.instance.functionTable[Int(f)], base: vm.fp - stack + Int(base))
                if frames.count <= depth { return }
                reload(&vm)
            case .callIndirect(let table, let type, let index, let base):
                frames[frames.count - 1].ip = vm.ip
                let callee = try indirectCallee(vm.instance, table, type, vm.fp[i64: index])
                try call(callee, base: vm.fp - stack + Int(base))
                if frames.count <= depth { return }
                reload(&vm)
            case .callRef(let reference, let base):
                frames[frames.count - 1].ip = vm.ip
                try call(try referencedFunction(vm.fp[slot: reference]), base: vm.fp - stack + Int(base), from: vm.instance)
                if frames.count <= depth { return }
                reload(&vm)
            case .returnCall(let f, let base):
                if try tailCall(vm.instance.functionTable[Int(f)].takeUnretainedValue(), base: base, fp: vm.fp,
                                from: vm.instance) {
                    frames.removeLast()
                }
                if frames.count <= depth { return }
                reload(&vm)
            case .returnCallIndirect(let table, let type, let index, let base):
                let callee = try indirectCallee(vm.instance, table, type, vm.fp[i64: index]).takeUnretainedValue()
                if try tailCall(callee, base: base, fp: vm.fp, from: vm.instance) { frames.removeLast() }
                if frames.count <= depth { return }
                reload(&vm)
            case .returnCallRef(let reference, let base):
                let callee = try referencedFunction(vm.fp[slot: reference])
                if try tailCall(callee, base: base, fp: vm.fp, from: vm.instance) { frames.removeLast() }
                if frames.count <= depth { return }
                reload(&vm)
            case .throw(let tagIndex, let base):
                frames[frames.count - 1].ip = vm.ip
                let tag = vm.instance.tags[Int(tagIndex)]
                let count = SlotEncoding.slotCount(tag.type.parameters)
                let payload = [UInt64](UnsafeBufferPointer(start: vm.fp + Int(base), count: count))
                try raise(store.register(ExceptionInstance(tag: tag, payload: payload)), depth: depth)
                if frames.count <= depth { return }
                reload(&vm)
            case .throwReference(let slot):
                frames[frames.count - 1].ip = vm.ip
                let reference = vm.fp[slot: slot]
                guard reference != 0 else { throw .nullExceptionReference }
                try raise(Int(reference - 1), depth: depth)
                if frames.count <= depth { return }
                reload(&vm)
            case .constV128(let constant, let slot):
                vm.fp[v128: slot] = topCompiled.v128Constants[Int(constant)]
            case .refFunction(let f, let result):
                vm.fp[i64: result] = UInt64(vm.instance.functions[Int(f)].address) + 1
            case .tableGet, .tableSet, .tableSize, .tableGrow, .tableFill, .tableCopy, .tableInit, .elementDrop,
                 .memorySize, .memoryGrow, .memoryFill, .memoryCopy, .memoryInit, .dataDrop:
                try executeBulk(op, instance: vm.instance, fp: vm.fp)
                vm.reloadMemory()
            case .convert(let opcode, let a, let r):
                vm.fp[Int(r)] = try Numeric.convert(opcode.opcode, vm.fp[Int(a)])
            case .v128LoadPartial(let index):
                let access = topCompiled.memoryAccesses[Int(index)]
                try VectorOps.load(access.opcode, access.operand, lane: access.lane, memories: vm.memories, fp: vm.fp)
            case .v128StoreLane(let index):
                let access = topCompiled.memoryAccesses[Int(index)]
                try VectorOps.storeLane(access.opcode, access.operand, lane: access.lane, memories: vm.memories,
                                        fp: vm.fp)
            case .simd(let opcode, let base):
                VectorOps.execute(opcode.opcode, base: base, fp: vm.fp)
            case .simdLane(let opcode, let lane, let base):
                VectorOps.executeLane(opcode.opcode, lane: lane, base: base, fp: vm.fp)
            case .shuffle(let constant, let base):
                VectorOps.shuffle(topCompiled.v128Constants[Int(constant)], base: base, fp: vm.fp)
            case .atomic(let index):
                let access = topCompiled.memoryAccesses[Int(index)]
                try Atomics.execute(access.opcode, access.operand, memories: vm.memories, instance: vm.instance, fp: vm.fp,
                                    interruptible: self)
            case .atomicFence:
                Atomics.fence()
            default:
                throw .host("internal error: no handler for \(op)")
            }
        }
    }

    /// Serves this context's pending interruption (a `Trap.timeout`) or safepoint request: `onSafepoint` runs
    /// with the top frame suspended at `resume` (where a clone made meanwhile goes on) and the value stack above
    /// the frame free for the hook's calls.
    func safepoint(_ vm: inout Registers, continuingAt resume: UnsafeMutablePointer<Op>) throws(Trap) {
        if take(Self.interruptBit) { throw .timeout }
        if take(Self.sampleBit), let profiler = store.profiler {
            frames[frames.count - 1].ip = resume
            profiler.record(backtrace(from: 0).reversed())
        }
        guard take(Self.safepointBit), let hook = onSafepoint else { return }
        frames[frames.count - 1].ip = resume
        let savedTop = stackTop
        stackTop = max(stackTop, vm.fp - stack + topCompiled.frameSize)
        defer { stackTop = savedTop }
        try hook(self)
        let ip = vm.ip
        reload(&vm)
        vm.ip = ip
    }

    /// Runs ops until one that needs a call, which it leaves to `run(until:)` with the pc past it, or until a
    /// trap, which it leaves in `pendingTrap`. Nothing here calls out of line except on the way out, so the
    /// compiler keeps the registers in machine registers. (It returns nothing: a constant result would be
    /// loaded before every dispatch, for the jump-table entries that lead straight to the exit.)
    @inline(never)
    static func runInline(_ registers: inout Registers) {
        var vm = registers
        defer { registers = vm }
        while true {
            let op = vm.ip.pointee
            vm.ip += 1
            do throws(Trap) {
                switch op {
                // MARK: Control
                case .unreachable:
                    throw .unreachable
                case .jump(let target):
                    vm.jump(target)
                case .jumpIf(let condition, let target):
                    if vm.fp[bool: condition] { vm.jump(target) }
                case .jumpIfNot(let condition, let target):
                    if !vm.fp[bool: condition] { vm.jump(target) }
                case .jumpIfI32Eq(let a, let b, let target): if vm.fp[i32: a] == vm.fp[i32: b] { vm.jump(target) }
                case .jumpIfI32Ne(let a, let b, let target): if vm.fp[i32: a] != vm.fp[i32: b] { vm.jump(target) }
                case .jumpIfI32LtS(let a, let b, let target):
                    if Int32(bitPattern: vm.fp[i32: a]) < Int32(bitPattern: vm.fp[i32: b]) { vm.jump(target) }
                case .jumpIfI32LtU(let a, let b, let target): if vm.fp[i32: a] < vm.fp[i32: b] { vm.jump(target) }
                case .jumpIfI32GtS(let a, let b, let target):
                    if Int32(bitPattern: vm.fp[i32: a]) > Int32(bitPattern: vm.fp[i32: b]) { vm.jump(target) }
                case .jumpIfI32GtU(let a, let b, let target): if vm.fp[i32: a] > vm.fp[i32: b] { vm.jump(target) }
                case .jumpIfI32LeS(let a, let b, let target):
                    if Int32(bitPattern: vm.fp[i32: a]) <= Int32(bitPattern: vm.fp[i32: b]) { vm.jump(target) }
                case .jumpIfI32LeU(let a, let b, let target): if vm.fp[i32: a] <= vm.fp[i32: b] { vm.jump(target) }
                case .jumpIfI32GeS(let a, let b, let target):
                    if Int32(bitPattern: vm.fp[i32: a]) >= Int32(bitPattern: vm.fp[i32: b]) { vm.jump(target) }
                case .jumpIfI32GeU(let a, let b, let target): if vm.fp[i32: a] >= vm.fp[i32: b] { vm.jump(target) }
                case .jumpIfI32Eqz(let a, let target): if vm.fp[i32: a] == 0 { vm.jump(target) }
                case .i32AddJumpIfNe(let x): if vm.step(x, &+) != vm.fp[i32: x.bound] { vm.jump(x.target) }
                case .i32AddJumpIfLtU(let x): if vm.step(x, &+) < vm.fp[i32: x.bound] { vm.jump(x.target) }
                case .i32AddJumpIfLtS(let x):
                    if Int32(bitPattern: vm.step(x, &+)) < Int32(bitPattern: vm.fp[i32: x.bound]) { vm.jump(x.target) }
                case .i32AddJumpIfGtU(let x): if vm.step(x, &+) > vm.fp[i32: x.bound] { vm.jump(x.target) }
                case .i32AddJumpIfGtS(let x):
                    if Int32(bitPattern: vm.step(x, &+)) > Int32(bitPattern: vm.fp[i32: x.bound]) { vm.jump(x.target) }
                case .i32SubJumpIfNe(let x): if vm.step(x, &-) != vm.fp[i32: x.bound] { vm.jump(x.target) }
                case .i32SubJumpIfGtU(let x): if vm.step(x, &-) > vm.fp[i32: x.bound] { vm.jump(x.target) }
                case .i32SubJumpIfGtS(let x):
                    if Int32(bitPattern: vm.step(x, &-)) > Int32(bitPattern: vm.fp[i32: x.bound]) { vm.jump(x.target) }
                case .jumpIfLoadI32Eqz(let t):
                    let value = try vm.address(t.operand, 4).loadLE(UInt32.self)
                    vm.fp[i32: t.value] = value
                    if value == 0 { vm.jump(t.then) }
                case .jumpIfLoadI32Eq(let x): if try vm.loaded(x) == vm.fp[i32: x.other] { vm.jump(x.target) }
                case .jumpIfLoadI32Ne(let x): if try vm.loaded(x) != vm.fp[i32: x.other] { vm.jump(x.target) }
                case .jumpIfLoadI32LtS(let x):
                    if Int32(bitPattern: try vm.loaded(x)) < Int32(bitPattern: vm.fp[i32: x.other]) { vm.jump(x.target) }
                case .jumpIfLoadI32LtU(let x): if try vm.loaded(x) < vm.fp[i32: x.other] { vm.jump(x.target) }
                case .jumpIfLoadI32GtS(let x):
                    if Int32(bitPattern: try vm.loaded(x)) > Int32(bitPattern: vm.fp[i32: x.other]) { vm.jump(x.target) }
                case .jumpIfLoadI32GtU(let x): if try vm.loaded(x) > vm.fp[i32: x.other] { vm.jump(x.target) }
                case .jumpIfLoadI32Nez(let t):
                    let value = try vm.address(t.operand, 4).loadLE(UInt32.self)
                    vm.fp[i32: t.value] = value
                    if value != 0 { vm.jump(t.then) }
                case .branchTable(let index, let table):
                    let targets = UnsafeRawPointer(vm.ip) + Int(table) &* MemoryLayout<Int32>.stride
                    let count = targets.load(as: UInt32.self)
                    let entry = 1 + Int(min(vm.fp[i32: index], count - 1))
                    vm.jump(targets.load(fromByteOffset: entry &* MemoryLayout<Int32>.stride, as: Int32.self))
                // MARK: Moves and constants
                case .copy(let from, let to):
                    vm.fp[Int(to)] = vm.fp[Int(from)]
                case .copyV128(let from, let to):
                    vm.fp[v128: to] = vm.fp[v128: from]
                case .const32(let value, let slot):
                    vm.fp[i32: slot] = value
                case .const64(let value, let slot):
                    vm.fp[i64: slot] = value
                case .select(let condition, let first, let second, let result):
                    vm.fp[Int(result)] = vm.fp[bool: condition] ? vm.fp[Int(first)] : vm.fp[Int(second)]
                case .selectV128(let condition, let first, let second, let result):
                    vm.fp[v128: result] = vm.fp[bool: condition] ? vm.fp[v128: first] : vm.fp[v128: second]
                case .globalGet(let g, let result):
                    vm.fp[Int(result)] = vm.globals[Int(g)][0]
                case .globalSet(let g, let value):
                    vm.globals[Int(g)][0] = vm.fp[Int(value)]
                case .globalGetV128(let g, let result):
                    vm.fp[v128: result] = V128(low: vm.globals[Int(g)][0], high: vm.globals[Int(g)][1])
                case .globalSetV128(let g, let value):
                    vm.globals[Int(g)][0] = vm.fp[Int(value)]
                    vm.globals[Int(g)][1] = vm.fp[Int(value) + 1]

                // MARK: References
                case .refIsNull(let slot, let result):
                    vm.fp[bool: result] = vm.fp[slot: slot] == 0
                case .refAsNonNull(let slot):
                    if vm.fp[slot: slot] == 0 { throw .nullReference }
                case .branchOnNull(let slot, let target):
                    if vm.fp[slot: slot] == 0 { vm.jump(target) }
                case .branchOnNonNull(let slot, let target):
                    if vm.fp[slot: slot] != 0 { vm.jump(target) }

                // MARK: Tables and memory management
                // MARK: Loads and stores
                case .addressOffset(let offset, let address, let result):
                    let (sum, overflow) = vm.fp[i64: address].addingReportingOverflow(offset)
                    vm.fp[i64: result] = overflow ? sum | 0xFFFF_FFFF_FFFF_FFF0 : sum
                case .i32Load(let o):
                    vm.fp[i32: o.value] = try vm.address(o, 4).loadLE(UInt32.self)
                case .i64Load(let o):
                    vm.fp[i64: o.value] = try vm.address(o, 8).loadLE(UInt64.self)
                case .f32Load(let o):
                    vm.fp[i32: o.value] = try vm.address(o, 4).loadLE(UInt32.self)
                case .f64Load(let o):
                    vm.fp[i64: o.value] = try vm.address(o, 8).loadLE(UInt64.self)
                case .i32Load8S(let o):
                    vm.fp[i32: o.value] = UInt32(bitPattern: Int32(Int8(bitPattern: try vm.address(o, 1).loadLE(UInt8.self))))
                case .i32Load8U(let o):
                    vm.fp[i32: o.value] = UInt32(try vm.address(o, 1).loadLE(UInt8.self))
                case .i32Load16S(let o):
                    vm.fp[i32: o.value] = UInt32(bitPattern: Int32(Int16(bitPattern: try vm.address(o, 2).loadLE(UInt16.self))))
                case .i32Load16U(let o):
                    vm.fp[i32: o.value] = UInt32(try vm.address(o, 2).loadLE(UInt16.self))
                case .i64Load8S(let o):
                    vm.fp[i64: o.value] = UInt64(bitPattern: Int64(Int8(bitPattern: try vm.address(o, 1).loadLE(UInt8.self))))
                case .i64Load8U(let o):
                    vm.fp[i64: o.value] = UInt64(try vm.address(o, 1).loadLE(UInt8.self))
                case .i64Load16S(let o):
                    vm.fp[i64: o.value] = UInt64(bitPattern: Int64(Int16(bitPattern: try vm.address(o, 2).loadLE(UInt16.self))))
                case .i64Load16U(let o):
                    vm.fp[i64: o.value] = UInt64(try vm.address(o, 2).loadLE(UInt16.self))
                case .i64Load32S(let o):
                    vm.fp[i64: o.value] = UInt64(bitPattern: Int64(Int32(bitPattern: try vm.address(o, 4).loadLE(UInt32.self))))
                case .i64Load32U(let o):
                    vm.fp[i64: o.value] = UInt64(try vm.address(o, 4).loadLE(UInt32.self))
                case .store8(let o):
                    try vm.address(o, 1).storeLE(UInt8(truncatingIfNeeded: vm.fp[Int(o.value)]))
                case .store16(let o):
                    try vm.address(o, 2).storeLE(UInt16(truncatingIfNeeded: vm.fp[Int(o.value)]))
                case .store32(let o):
                    try vm.address(o, 4).storeLE(UInt32(truncatingIfNeeded: vm.fp[Int(o.value)]))
                case .store64(let o):
                    try vm.address(o, 8).storeLE(vm.fp[Int(o.value)])

                // MARK: Fused ops
                case .copy2(let from, let to, let from2, let to2):
                    vm.fp[Int(to)] = vm.fp[Int(from)]
                    vm.fp[Int(to2)] = vm.fp[Int(from2)]
                case .i32LoadIndexed(let x):
                    vm.fp[i32: x.value] = try vm.address(x, 4).loadLE(UInt32.self)
                case .i64LoadIndexed(let x):
                    vm.fp[i64: x.value] = try vm.address(x, 8).loadLE(UInt64.self)
                case .i32Load8SIndexed(let x):
                    vm.fp[i32: x.value] = UInt32(bitPattern: Int32(Int8(bitPattern: try vm.address(x, 1).loadLE(UInt8.self))))
                case .i32Load8UIndexed(let x):
                    vm.fp[i32: x.value] = UInt32(try vm.address(x, 1).loadLE(UInt8.self))
                case .i32Load16SIndexed(let x):
                    vm.fp[i32: x.value] = UInt32(bitPattern: Int32(Int16(bitPattern: try vm.address(x, 2).loadLE(UInt16.self))))
                case .i32Load16UIndexed(let x):
                    vm.fp[i32: x.value] = UInt32(try vm.address(x, 2).loadLE(UInt16.self))
                case .store8Indexed(let x):
                    try vm.address(x, 1).storeLE(UInt8(truncatingIfNeeded: vm.fp[Int(x.value)]))
                case .store16Indexed(let x):
                    try vm.address(x, 2).storeLE(UInt16(truncatingIfNeeded: vm.fp[Int(x.value)]))
                case .store32Indexed(let x):
                    try vm.address(x, 4).storeLE(UInt32(truncatingIfNeeded: vm.fp[Int(x.value)]))
                case .store64Indexed(let x):
                    try vm.address(x, 8).storeLE(vm.fp[Int(x.value)])
                case .i32LoadScaled(let x):
                    vm.fp[i32: x.value] = try vm.address(x, 4, scale: 2).loadLE(UInt32.self)
                case .i64LoadScaled(let x):
                    vm.fp[i64: x.value] = try vm.address(x, 8, scale: 3).loadLE(UInt64.self)
                case .store32Scaled(let x):
                    try vm.address(x, 4, scale: 2).storeLE(UInt32(truncatingIfNeeded: vm.fp[Int(x.value)]))
                case .store64Scaled(let x):
                    try vm.address(x, 8, scale: 3).storeLE(vm.fp[Int(x.value)])
                case .i32LoadEqz(let t):
                    let value = try vm.address(t.operand, 4).loadLE(UInt32.self)
                    vm.fp[i32: t.value] = value
                    vm.fp[bool: Slot(t.then)] = value == 0

                case .i32AddAdd(let a, let b, let c, let r): vm.fp[i32: r] = vm.fp[i32: a] &+ vm.fp[i32: b] &+ vm.fp[i32: c]
                case .i32MulAdd(let a, let b, let c, let r): vm.fp[i32: r] = vm.fp[i32: a] &* vm.fp[i32: b] &+ vm.fp[i32: c]
                case .i32ShlAdd(let a, let b, let c, let r):
                    vm.fp[i32: r] = (vm.fp[i32: a] << (vm.fp[i32: b] & 31)) &+ vm.fp[i32: c]
                case .i32XorAdd(let a, let b, let c, let r): vm.fp[i32: r] = (vm.fp[i32: a] ^ vm.fp[i32: b]) &+ vm.fp[i32: c]
                case .i32RotlXor(let a, let b, let c, let r):
                    vm.fp[i32: r] = Numeric.rotateLeft(vm.fp[i32: a], vm.fp[i32: b]) ^ vm.fp[i32: c]
                case .i32AndXor(let a, let b, let c, let r): vm.fp[i32: r] = (vm.fp[i32: a] & vm.fp[i32: b]) ^ vm.fp[i32: c]
                case .f64MulAdd(let a, let b, let c, let r): vm.fp[f64: r] = vm.fp[f64: a] * vm.fp[f64: b] + vm.fp[f64: c]
                case .f64MulMul(let a, let b, let c, let r): vm.fp[f64: r] = vm.fp[f64: a] * vm.fp[f64: b] * vm.fp[f64: c]

                // MARK: Numeric
                case .i32Eqz(let a, let r): vm.fp[bool: r] = vm.fp[i32: a] == 0
                case .i64Eqz(let a, let r): vm.fp[bool: r] = vm.fp[i64: a] == 0
                case .i32Eq(let a, let b, let r): vm.fp[bool: r] = vm.fp[i32: a] == vm.fp[i32: b]
                case .i32Ne(let a, let b, let r): vm.fp[bool: r] = vm.fp[i32: a] != vm.fp[i32: b]
                case .i32LtS(let a, let b, let r): vm.fp[bool: r] = Int32(bitPattern: vm.fp[i32: a]) < Int32(bitPattern: vm.fp[i32: b])
                case .i32LtU(let a, let b, let r): vm.fp[bool: r] = vm.fp[i32: a] < vm.fp[i32: b]
                case .i32GtS(let a, let b, let r): vm.fp[bool: r] = Int32(bitPattern: vm.fp[i32: a]) > Int32(bitPattern: vm.fp[i32: b])
                case .i32GtU(let a, let b, let r): vm.fp[bool: r] = vm.fp[i32: a] > vm.fp[i32: b]
                case .i32LeS(let a, let b, let r): vm.fp[bool: r] = Int32(bitPattern: vm.fp[i32: a]) <= Int32(bitPattern: vm.fp[i32: b])
                case .i32LeU(let a, let b, let r): vm.fp[bool: r] = vm.fp[i32: a] <= vm.fp[i32: b]
                case .i32GeS(let a, let b, let r): vm.fp[bool: r] = Int32(bitPattern: vm.fp[i32: a]) >= Int32(bitPattern: vm.fp[i32: b])
                case .i32GeU(let a, let b, let r): vm.fp[bool: r] = vm.fp[i32: a] >= vm.fp[i32: b]
                case .i64Eq(let a, let b, let r): vm.fp[bool: r] = vm.fp[i64: a] == vm.fp[i64: b]
                case .i64Ne(let a, let b, let r): vm.fp[bool: r] = vm.fp[i64: a] != vm.fp[i64: b]
                case .i64LtS(let a, let b, let r): vm.fp[bool: r] = Int64(bitPattern: vm.fp[i64: a]) < Int64(bitPattern: vm.fp[i64: b])
                case .i64LtU(let a, let b, let r): vm.fp[bool: r] = vm.fp[i64: a] < vm.fp[i64: b]
                case .i64GtS(let a, let b, let r): vm.fp[bool: r] = Int64(bitPattern: vm.fp[i64: a]) > Int64(bitPattern: vm.fp[i64: b])
                case .i64GtU(let a, let b, let r): vm.fp[bool: r] = vm.fp[i64: a] > vm.fp[i64: b]
                case .i64LeS(let a, let b, let r): vm.fp[bool: r] = Int64(bitPattern: vm.fp[i64: a]) <= Int64(bitPattern: vm.fp[i64: b])
                case .i64LeU(let a, let b, let r): vm.fp[bool: r] = vm.fp[i64: a] <= vm.fp[i64: b]
                case .i64GeS(let a, let b, let r): vm.fp[bool: r] = Int64(bitPattern: vm.fp[i64: a]) >= Int64(bitPattern: vm.fp[i64: b])
                case .i64GeU(let a, let b, let r): vm.fp[bool: r] = vm.fp[i64: a] >= vm.fp[i64: b]
                case .f32Eq(let a, let b, let r): vm.fp[bool: r] = vm.fp[f32: a] == vm.fp[f32: b]
                case .f32Ne(let a, let b, let r): vm.fp[bool: r] = vm.fp[f32: a] != vm.fp[f32: b]
                case .f32Lt(let a, let b, let r): vm.fp[bool: r] = vm.fp[f32: a] < vm.fp[f32: b]
                case .f32Gt(let a, let b, let r): vm.fp[bool: r] = vm.fp[f32: a] > vm.fp[f32: b]
                case .f32Le(let a, let b, let r): vm.fp[bool: r] = vm.fp[f32: a] <= vm.fp[f32: b]
                case .f32Ge(let a, let b, let r): vm.fp[bool: r] = vm.fp[f32: a] >= vm.fp[f32: b]
                case .f64Eq(let a, let b, let r): vm.fp[bool: r] = vm.fp[f64: a] == vm.fp[f64: b]
                case .f64Ne(let a, let b, let r): vm.fp[bool: r] = vm.fp[f64: a] != vm.fp[f64: b]
                case .f64Lt(let a, let b, let r): vm.fp[bool: r] = vm.fp[f64: a] < vm.fp[f64: b]
                case .f64Gt(let a, let b, let r): vm.fp[bool: r] = vm.fp[f64: a] > vm.fp[f64: b]
                case .f64Le(let a, let b, let r): vm.fp[bool: r] = vm.fp[f64: a] <= vm.fp[f64: b]
                case .f64Ge(let a, let b, let r): vm.fp[bool: r] = vm.fp[f64: a] >= vm.fp[f64: b]
                case .i32Clz(let a, let r): vm.fp[i32: r] = UInt32(vm.fp[i32: a].leadingZeroBitCount)
                case .i32Ctz(let a, let r): vm.fp[i32: r] = UInt32(vm.fp[i32: a].trailingZeroBitCount)
                case .i32Popcnt(let a, let r): vm.fp[i32: r] = UInt32(vm.fp[i32: a].nonzeroBitCount)
                case .i32Add(let a, let b, let r): vm.fp[i32: r] = vm.fp[i32: a] &+ vm.fp[i32: b]
                case .i32Sub(let a, let b, let r): vm.fp[i32: r] = vm.fp[i32: a] &- vm.fp[i32: b]
                case .i32Mul(let a, let b, let r): vm.fp[i32: r] = vm.fp[i32: a] &* vm.fp[i32: b]
                case .i32DivS(let a, let b, let r): vm.fp[i32: r] = try Numeric.divS(vm.fp[i32: a], vm.fp[i32: b])
                case .i32DivU(let a, let b, let r): vm.fp[i32: r] = try Numeric.divU(vm.fp[i32: a], vm.fp[i32: b])
                case .i32RemS(let a, let b, let r): vm.fp[i32: r] = try Numeric.remS(vm.fp[i32: a], vm.fp[i32: b])
                case .i32RemU(let a, let b, let r): vm.fp[i32: r] = try Numeric.remU(vm.fp[i32: a], vm.fp[i32: b])
                case .i32And(let a, let b, let r): vm.fp[i32: r] = vm.fp[i32: a] & vm.fp[i32: b]
                case .i32Or(let a, let b, let r): vm.fp[i32: r] = vm.fp[i32: a] | vm.fp[i32: b]
                case .i32Xor(let a, let b, let r): vm.fp[i32: r] = vm.fp[i32: a] ^ vm.fp[i32: b]
                case .i32Shl(let a, let b, let r): vm.fp[i32: r] = vm.fp[i32: a] << (vm.fp[i32: b] & 31)
                case .i32ShrS(let a, let b, let r):
                    vm.fp[i32: r] = UInt32(bitPattern: Int32(bitPattern: vm.fp[i32: a]) >> (vm.fp[i32: b] & 31))
                case .i32ShrU(let a, let b, let r): vm.fp[i32: r] = vm.fp[i32: a] >> (vm.fp[i32: b] & 31)
                case .i32Rotl(let a, let b, let r): vm.fp[i32: r] = Numeric.rotateLeft(vm.fp[i32: a], vm.fp[i32: b])
                case .i32Rotr(let a, let b, let r): vm.fp[i32: r] = Numeric.rotateRight(vm.fp[i32: a], vm.fp[i32: b])
                case .i64Clz(let a, let r): vm.fp[i64: r] = UInt64(vm.fp[i64: a].leadingZeroBitCount)
                case .i64Ctz(let a, let r): vm.fp[i64: r] = UInt64(vm.fp[i64: a].trailingZeroBitCount)
                case .i64Popcnt(let a, let r): vm.fp[i64: r] = UInt64(vm.fp[i64: a].nonzeroBitCount)
                case .i64Add(let a, let b, let r): vm.fp[i64: r] = vm.fp[i64: a] &+ vm.fp[i64: b]
                case .i64Sub(let a, let b, let r): vm.fp[i64: r] = vm.fp[i64: a] &- vm.fp[i64: b]
                case .i64Mul(let a, let b, let r): vm.fp[i64: r] = vm.fp[i64: a] &* vm.fp[i64: b]
                case .i64DivS(let a, let b, let r): vm.fp[i64: r] = try Numeric.divS(vm.fp[i64: a], vm.fp[i64: b])
                case .i64DivU(let a, let b, let r): vm.fp[i64: r] = try Numeric.divU(vm.fp[i64: a], vm.fp[i64: b])
                case .i64RemS(let a, let b, let r): vm.fp[i64: r] = try Numeric.remS(vm.fp[i64: a], vm.fp[i64: b])
                case .i64RemU(let a, let b, let r): vm.fp[i64: r] = try Numeric.remU(vm.fp[i64: a], vm.fp[i64: b])
                case .i64And(let a, let b, let r): vm.fp[i64: r] = vm.fp[i64: a] & vm.fp[i64: b]
                case .i64Or(let a, let b, let r): vm.fp[i64: r] = vm.fp[i64: a] | vm.fp[i64: b]
                case .i64Xor(let a, let b, let r): vm.fp[i64: r] = vm.fp[i64: a] ^ vm.fp[i64: b]
                case .i64Shl(let a, let b, let r): vm.fp[i64: r] = vm.fp[i64: a] << (vm.fp[i64: b] & 63)
                case .i64ShrS(let a, let b, let r):
                    vm.fp[i64: r] = UInt64(bitPattern: Int64(bitPattern: vm.fp[i64: a]) >> (vm.fp[i64: b] & 63))
                case .i64ShrU(let a, let b, let r): vm.fp[i64: r] = vm.fp[i64: a] >> (vm.fp[i64: b] & 63)
                case .i64Rotl(let a, let b, let r): vm.fp[i64: r] = Numeric.rotateLeft(vm.fp[i64: a], vm.fp[i64: b])
                case .i64Rotr(let a, let b, let r): vm.fp[i64: r] = Numeric.rotateRight(vm.fp[i64: a], vm.fp[i64: b])
                case .f32Abs(let a, let r): vm.fp[i32: r] = vm.fp[i32: a] & 0x7FFF_FFFF
                case .f32Neg(let a, let r): vm.fp[i32: r] = vm.fp[i32: a] ^ 0x8000_0000
                case .f32Ceil(let a, let r): vm.fp[f32: r] = vm.fp[f32: a].rounded(.up)
                case .f32Floor(let a, let r): vm.fp[f32: r] = vm.fp[f32: a].rounded(.down)
                case .f32Trunc(let a, let r): vm.fp[f32: r] = vm.fp[f32: a].rounded(.towardZero)
                case .f32Nearest(let a, let r): vm.fp[f32: r] = vm.fp[f32: a].rounded(.toNearestOrEven)
                case .f32Sqrt(let a, let r): vm.fp[f32: r] = vm.fp[f32: a].squareRoot()
                case .f32Add(let a, let b, let r): vm.fp[f32: r] = vm.fp[f32: a] + vm.fp[f32: b]
                case .f32Sub(let a, let b, let r): vm.fp[f32: r] = vm.fp[f32: a] - vm.fp[f32: b]
                case .f32Mul(let a, let b, let r): vm.fp[f32: r] = vm.fp[f32: a] * vm.fp[f32: b]
                case .f32Div(let a, let b, let r): vm.fp[f32: r] = vm.fp[f32: a] / vm.fp[f32: b]
                case .f32Min(let a, let b, let r): vm.fp[f32: r] = Numeric.minimum(vm.fp[f32: a], vm.fp[f32: b])
                case .f32Max(let a, let b, let r): vm.fp[f32: r] = Numeric.maximum(vm.fp[f32: a], vm.fp[f32: b])
                case .f32Copysign(let a, let b, let r):
                    vm.fp[i32: r] = (vm.fp[i32: a] & 0x7FFF_FFFF) | (vm.fp[i32: b] & 0x8000_0000)
                case .f64Abs(let a, let r): vm.fp[i64: r] = vm.fp[i64: a] & 0x7FFF_FFFF_FFFF_FFFF
                case .f64Neg(let a, let r): vm.fp[i64: r] = vm.fp[i64: a] ^ 0x8000_0000_0000_0000
                case .f64Ceil(let a, let r): vm.fp[f64: r] = vm.fp[f64: a].rounded(.up)
                case .f64Floor(let a, let r): vm.fp[f64: r] = vm.fp[f64: a].rounded(.down)
                case .f64Trunc(let a, let r): vm.fp[f64: r] = vm.fp[f64: a].rounded(.towardZero)
                case .f64Nearest(let a, let r): vm.fp[f64: r] = vm.fp[f64: a].rounded(.toNearestOrEven)
                case .f64Sqrt(let a, let r): vm.fp[f64: r] = vm.fp[f64: a].squareRoot()
                case .f64Add(let a, let b, let r): vm.fp[f64: r] = vm.fp[f64: a] + vm.fp[f64: b]
                case .f64Sub(let a, let b, let r): vm.fp[f64: r] = vm.fp[f64: a] - vm.fp[f64: b]
                case .f64Mul(let a, let b, let r): vm.fp[f64: r] = vm.fp[f64: a] * vm.fp[f64: b]
                case .f64Div(let a, let b, let r): vm.fp[f64: r] = vm.fp[f64: a] / vm.fp[f64: b]
                case .f64Min(let a, let b, let r): vm.fp[f64: r] = Numeric.minimum(vm.fp[f64: a], vm.fp[f64: b])
                case .f64Max(let a, let b, let r): vm.fp[f64: r] = Numeric.maximum(vm.fp[f64: a], vm.fp[f64: b])
                case .f64Copysign(let a, let b, let r):
                    vm.fp[i64: r] = (vm.fp[i64: a] & 0x7FFF_FFFF_FFFF_FFFF) | (vm.fp[i64: b] & 0x8000_0000_0000_0000)
                // MARK: Vectors and atomics
                case .v128Load(let o):
                    let p = try vm.address(o, 16)
                    vm.fp[v128: o.value] = V128(low: p.loadLE(UInt64.self), high: (p + 8).loadLE(UInt64.self))
                case .v128Store(let o):
                    let p = try vm.address(o, 16)
                    let value = vm.fp[v128: o.value]
                    p.storeLE(value.low)
                    (p + 8).storeLE(value.high)
                case .callDefined(_, let base, let defined):
                    guard let reference = vm.compiledCode[Int(defined)], vm.enter(reference, base: base) else { return }
                case .return:
                    if !vm.leave() { return }
                case .callIndirect(let table, let type, let index, let base):
                    guard let callee = vm.indirectCallee(table, type, vm.fp[i64: index]),
                          vm.enter(callee, base: base) else { return }
                case .memoryCopy(0, 0, let base):
                    if !vm.copyWithinMemory0(base: base) { return }
                case .memoryFill(0, let base):
                    if !vm.fillMemory0(base: base) { return }
                // `call` names an import: a host function or another instance's (`callDefined` is the fast one).
                case .meter, .safepoint, .call, .callRef, .returnCall, .returnCallIndirect, .returnCallRef,
                     .throw, .throwReference, .constV128, .refFunction, .tableGet, .tableSet, .tableSize, .tableGrow,
                     .tableFill, .tableCopy, .tableInit, .elementDrop, .memorySize, .memoryGrow, .memoryFill,
                     .memoryCopy, .memoryInit, .dataDrop, .convert, .v128LoadPartial, .v128StoreLane, .simd,
                     .simdLane, .shuffle, .atomic, .atomicFence:
                    return
                }
            } catch {
                vm.context._withUnsafeGuaranteedRef { $0.pendingTrap = error }
                return
            }
        }
    }

    /// The function a `call_indirect` reaches: table element `index`, checked against type `type`.
    func indirectCallee(_ instance: Instance, _ table: UInt32, _ type: UInt32, _ index: UInt64) throws(Trap)
        -> Unmanaged<Function>
    {
        let reference = instance.tableReferences[Int(table)]._withUnsafeGuaranteedRef { table in
            index < UInt64(table.elements.count) ? table.elements[Int(index)] : UInt64.max
        }
        guard reference != UInt64.max else { throw .undefinedElement }
        guard reference != 0 else { throw .uninitializedElement }
        let function = store.functionReferences[Int(reference - 1)]
        guard function._withUnsafeGuaranteedRef({ $0.typeID }) == Int(type) else { throw .indirectCallTypeMismatch }
        return function
    }

    /// The function a non-null function reference names.
    func referencedFunction(_ reference: UInt64) throws(Trap) -> Function {
        guard reference != 0 else { throw .nullFunctionReference }
        return store.functionReferences[Int(reference - 1)].takeUnretainedValue()
    }

    /// The innermost handler of `compiled` covering `pc` that catches an exception with `tag`.
    func findHandler(_ compiled: CompiledFunction, pc: Int32, tag: Tag, instance: Instance) -> ExceptionHandler? {
        var depthLimit = Int.max
        while true {
            let covering = compiled.handlers.filter { $0.range.contains(pc) && $0.depth < depthLimit }
            guard let depth = covering.map(\.depth).max() else { return nil }
            for handler in covering where handler.depth == depth {
                switch handler.kind {
                case .all: return handler
                case .tag(let t): if instance.tags[Int(t)] === tag { return handler }
                }
            }
            depthLimit = depth
        }
    }
}

/// The checked host address of a `size`-byte access.
@inline(__always)
func address(_ o: MemoryOperand, _ size: UInt64, _ memories: UnsafeMutablePointer<UnsafeMutablePointer<MemoryState>>,
             _ fp: UnsafeMutablePointer<UInt64>) throws(Trap) -> UnsafeMutableRawPointer {
    let state = memories[o.memoryIndex].pointee
    let (end, overflow) = o.base(fp).addingReportingOverflow(UInt64(o.offset) &+ size)
    guard !overflow, end <= UInt64(UInt(bitPattern: state.size)) else { throw .outOfBoundsMemoryAccess }
    return state.base + Int(bitPattern: UInt(end &- size))
}
