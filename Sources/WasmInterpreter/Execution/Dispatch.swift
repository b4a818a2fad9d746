/// The run loop: one `switch` over the compiled ops of the current function.
extension ExecutionContext {
    /// Runs the function whose record is on top of `frames` until the frame count drops to `depth`.
    func run(until depth: Int) throws(Trap) {
        // The run loop's references are unowned(unsafe): the store keeps functions and instances alive, and
        // reference counting on every call would cost more than the calls themselves.
        var record = frames[frames.count - 1]
        unowned(unsafe) var instance = record.instance.takeUnretainedValue()
        unowned(unsafe) var compiled = record.compiled.takeUnretainedValue()
        var functions = instance.functionTable
        var code = compiled.code
        var pc = record.pc
        var fp = stack + record.base
        var memories = instance.memoryStates
        var globals = instance.globalStorage

        /// Makes the top frame record current.
        func load() {
            record = frames[frames.count - 1]
            instance = record.instance.takeUnretainedValue()
            compiled = record.compiled.takeUnretainedValue()
            code = compiled.code
            pc = record.pc
            fp = stack + record.base
            memories = instance.memoryStates
            globals = instance.globalStorage
            functions = instance.functionTable
        }

        /// Calls `callee` with arguments at `base`: pushes a frame for wasm, runs host functions in place.
        func invoke(_ callee: Unmanaged<Function>, base: Slot) throws(Trap) {
            try invoke(callee.takeUnretainedValue(), base: base)
        }

        func invoke(_ callee: Function, base: Slot) throws(Trap) {
            frames[frames.count - 1].pc = pc
            let absolute = fp - stack + Int(base)
            switch callee.body {
            case .wasm:
                try enter(callee, base: absolute)
                load()
            case .host(let host):
                do {
                    try callHost(host, instance: instance, base: absolute)
                } catch .uncaughtException(let exception) {
                    try raise(exception)
                }
            }
        }

        /// Replaces the current frame with `callee`, moving the arguments at `base` to the frame's start.
        func tailInvoke(_ callee: Function, base: Slot) throws(Trap) {
            let count = SlotEncoding.slotCount(callee.type.parameters)
            if base != 0 { fp.update(from: fp + Int(base), count: count) }
            switch callee.body {
            case .wasm:
                let start = fp - stack
                frames.removeLast()
                try enter(callee, base: start)
                load()
            case .host:
                try invoke(callee, base: 0)
                try leave()
            }
        }

        /// Returns from the current function; `true` when the run is over.
        func leave() throws(Trap) {
            frames.removeLast()
            if frames.count > depth { load() }
        }

        /// Unwinds to the innermost handler of `exception`, or throws it out of this run.
        func raise(_ exception: Int) throws(Trap) {
            let thrown = store.exceptions[exception]
            while true {
                frames[frames.count - 1].pc = pc
                if let handler = findHandler(compiled, pc: Int32(pc - 1), tag: thrown.tag, instance: instance) {
                    var slot = Int(handler.base)
                    let payload = handler.kind == .all ? [] : thrown.payload
                    for value in payload {
                        fp[slot] = value
                        slot += 1
                    }
                    if handler.passesReference { fp[slot] = UInt64(exception) + 1 }
                    if handler.target == ExceptionHandler.returnTarget {
                        try leave()
                    } else {
                        pc = Int(handler.target)
                    }
                    return
                }
                frames.removeLast()
                guard frames.count > depth else { throw .uncaughtException(exception) }
                load()
            }
        }

        while frames.count > depth {
            let op = code[pc]
            pc += 1
            switch op {
            // MARK: Control
            case .unreachable:
                throw .unreachable
            case .jump(let target):
                pc = Int(target)
            case .jumpIf(let condition, let target):
                if fp[bool: condition] { pc = Int(target) }
            case .jumpIfNot(let condition, let target):
                if !fp[bool: condition] { pc = Int(target) }
            case .branchTable(let index, let table):
                let targets = compiled.branchTables[Int(table)]
                pc = Int(targets[min(Int(fp[i32: index]), targets.count - 1)])
            case .return:
                try leave()
            case .call(let f, let base):
                try invoke(functions[Int(f)], base: base)
            case .callIndirect(let table, let type, let index, let base):
                try invoke(try indirectCallee(instance, table, type, fp[i64: index]), base: base)
            case .callRef(let reference, let base):
                try invoke(try referencedFunction(fp[slot: reference]), base: base)
            case .returnCall(let f, let base):
                try tailInvoke(instance.functions[Int(f)], base: base)
            case .returnCallIndirect(let table, let type, let index, let base):
                try tailInvoke(try indirectCallee(instance, table, type, fp[i64: index]), base: base)
            case .returnCallRef(let reference, let base):
                try tailInvoke(try referencedFunction(fp[slot: reference]), base: base)
            case .throw(let tagIndex, let base):
                let tag = instance.tags[Int(tagIndex)]
                let count = SlotEncoding.slotCount(tag.type.parameters)
                let payload = [UInt64](UnsafeBufferPointer(start: fp + Int(base), count: count))
                try raise(store.register(ExceptionInstance(tag: tag, payload: payload)))
            case .throwReference(let slot):
                let reference = fp[slot: slot]
                guard reference != 0 else { throw .nullExceptionReference }
                try raise(Int(reference - 1))

            // MARK: Moves and constants
            case .copy(let from, let to):
                fp[Int(to)] = fp[Int(from)]
            case .copyV128(let from, let to):
                fp[v128: to] = fp[v128: from]
            case .const32(let value, let slot):
                fp[i32: slot] = value
            case .const64(let value, let slot):
                fp[i64: slot] = value
            case .constV128(let value, let slot):
                fp[v128: slot] = value
            case .select(let condition, let first, let second, let result):
                fp[Int(result)] = fp[bool: condition] ? fp[Int(first)] : fp[Int(second)]
            case .selectV128(let condition, let first, let second, let result):
                fp[v128: result] = fp[bool: condition] ? fp[v128: first] : fp[v128: second]
            case .globalGet(let g, let result):
                fp[Int(result)] = globals[Int(g)][0]
            case .globalSet(let g, let value):
                globals[Int(g)][0] = fp[Int(value)]
            case .globalGetV128(let g, let result):
                fp[v128: result] = V128(low: globals[Int(g)][0], high: globals[Int(g)][1])
            case .globalSetV128(let g, let value):
                globals[Int(g)][0] = fp[Int(value)]
                globals[Int(g)][1] = fp[Int(value) + 1]

            // MARK: References
            case .refFunction(let f, let result):
                fp[i64: result] = UInt64(instance.functions[Int(f)].address) + 1
            case .refIsNull(let slot, let result):
                fp[bool: result] = fp[slot: slot] == 0
            case .refAsNonNull(let slot):
                if fp[slot: slot] == 0 { throw .nullReference }
            case .branchOnNull(let slot, let target):
                if fp[slot: slot] == 0 { pc = Int(target) }
            case .branchOnNonNull(let slot, let target):
                if fp[slot: slot] != 0 { pc = Int(target) }

            // MARK: Tables and memory management
            case .tableGet, .tableSet, .tableSize, .tableGrow, .tableFill, .tableCopy, .tableInit, .elementDrop,
                 .memorySize, .memoryGrow, .memoryFill, .memoryCopy, .memoryInit, .dataDrop:
                try executeBulk(op, instance: instance, fp: fp)

            // MARK: Loads and stores
            case .i32Load(let o):
                fp[i32: o.value] = try address(o, 4, memories, fp).loadUnaligned(as: UInt32.self)
            case .i64Load(let o):
                fp[i64: o.value] = try address(o, 8, memories, fp).loadUnaligned(as: UInt64.self)
            case .f32Load(let o):
                fp[i32: o.value] = try address(o, 4, memories, fp).loadUnaligned(as: UInt32.self)
            case .f64Load(let o):
                fp[i64: o.value] = try address(o, 8, memories, fp).loadUnaligned(as: UInt64.self)
            case .i32Load8S(let o):
                fp[i32: o.value] = UInt32(bitPattern: Int32(try address(o, 1, memories, fp).load(as: Int8.self)))
            case .i32Load8U(let o):
                fp[i32: o.value] = UInt32(try address(o, 1, memories, fp).load(as: UInt8.self))
            case .i32Load16S(let o):
                fp[i32: o.value] = UInt32(bitPattern: Int32(try address(o, 2, memories, fp).loadUnaligned(as: Int16.self)))
            case .i32Load16U(let o):
                fp[i32: o.value] = UInt32(try address(o, 2, memories, fp).loadUnaligned(as: UInt16.self))
            case .i64Load8S(let o):
                fp[i64: o.value] = UInt64(bitPattern: Int64(try address(o, 1, memories, fp).load(as: Int8.self)))
            case .i64Load8U(let o):
                fp[i64: o.value] = UInt64(try address(o, 1, memories, fp).load(as: UInt8.self))
            case .i64Load16S(let o):
                fp[i64: o.value] = UInt64(bitPattern: Int64(try address(o, 2, memories, fp).loadUnaligned(as: Int16.self)))
            case .i64Load16U(let o):
                fp[i64: o.value] = UInt64(try address(o, 2, memories, fp).loadUnaligned(as: UInt16.self))
            case .i64Load32S(let o):
                fp[i64: o.value] = UInt64(bitPattern: Int64(try address(o, 4, memories, fp).loadUnaligned(as: Int32.self)))
            case .i64Load32U(let o):
                fp[i64: o.value] = UInt64(try address(o, 4, memories, fp).loadUnaligned(as: UInt32.self))
            case .store8(let o):
                try address(o, 1, memories, fp).storeBytes(of: UInt8(truncatingIfNeeded: fp[Int(o.value)]), as: UInt8.self)
            case .store16(let o):
                try address(o, 2, memories, fp).storeBytes(of: UInt16(truncatingIfNeeded: fp[Int(o.value)]), as: UInt16.self)
            case .store32(let o):
                try address(o, 4, memories, fp).storeBytes(of: UInt32(truncatingIfNeeded: fp[Int(o.value)]), as: UInt32.self)
            case .store64(let o):
                try address(o, 8, memories, fp).storeBytes(of: fp[Int(o.value)], as: UInt64.self)

            // MARK: Numeric
            case .i32Eqz(let a, let r): fp[bool: r] = fp[i32: a] == 0
            case .i64Eqz(let a, let r): fp[bool: r] = fp[i64: a] == 0
            case .i32Eq(let a, let b, let r): fp[bool: r] = fp[i32: a] == fp[i32: b]
            case .i32Ne(let a, let b, let r): fp[bool: r] = fp[i32: a] != fp[i32: b]
            case .i32LtS(let a, let b, let r): fp[bool: r] = Int32(bitPattern: fp[i32: a]) < Int32(bitPattern: fp[i32: b])
            case .i32LtU(let a, let b, let r): fp[bool: r] = fp[i32: a] < fp[i32: b]
            case .i32GtS(let a, let b, let r): fp[bool: r] = Int32(bitPattern: fp[i32: a]) > Int32(bitPattern: fp[i32: b])
            case .i32GtU(let a, let b, let r): fp[bool: r] = fp[i32: a] > fp[i32: b]
            case .i32LeS(let a, let b, let r): fp[bool: r] = Int32(bitPattern: fp[i32: a]) <= Int32(bitPattern: fp[i32: b])
            case .i32LeU(let a, let b, let r): fp[bool: r] = fp[i32: a] <= fp[i32: b]
            case .i32GeS(let a, let b, let r): fp[bool: r] = Int32(bitPattern: fp[i32: a]) >= Int32(bitPattern: fp[i32: b])
            case .i32GeU(let a, let b, let r): fp[bool: r] = fp[i32: a] >= fp[i32: b]
            case .i64Eq(let a, let b, let r): fp[bool: r] = fp[i64: a] == fp[i64: b]
            case .i64Ne(let a, let b, let r): fp[bool: r] = fp[i64: a] != fp[i64: b]
            case .i64LtS(let a, let b, let r): fp[bool: r] = Int64(bitPattern: fp[i64: a]) < Int64(bitPattern: fp[i64: b])
            case .i64LtU(let a, let b, let r): fp[bool: r] = fp[i64: a] < fp[i64: b]
            case .i64GtS(let a, let b, let r): fp[bool: r] = Int64(bitPattern: fp[i64: a]) > Int64(bitPattern: fp[i64: b])
            case .i64GtU(let a, let b, let r): fp[bool: r] = fp[i64: a] > fp[i64: b]
            case .i64LeS(let a, let b, let r): fp[bool: r] = Int64(bitPattern: fp[i64: a]) <= Int64(bitPattern: fp[i64: b])
            case .i64LeU(let a, let b, let r): fp[bool: r] = fp[i64: a] <= fp[i64: b]
            case .i64GeS(let a, let b, let r): fp[bool: r] = Int64(bitPattern: fp[i64: a]) >= Int64(bitPattern: fp[i64: b])
            case .i64GeU(let a, let b, let r): fp[bool: r] = fp[i64: a] >= fp[i64: b]
            case .f32Eq(let a, let b, let r): fp[bool: r] = fp[f32: a] == fp[f32: b]
            case .f32Ne(let a, let b, let r): fp[bool: r] = fp[f32: a] != fp[f32: b]
            case .f32Lt(let a, let b, let r): fp[bool: r] = fp[f32: a] < fp[f32: b]
            case .f32Gt(let a, let b, let r): fp[bool: r] = fp[f32: a] > fp[f32: b]
            case .f32Le(let a, let b, let r): fp[bool: r] = fp[f32: a] <= fp[f32: b]
            case .f32Ge(let a, let b, let r): fp[bool: r] = fp[f32: a] >= fp[f32: b]
            case .f64Eq(let a, let b, let r): fp[bool: r] = fp[f64: a] == fp[f64: b]
            case .f64Ne(let a, let b, let r): fp[bool: r] = fp[f64: a] != fp[f64: b]
            case .f64Lt(let a, let b, let r): fp[bool: r] = fp[f64: a] < fp[f64: b]
            case .f64Gt(let a, let b, let r): fp[bool: r] = fp[f64: a] > fp[f64: b]
            case .f64Le(let a, let b, let r): fp[bool: r] = fp[f64: a] <= fp[f64: b]
            case .f64Ge(let a, let b, let r): fp[bool: r] = fp[f64: a] >= fp[f64: b]
            case .i32Clz(let a, let r): fp[i32: r] = UInt32(fp[i32: a].leadingZeroBitCount)
            case .i32Ctz(let a, let r): fp[i32: r] = UInt32(fp[i32: a].trailingZeroBitCount)
            case .i32Popcnt(let a, let r): fp[i32: r] = UInt32(fp[i32: a].nonzeroBitCount)
            case .i32Add(let a, let b, let r): fp[i32: r] = fp[i32: a] &+ fp[i32: b]
            case .i32Sub(let a, let b, let r): fp[i32: r] = fp[i32: a] &- fp[i32: b]
            case .i32Mul(let a, let b, let r): fp[i32: r] = fp[i32: a] &* fp[i32: b]
            case .i32DivS(let a, let b, let r): fp[i32: r] = try Numeric.divS(fp[i32: a], fp[i32: b])
            case .i32DivU(let a, let b, let r): fp[i32: r] = try Numeric.divU(fp[i32: a], fp[i32: b])
            case .i32RemS(let a, let b, let r): fp[i32: r] = try Numeric.remS(fp[i32: a], fp[i32: b])
            case .i32RemU(let a, let b, let r): fp[i32: r] = try Numeric.remU(fp[i32: a], fp[i32: b])
            case .i32And(let a, let b, let r): fp[i32: r] = fp[i32: a] & fp[i32: b]
            case .i32Or(let a, let b, let r): fp[i32: r] = fp[i32: a] | fp[i32: b]
            case .i32Xor(let a, let b, let r): fp[i32: r] = fp[i32: a] ^ fp[i32: b]
            case .i32Shl(let a, let b, let r): fp[i32: r] = fp[i32: a] << (fp[i32: b] & 31)
            case .i32ShrS(let a, let b, let r):
                fp[i32: r] = UInt32(bitPattern: Int32(bitPattern: fp[i32: a]) >> (fp[i32: b] & 31))
            case .i32ShrU(let a, let b, let r): fp[i32: r] = fp[i32: a] >> (fp[i32: b] & 31)
            case .i32Rotl(let a, let b, let r): fp[i32: r] = Numeric.rotateLeft(fp[i32: a], fp[i32: b])
            case .i32Rotr(let a, let b, let r): fp[i32: r] = Numeric.rotateRight(fp[i32: a], fp[i32: b])
            case .i64Clz(let a, let r): fp[i64: r] = UInt64(fp[i64: a].leadingZeroBitCount)
            case .i64Ctz(let a, let r): fp[i64: r] = UInt64(fp[i64: a].trailingZeroBitCount)
            case .i64Popcnt(let a, let r): fp[i64: r] = UInt64(fp[i64: a].nonzeroBitCount)
            case .i64Add(let a, let b, let r): fp[i64: r] = fp[i64: a] &+ fp[i64: b]
            case .i64Sub(let a, let b, let r): fp[i64: r] = fp[i64: a] &- fp[i64: b]
            case .i64Mul(let a, let b, let r): fp[i64: r] = fp[i64: a] &* fp[i64: b]
            case .i64DivS(let a, let b, let r): fp[i64: r] = try Numeric.divS(fp[i64: a], fp[i64: b])
            case .i64DivU(let a, let b, let r): fp[i64: r] = try Numeric.divU(fp[i64: a], fp[i64: b])
            case .i64RemS(let a, let b, let r): fp[i64: r] = try Numeric.remS(fp[i64: a], fp[i64: b])
            case .i64RemU(let a, let b, let r): fp[i64: r] = try Numeric.remU(fp[i64: a], fp[i64: b])
            case .i64And(let a, let b, let r): fp[i64: r] = fp[i64: a] & fp[i64: b]
            case .i64Or(let a, let b, let r): fp[i64: r] = fp[i64: a] | fp[i64: b]
            case .i64Xor(let a, let b, let r): fp[i64: r] = fp[i64: a] ^ fp[i64: b]
            case .i64Shl(let a, let b, let r): fp[i64: r] = fp[i64: a] << (fp[i64: b] & 63)
            case .i64ShrS(let a, let b, let r):
                fp[i64: r] = UInt64(bitPattern: Int64(bitPattern: fp[i64: a]) >> (fp[i64: b] & 63))
            case .i64ShrU(let a, let b, let r): fp[i64: r] = fp[i64: a] >> (fp[i64: b] & 63)
            case .i64Rotl(let a, let b, let r): fp[i64: r] = Numeric.rotateLeft(fp[i64: a], fp[i64: b])
            case .i64Rotr(let a, let b, let r): fp[i64: r] = Numeric.rotateRight(fp[i64: a], fp[i64: b])
            case .f32Abs(let a, let r): fp[i32: r] = fp[i32: a] & 0x7FFF_FFFF
            case .f32Neg(let a, let r): fp[i32: r] = fp[i32: a] ^ 0x8000_0000
            case .f32Ceil(let a, let r): fp[f32: r] = fp[f32: a].rounded(.up)
            case .f32Floor(let a, let r): fp[f32: r] = fp[f32: a].rounded(.down)
            case .f32Trunc(let a, let r): fp[f32: r] = fp[f32: a].rounded(.towardZero)
            case .f32Nearest(let a, let r): fp[f32: r] = fp[f32: a].rounded(.toNearestOrEven)
            case .f32Sqrt(let a, let r): fp[f32: r] = fp[f32: a].squareRoot()
            case .f32Add(let a, let b, let r): fp[f32: r] = fp[f32: a] + fp[f32: b]
            case .f32Sub(let a, let b, let r): fp[f32: r] = fp[f32: a] - fp[f32: b]
            case .f32Mul(let a, let b, let r): fp[f32: r] = fp[f32: a] * fp[f32: b]
            case .f32Div(let a, let b, let r): fp[f32: r] = fp[f32: a] / fp[f32: b]
            case .f32Min(let a, let b, let r): fp[f32: r] = Numeric.minimum(fp[f32: a], fp[f32: b])
            case .f32Max(let a, let b, let r): fp[f32: r] = Numeric.maximum(fp[f32: a], fp[f32: b])
            case .f32Copysign(let a, let b, let r):
                fp[i32: r] = (fp[i32: a] & 0x7FFF_FFFF) | (fp[i32: b] & 0x8000_0000)
            case .f64Abs(let a, let r): fp[i64: r] = fp[i64: a] & 0x7FFF_FFFF_FFFF_FFFF
            case .f64Neg(let a, let r): fp[i64: r] = fp[i64: a] ^ 0x8000_0000_0000_0000
            case .f64Ceil(let a, let r): fp[f64: r] = fp[f64: a].rounded(.up)
            case .f64Floor(let a, let r): fp[f64: r] = fp[f64: a].rounded(.down)
            case .f64Trunc(let a, let r): fp[f64: r] = fp[f64: a].rounded(.towardZero)
            case .f64Nearest(let a, let r): fp[f64: r] = fp[f64: a].rounded(.toNearestOrEven)
            case .f64Sqrt(let a, let r): fp[f64: r] = fp[f64: a].squareRoot()
            case .f64Add(let a, let b, let r): fp[f64: r] = fp[f64: a] + fp[f64: b]
            case .f64Sub(let a, let b, let r): fp[f64: r] = fp[f64: a] - fp[f64: b]
            case .f64Mul(let a, let b, let r): fp[f64: r] = fp[f64: a] * fp[f64: b]
            case .f64Div(let a, let b, let r): fp[f64: r] = fp[f64: a] / fp[f64: b]
            case .f64Min(let a, let b, let r): fp[f64: r] = Numeric.minimum(fp[f64: a], fp[f64: b])
            case .f64Max(let a, let b, let r): fp[f64: r] = Numeric.maximum(fp[f64: a], fp[f64: b])
            case .f64Copysign(let a, let b, let r):
                fp[i64: r] = (fp[i64: a] & 0x7FFF_FFFF_FFFF_FFFF) | (fp[i64: b] & 0x8000_0000_0000_0000)
            case .convert(let opcode, let a, let r):
                fp[Int(r)] = try Numeric.convert(opcode, fp[Int(a)])

            // MARK: Vectors and atomics
            case .v128Load(let o):
                let p = try address(o, 16, memories, fp)
                fp[v128: o.value] = V128(low: p.loadUnaligned(as: UInt64.self), high: p.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
            case .v128Store(let o):
                let p = try address(o, 16, memories, fp)
                let value = fp[v128: o.value]
                p.storeBytes(of: value.low, as: UInt64.self)
                p.storeBytes(of: value.high, toByteOffset: 8, as: UInt64.self)
            case .v128LoadPartial(let opcode, let o, let lane):
                try VectorOps.load(opcode, o, lane: lane, memories: memories, fp: fp)
            case .v128StoreLane(let opcode, let o, let lane):
                try VectorOps.storeLane(opcode, o, lane: lane, memories: memories, fp: fp)
            case .simd(let opcode, let base):
                VectorOps.execute(opcode, base: base, fp: fp)
            case .simdLane(let opcode, let lane, let base):
                VectorOps.executeLane(opcode, lane: lane, base: base, fp: fp)
            case .shuffle(let constant, let base):
                VectorOps.shuffle(compiled.v128Constants[Int(constant)], base: base, fp: fp)
            case .atomic(let opcode, let o):
                try Atomics.execute(opcode, o, memories: memories, instance: instance, fp: fp)
            case .atomicFence:
                Atomics.fence()
            }
        }
    }

    /// The function a `call_indirect` reaches: table element `index`, checked against type `type`.
    func indirectCallee(_ instance: Instance, _ table: UInt32, _ type: UInt32, _ index: UInt64) throws(Trap) -> Function {
        let elements = instance.tables[Int(table)].elements
        guard index < UInt64(elements.count) else { throw .undefinedElement }
        let reference = elements[Int(index)]
        guard reference != 0 else { throw .uninitializedElement }
        let function = store.functions[Int(reference - 1)]
        guard function.typeID == Int(type) else { throw .indirectCallTypeMismatch }
        return function
    }

    /// The function a non-null function reference names.
    func referencedFunction(_ reference: UInt64) throws(Trap) -> Function {
        guard reference != 0 else { throw .nullFunctionReference }
        return store.functions[Int(reference - 1)]
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
    let state = memories[Int(o.memory)].pointee
    let (effective, overflow) = fp[Int(o.address)].addingReportingOverflow(o.offset)
    guard !overflow, UInt64(state.size) >= size, effective <= UInt64(state.size) - size else {
        throw .outOfBoundsMemoryAccess
    }
    return state.base + Int(effective)
}
