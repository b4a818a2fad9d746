/// The run loop: threaded code (Threaded.swift) inside `run(until:)`, which runs the ops that leave it (see
/// docs/RATIONALE.md, "The run loop").
extension ExecutionContext {
    /// The run loop's state outside the handlers' arguments, and all of it when the threaded code is left:
    /// `run(until:)` updates the frame records on its slow paths and reloads this from the top record.
    struct Registers {
        /// The next op (a pointer, not an index: dispatch then needs no multiplication). Jumps add to it.
        var ip: UnsafePointer<Inst>
        var fp: UnsafeMutablePointer<UInt64>
        unowned(unsafe) var instance: Instance
        var memories: UnsafeMutablePointer<UnsafeMutablePointer<MemoryState>>
        var globals: UnsafeMutablePointer<UnsafeMutablePointer<UInt64>>
        /// The instance's `CompiledCode` entries (its functions are `instance.functionTable`, for the slow path).
        var compiledCode: UnsafeMutablePointer<Unmanaged<CompiledFunction>?>
        /// Memory 0's base and size, cached (the handlers get them as arguments): reloaded after every slow path,
        /// and by an access that misses them, which also serves a shared memory grown by another thread (its
        /// base never moves; a stale size is smaller, never larger).
        var memory0: MemoryState
        /// The context and the frame count at which this run returns (see `run(until:)`), for calls and
        /// returns on the fast path.
        let context: Unmanaged<ExecutionContext>
        let depth: Int
        /// Whether the threaded code was left at a safepoint (a taken jump), to go on at `ip`, rather than
        /// for `run(until:)` to run the op at `ip`.
        var paused = false

        var instanceReference: Unmanaged<Instance> {
            @inline(__always) get { Unmanaged.passUnretained(instance) }
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
    /// The threaded code runs the ops that need no call, the great majority, and leaves here for the others:
    /// calls, returns, exceptions, tables and bulk memory, some vector ops, atomics, metering, and every slow
    /// path (see docs/RATIONALE.md, "The run loop").
    func run(until depth: Int) throws(Trap) {
        var vm = topRegisters(depth: depth)
        while true {
            Self.runThreaded(&vm)
            if let trap = pendingTrap {
                pendingTrap = nil
                throw trap
            }
            // From a jump, the frame goes on at its target; from any other op, at that op, not yet run.
            if _slowPath(attention.load(ordering: .relaxed) != 0) { try safepoint(&vm, continuingAt: vm.ip) }
            if vm.paused {
                vm.paused = false
                continue
            }
            let op = frames[frames.count - 1].compiled._withUnsafeGuaranteedRef { $0.ops[$0.code.distance(to: vm.ip)] }
            vm.ip += 1
            switch op {
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
            case .bulk(let bulk):
                try executeBulk(bulk, instance: vm.instance, fp: vm.fp)
                vm.reloadMemory()
            case .v128LoadPartial(let index):
                let access = topCompiled.memoryAccesses[Int(index)]
                try VectorOps.load(access.opcode, access.operand, lane: access.lane, memories: vm.memories, fp: vm.fp)
            case .v128StoreLane(let index):
                let access = topCompiled.memoryAccesses[Int(index)]
                try VectorOps.storeLane(access.opcode, access.operand, lane: access.lane, memories: vm.memories,
                                        fp: vm.fp)
            case .shuffle(let constant, let base):
                VectorOps.shuffle(topCompiled.v128Constants[Int(constant)], base: base, fp: vm.fp)
            case .atomic(let index):
                let access = topCompiled.memoryAccesses[Int(index)]
                try Atomics.execute(access.opcode, access.operand, memories: vm.memories, instance: vm.instance, fp: vm.fp,
                                    interruptible: self)
            case .atomicFence:
                Atomics.fence()
            // The ops whose handlers never leave the threaded code at themselves (except for a trap).
            case .unreachable, .jump, .jumpIf, .jumpIfNot, .jumpIfI32Eq, .jumpIfI32Ne, .jumpIfI32LtS, .jumpIfI32LtU,
                 .jumpIfI32GtS, .jumpIfI32GtU, .jumpIfI32LeS, .jumpIfI32LeU, .jumpIfI32GeS, .jumpIfI32GeU,
                 .jumpIfI32Eqz, .jumpIfI32And, .jumpIfNotI32And, .jumpIfF64Lt, .jumpIfF64Gt, .jumpIfF64Le,
                 .jumpIfF64Ge, .jumpIfNotF64Lt, .jumpIfNotF64Gt, .jumpIfNotF64Le, .jumpIfNotF64Ge, .jumpIfLoadI32Eqz,
                 .jumpIfLoadI32Nez, .jumpIfLoad8UEqz, .jumpIfLoad8UNez, .copyJumpIf, .copyJumpIfNot, .i32AddJumpIfNez,
                 .i32SubJumpIfNez, .jumpIfLoadI32Eq, .jumpIfLoadI32Ne, .jumpIfLoadI32LtS, .jumpIfLoadI32LtU,
                 .jumpIfLoadI32GtS, .jumpIfLoadI32GtU, .branchTable, .copy, .copyV128, .const32, .const64, .select,
                 .selectV128, .globalGet, .globalSet, .globalGetV128, .globalSetV128, .refIsNull, .refAsNonNull,
                 .branchOnNull, .branchOnNonNull, .addressOffset, .i32Load, .i64Load, .f32Load, .f64Load, .i32Load8S,
                 .i32Load8U, .i32Load16S, .i32Load16U, .i64Load8S, .i64Load8U, .i64Load16S, .i64Load16U, .i64Load32S,
                 .i64Load32U, .store8, .store16, .store32, .store64, .copy2, .i32LoadIndexed, .i64LoadIndexed,
                 .i32Load8SIndexed, .i32Load8UIndexed, .i32Load16SIndexed, .i32Load16UIndexed, .store8Indexed,
                 .store16Indexed, .store32Indexed, .store64Indexed, .i32LoadScaled, .i64LoadScaled, .store32Scaled,
                 .store64Scaled, .store32Sum, .i32AddJumpIfNe, .i32AddJumpIfLtU, .i32AddJumpIfLtS, .i32AddJumpIfGtU,
                 .i32AddJumpIfGtS, .i32SubJumpIfNe, .i32SubJumpIfGtU, .i32SubJumpIfGtS, .i32LoadEqz, .i32AndEqz,
                 .i32AddAdd, .i32MulAdd, .i32ShlAdd, .i32XorAdd, .i32RotlXor, .i32AndXor, .i32ShrUAnd, .i32ShrUXor,
                 .i32XorAnd, .i32SubAnd, .i32AddAnd, .i32XorMul, .f64MulAdd, .f64MulSub, .f64SubMul, .f64AddMul,
                 .f64MulMul, .i32Eqz, .i64Eqz, .i32Eq, .i32Ne, .i32LtS, .i32LtU, .i32GtS, .i32GtU, .i32LeS, .i32LeU,
                 .i32GeS, .i32GeU, .i64Eq, .i64Ne, .i64LtS, .i64LtU, .i64GtS, .i64GtU, .i64LeS, .i64LeU, .i64GeS,
                 .i64GeU, .f32Eq, .f32Ne, .f32Lt, .f32Gt, .f32Le, .f32Ge, .f64Eq, .f64Ne, .f64Lt, .f64Gt, .f64Le,
                 .f64Ge, .i32Clz, .i32Ctz, .i32Popcnt, .i32Add, .i32Sub, .i32Mul, .i32DivS, .i32DivU, .i32RemS,
                 .i32RemU, .i32And, .i32Or, .i32Xor, .i32Shl, .i32ShrS, .i32ShrU, .i32Rotl, .i32Rotr, .i64Clz,
                 .i64Ctz, .i64Popcnt, .i64Add, .i64Sub, .i64Mul, .i64DivS, .i64DivU, .i64RemS, .i64RemU, .i64And,
                 .i64Or, .i64Xor, .i64Shl, .i64ShrS, .i64ShrU, .i64Rotl, .i64Rotr, .f32Abs, .f32Neg, .f32Ceil,
                 .f32Floor, .f32Trunc, .f32Nearest, .f32Sqrt, .f32Add, .f32Sub, .f32Mul, .f32Div, .f32Min, .f32Max,
                 .f32Copysign, .f64Abs, .f64Neg, .f64Ceil, .f64Floor, .f64Trunc, .f64Nearest, .f64Sqrt, .f64Add,
                 .f64Sub, .f64Mul, .f64Div, .f64Min, .f64Max, .f64Copysign, .convert, .v128Load, .v128Store, .simd,
                 .simdLane:
                throw .host("internal error: \(op) left the threaded code")
            }
        }
    }

    /// Serves this context's pending interruption (a `Trap.timeout`) or safepoint request: `onSafepoint` runs
    /// with the top frame suspended at `resume` (where a clone made meanwhile goes on) and the value stack above
    /// the frame free for the hook's calls.
    func safepoint(_ vm: inout Registers, continuingAt resume: UnsafePointer<Inst>) throws(Trap) {
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
        guard function._withUnsafeGuaranteedRef({ $0.typeID }) == Int(type) || castIsAllowed(function, to: type) else {
            throw .indirectCallTypeMismatch
        }
        return function
    }

    /// Whether `function` may be called as type id `type`, which it does not have: if the store allows function
    /// pointer casts and its parameters begin the call's (`Store.allowsFunctionPointerCasts`).
    private func castIsAllowed(_ function: Unmanaged<Function>, to type: UInt32) -> Bool {
        guard store.allowsFunctionPointerCasts, let expected = store.functionType(id: Int(type)) else { return false }
        return function._withUnsafeGuaranteedRef { expected.parameters.starts(with: $0.type.parameters) }
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
