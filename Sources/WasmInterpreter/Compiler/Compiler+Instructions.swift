/// Translation of each instruction.
extension Compiler {
    mutating func compile(_ instruction: Instruction) {
        let opcode = instruction.opcode
        if !Self.readsOperandsLazily(instruction) { materializeAll() }
        switch (opcode, instruction.immediate) {
        // MARK: Control
        case (.unreachable, _):
            emit(.unreachable)
            markUnreachable()
        case (.nop, _):
            break
        case (.block, .block(let bt)):
            beginBlock(.block, blockType(bt))
        case (.loop, .block(let bt)):
            beginBlock(.loop, blockType(bt))
        case (.if, .block(let bt)):
            compileIf(blockType(bt))
        case (.else, _):
            compileElse()
        case (.end, _):
            compileEnd()
        case (.tryTable, .tryTable(let bt, let list)):
            compileTryTable(blockType(bt), (try? reader.catchClauses(list)) ?? [])
        case (.br, .index(let depth)):
            emitBranch(Int(depth))
            markUnreachable()
        case (.brIf, .index(let depth)):
            compileBranchIf(Int(depth))
        case (.brTable, .branchTable(let list, let defaultLabel)):
            compileBranchTable((try? reader.labels(list)) ?? [], default: defaultLabel)
        case (.return, _):
            emitReturn()
            markUnreachable()
        case (.call, .index(let f)):
            let defined = Int(f) - importedFunctionCount
            compileCall(instance.functions[Int(f)].type) {
                defined < 0 ? .call(function: f, base: $0) : .callDefined(function: f, base: $0, defined: UInt32(defined))
            }
        case (.returnCall, .index(let f)):
            compileCall(instance.functions[Int(f)].type, { .returnCall(function: f, base: $0) }, tail: true)
        case (.callIndirect, .indexPair(let t, let table)):
            let index = pop().slot
            let id = UInt32(instance.typeIDs[Int(t)])
            compileCall(module.types[Int(t)].functionType) {
                .callIndirect(table: table, type: id, index: index, base: $0)
            }
        case (.returnCallIndirect, .indexPair(let t, let table)):
            let index = pop().slot
            let id = UInt32(instance.typeIDs[Int(t)])
            compileCall(module.types[Int(t)].functionType, {
                .returnCallIndirect(table: table, type: id, index: index, base: $0)
            }, tail: true)
        case (.callRef, .index(let t)):
            let reference = pop().slot
            compileCall(module.types[Int(t)].functionType) { .callRef(reference: reference, base: $0) }
        case (.returnCallRef, .index(let t)):
            let reference = pop().slot
            compileCall(module.types[Int(t)].functionType, { .returnCallRef(reference: reference, base: $0) },
                        tail: true)
        case (.throw, .index(let tag)):
            emit(.throw(tag: tag, base: base(ofTop: instance.tags[Int(tag)].type.parameters.count)))
            markUnreachable()
        case (.throwRef, _):
            emit(.throwReference(pop().slot))
            markUnreachable()

        // MARK: References
        case (.refNull, _):
            push(.ref(.funcref))
            emit(.const64(0, stack[stack.count - 1].slot))
        case (.refIsNull, _):
            let reference = pop().slot
            push(.i32)
            emit(.refIsNull(reference, result: reference))
        case (.refFunc, .index(let f)):
            push(.ref(ReferenceType(isNullable: false, heapType: .abstract(.func))))
            emit(.refFunction(function: f, result: stack[stack.count - 1].slot))
        case (.refAsNonNull, _):
            emit(.refAsNonNull(stack[stack.count - 1].slot))
        case (.brOnNull, .index(let depth)):
            let reference = pop()
            compileConditionalBranch(Int(depth), whenTaken: { .branchOnNull(reference.slot, target: $0) },
                                     whenSkipped: { .branchOnNonNull(reference.slot, target: $0) })
            stack.append(reference)
            height = Int(reference.slot) + 1
        case (.brOnNonNull, .index(let depth)):
            let reference = stack[stack.count - 1].slot
            compileConditionalBranch(Int(depth), whenTaken: { .branchOnNonNull(reference, target: $0) },
                                     whenSkipped: { .branchOnNull(reference, target: $0) })
            pop()

        // MARK: Parametric
        case (.drop, _):
            pop()
        case (.select, _), (.selectTyped, _):
            let condition = read(pop())
            let second = pop()
            let first = pop()
            let (a, b) = (read(first), read(second))
            push(first.type)
            emit(first.type == .v128
                 ? .selectV128(condition: condition, first: a, second: b, result: first.slot)
                 : .select(condition: condition, first: a, second: b, result: first.slot))
            emitted(result: first.slot)

        // MARK: Variables
        case (.localGet, .index(let i)):
            push(localTypes[Int(i)], source: .local(localSlots[Int(i)]))
        case (.localSet, .index(let i)):
            storeLocal(Int(i), keep: false)
        case (.localTee, .index(let i)):
            storeLocal(Int(i), keep: true)
        case (.globalGet, .index(let g)):
            let type = instance.globals[Int(g)].type.valueType
            push(type)
            let slot = stack[stack.count - 1].slot
            emit(type == .v128 ? .globalGetV128(global: g, result: slot) : .globalGet(global: g, result: slot))
            emitted(result: slot)
        case (.globalSet, .index(let g)):
            let value = pop()
            let source = read(value)
            emit(value.type == .v128 ? .globalSetV128(global: g, value: source)
                                     : .globalSet(global: g, value: source))

        // MARK: Tables
        case (.tableGet, .index(let t)):
            let index = pop().slot
            push(.ref(instance.tables[Int(t)].type.elementType))
            emit(.bulk(.tableGet(table: t, base: index)))
        case (.tableSet, .index(let t)):
            emit(.bulk(.tableSet(table: t, base: base(ofTop: 2))))
            pop(2)
        case (.tableSize, .index(let t)):
            push(instance.tables[Int(t)].type.limits.addressType.valueType)
            emit(.bulk(.tableSize(table: t, result: stack[stack.count - 1].slot)))
        case (.tableGrow, .index(let t)):
            let base = base(ofTop: 2)
            pop(2)
            push(instance.tables[Int(t)].type.limits.addressType.valueType)
            emit(.bulk(.tableGrow(table: t, base: base)))
        case (.tableFill, .index(let t)):
            emit(.bulk(.tableFill(table: t, base: base(ofTop: 3))))
            pop(3)
        case (.tableCopy, .indexPair(let d, let s)):
            emit(.bulk(.tableCopy(destination: d, source: s, base: base(ofTop: 3))))
            pop(3)
        case (.tableInit, .indexPair(let e, let t)):
            emit(.bulk(.tableInit(element: e, table: t, base: base(ofTop: 3))))
            pop(3)
        case (.elemDrop, .index(let e)):
            emit(.bulk(.elementDrop(e)))

        // MARK: Memory management
        case (.memorySize, .index(let m)):
            push(instance.memories[Int(m)].type.limits.addressType.valueType)
            emit(.bulk(.memorySize(memory: m, result: stack[stack.count - 1].slot)))
        case (.memoryGrow, .index(let m)):
            emit(.bulk(.memoryGrow(memory: m, base: stack[stack.count - 1].slot)))
        case (.memoryFill, .index(let m)):
            emit(.bulk(.memoryFill(memory: m, base: base(ofTop: 3))))
            pop(3)
        case (.memoryCopy, .indexPair(let d, let s)):
            emit(.bulk(.memoryCopy(destination: d, source: s, base: base(ofTop: 3))))
            pop(3)
        case (.memoryInit, .indexPair(let d, let m)):
            emit(.bulk(.memoryInit(data: d, memory: m, base: base(ofTop: 3))))
            pop(3)
        case (.dataDrop, .index(let d)):
            emit(.bulk(.dataDrop(d)))

        // MARK: Constants
        case (.i32Const, .i32(let v)):
            push(.i32, source: .constant(UInt64(UInt32(bitPattern: v))))
        case (.i64Const, .i64(let v)):
            push(.i64, source: .constant(UInt64(bitPattern: v)))
        case (.f32Const, .f32(let v)):
            push(.f32, source: .constant(UInt64(v)))
        case (.f64Const, .f64(let v)):
            push(.f64, source: .constant(v))
        case (.v128Const, .v128(let v)):
            push(.v128)
            v128Constants.append(v)
            emit(.constV128(constant: UInt32(v128Constants.count - 1), stack[stack.count - 1].slot))

        // MARK: Memory access, vectors and atomics
        case (_, .memory(let argument)):
            compileMemoryAccess(opcode, argument)
        case (_, .memoryLane(let argument, let lane)):
            let base = base(ofTop: 2)
            let access = memoryAccess(memoryOperand(address: base, value: base + 1, argument, scratch: base), opcode,
                                      lane: lane)
            if opcode.packedSignature?.resultCount == 0 {
                emit(.v128StoreLane(access: access))
                pop(2)
            } else {
                emit(.v128LoadPartial(access: access))
                pop(2)
                push(.v128)
            }
        case (.i8x16Shuffle, .v128(let lanes)):
            v128Constants.append(lanes)
            emit(.shuffle(constant: UInt32(v128Constants.count - 1), base: base(ofTop: 2)))
            pop(2)
            push(.v128)
        case (.atomicFence, _):
            emit(.atomicFence)
        case (_, .lane(let lane)):
            compileBySignature(opcode) { .simdLane(PackedOpcode(opcode), lane: lane, base: $0) }
        default:
            compileNumeric(opcode)
        }
    }

    /// Whether `instruction` reads its operands through `read(_:)`, so operands that live in locals or are
    /// constants need not be materialized first. Everything else sees a fully materialized stack.
    static func readsOperandsLazily(_ instruction: Instruction) -> Bool {
        switch instruction.opcode {
        case .localGet, .localSet, .localTee, .i32Const, .i64Const, .f32Const, .f64Const, .drop, .select,
             .selectTyped, .globalGet, .globalSet, .brIf, .brTable, .if, .v128Load, .v128Store:
            return true
        default:
            let opcode = instruction.opcode
            guard opcode.packedSignature != nil else { return false }
            let feature = opcode.feature
            guard feature != .simd, feature != .relaxedSimd, feature != .threads else { return false }
            if case .memory = instruction.immediate { return true }
            if case .none = instruction.immediate { return true }
            return false
        }
    }

    /// `local.set` and `local.tee`: operands still reading the local are materialized first; a value that the
    /// previous op just computed is computed straight into the local.
    mutating func storeLocal(_ index: Int, keep: Bool) {
        let local = localSlots[index]
        let value = pop()
        if value.source == .local(local) {
            if keep { stack.append(value); height = Int(value.slot) + SlotEncoding.slotCount(value.type) }
            return
        }
        let readers = stack.indices.filter { stack[$0].source == .local(local) }
        if readers.isEmpty, value.source == .own, let last = lastResult, last.index == code.count - 1,
           last.slot == value.slot, let direct = Self.withResult(code[last.index], local) {
            code[last.index] = direct
            lastResult = nil
        } else {
            for reader in readers { materialize(reader) }
            switch value.source {
            case .constant(let bits):
                emit(value.type == .i64 || value.type == .f64 ? .const64(bits, local)
                                                              : .const32(UInt32(truncatingIfNeeded: bits), local))
            case .local(let slot): emitCopy(value.type, from: slot, to: local)
            case .own: emitCopy(value.type, from: value.slot, to: local)
            }
        }
        if keep { push(value.type, source: .local(local)) }
    }

    /// `op` with its result written to `slot` instead, for ops that compute one value into an explicit slot; nil
    /// for the others. No `default:`: a new op must say whether it has such a result.
    static func withResult(_ op: Op, _ slot: Slot) -> Op? {
        switch op {
        case .const32(let v, _): .const32(v, slot)
        case .const64(let v, _): .const64(v, slot)
        case .globalGet(let g, _): .globalGet(global: g, result: slot)
        case .select(let c, let a, let b, _): .select(condition: c, first: a, second: b, result: slot)
        case .convert(let opcode, let a, _): .convert(opcode, a, slot)
        case .i32Load(var o): { o.value = slot; return .i32Load(o) }()
        case .i64Load(var o): { o.value = slot; return .i64Load(o) }()
        case .f32Load(var o): { o.value = slot; return .f32Load(o) }()
        case .f64Load(var o): { o.value = slot; return .f64Load(o) }()
        case .i32Load8S(var o): { o.value = slot; return .i32Load8S(o) }()
        case .i32Load8U(var o): { o.value = slot; return .i32Load8U(o) }()
        case .i32Load16S(var o): { o.value = slot; return .i32Load16S(o) }()
        case .i32Load16U(var o): { o.value = slot; return .i32Load16U(o) }()
        case .i64Load8S(var o): { o.value = slot; return .i64Load8S(o) }()
        case .i64Load8U(var o): { o.value = slot; return .i64Load8U(o) }()
        case .i64Load16S(var o): { o.value = slot; return .i64Load16S(o) }()
        case .i64Load16U(var o): { o.value = slot; return .i64Load16U(o) }()
        case .i64Load32S(var o): { o.value = slot; return .i64Load32S(o) }()
        case .i64Load32U(var o): { o.value = slot; return .i64Load32U(o) }()
        case .i32LoadIndexed(var x): { x.value = slot; return .i32LoadIndexed(x) }()
        case .i64LoadIndexed(var x): { x.value = slot; return .i64LoadIndexed(x) }()
        case .i32Load8SIndexed(var x): { x.value = slot; return .i32Load8SIndexed(x) }()
        case .i32Load8UIndexed(var x): { x.value = slot; return .i32Load8UIndexed(x) }()
        case .i32Load16SIndexed(var x): { x.value = slot; return .i32Load16SIndexed(x) }()
        case .i32Load16UIndexed(var x): { x.value = slot; return .i32Load16UIndexed(x) }()
        case .i32LoadScaled(var x): { x.value = slot; return .i32LoadScaled(x) }()
        case .i64LoadScaled(var x): { x.value = slot; return .i64LoadScaled(x) }()
        case .i32Eqz(let a, _): .i32Eqz(a, slot)
        case .i64Eqz(let a, _): .i64Eqz(a, slot)
        case .i32Eq(let a, let b, _): .i32Eq(a, b, slot)
        case .i32Ne(let a, let b, _): .i32Ne(a, b, slot)
        case .i32LtS(let a, let b, _): .i32LtS(a, b, slot)
        case .i32LtU(let a, let b, _): .i32LtU(a, b, slot)
        case .i32GtS(let a, let b, _): .i32GtS(a, b, slot)
        case .i32GtU(let a, let b, _): .i32GtU(a, b, slot)
        case .i32LeS(let a, let b, _): .i32LeS(a, b, slot)
        case .i32LeU(let a, let b, _): .i32LeU(a, b, slot)
        case .i32GeS(let a, let b, _): .i32GeS(a, b, slot)
        case .i32GeU(let a, let b, _): .i32GeU(a, b, slot)
        case .i64Eq(let a, let b, _): .i64Eq(a, b, slot)
        case .i64Ne(let a, let b, _): .i64Ne(a, b, slot)
        case .i64LtS(let a, let b, _): .i64LtS(a, b, slot)
        case .i64LtU(let a, let b, _): .i64LtU(a, b, slot)
        case .i64GtS(let a, let b, _): .i64GtS(a, b, slot)
        case .i64GtU(let a, let b, _): .i64GtU(a, b, slot)
        case .i64LeS(let a, let b, _): .i64LeS(a, b, slot)
        case .i64LeU(let a, let b, _): .i64LeU(a, b, slot)
        case .i64GeS(let a, let b, _): .i64GeS(a, b, slot)
        case .i64GeU(let a, let b, _): .i64GeU(a, b, slot)
        case .f32Eq(let a, let b, _): .f32Eq(a, b, slot)
        case .f32Ne(let a, let b, _): .f32Ne(a, b, slot)
        case .f32Lt(let a, let b, _): .f32Lt(a, b, slot)
        case .f32Gt(let a, let b, _): .f32Gt(a, b, slot)
        case .f32Le(let a, let b, _): .f32Le(a, b, slot)
        case .f32Ge(let a, let b, _): .f32Ge(a, b, slot)
        case .f64Eq(let a, let b, _): .f64Eq(a, b, slot)
        case .f64Ne(let a, let b, _): .f64Ne(a, b, slot)
        case .f64Lt(let a, let b, _): .f64Lt(a, b, slot)
        case .f64Gt(let a, let b, _): .f64Gt(a, b, slot)
        case .f64Le(let a, let b, _): .f64Le(a, b, slot)
        case .f64Ge(let a, let b, _): .f64Ge(a, b, slot)
        case .i32Clz(let a, _): .i32Clz(a, slot)
        case .i32Ctz(let a, _): .i32Ctz(a, slot)
        case .i32Popcnt(let a, _): .i32Popcnt(a, slot)
        case .i32Add(let a, let b, _): .i32Add(a, b, slot)
        case .i32Sub(let a, let b, _): .i32Sub(a, b, slot)
        case .i32Mul(let a, let b, _): .i32Mul(a, b, slot)
        case .i32DivS(let a, let b, _): .i32DivS(a, b, slot)
        case .i32DivU(let a, let b, _): .i32DivU(a, b, slot)
        case .i32RemS(let a, let b, _): .i32RemS(a, b, slot)
        case .i32RemU(let a, let b, _): .i32RemU(a, b, slot)
        case .i32And(let a, let b, _): .i32And(a, b, slot)
        case .i32Or(let a, let b, _): .i32Or(a, b, slot)
        case .i32Xor(let a, let b, _): .i32Xor(a, b, slot)
        case .i32Shl(let a, let b, _): .i32Shl(a, b, slot)
        case .i32ShrS(let a, let b, _): .i32ShrS(a, b, slot)
        case .i32ShrU(let a, let b, _): .i32ShrU(a, b, slot)
        case .i32Rotl(let a, let b, _): .i32Rotl(a, b, slot)
        case .i32Rotr(let a, let b, _): .i32Rotr(a, b, slot)
        case .i64Clz(let a, _): .i64Clz(a, slot)
        case .i64Ctz(let a, _): .i64Ctz(a, slot)
        case .i64Popcnt(let a, _): .i64Popcnt(a, slot)
        case .i64Add(let a, let b, _): .i64Add(a, b, slot)
        case .i64Sub(let a, let b, _): .i64Sub(a, b, slot)
        case .i64Mul(let a, let b, _): .i64Mul(a, b, slot)
        case .i64DivS(let a, let b, _): .i64DivS(a, b, slot)
        case .i64DivU(let a, let b, _): .i64DivU(a, b, slot)
        case .i64RemS(let a, let b, _): .i64RemS(a, b, slot)
        case .i64RemU(let a, let b, _): .i64RemU(a, b, slot)
        case .i64And(let a, let b, _): .i64And(a, b, slot)
        case .i64Or(let a, let b, _): .i64Or(a, b, slot)
        case .i64Xor(let a, let b, _): .i64Xor(a, b, slot)
        case .i64Shl(let a, let b, _): .i64Shl(a, b, slot)
        case .i64ShrS(let a, let b, _): .i64ShrS(a, b, slot)
        case .i64ShrU(let a, let b, _): .i64ShrU(a, b, slot)
        case .i64Rotl(let a, let b, _): .i64Rotl(a, b, slot)
        case .i64Rotr(let a, let b, _): .i64Rotr(a, b, slot)
        case .f32Abs(let a, _): .f32Abs(a, slot)
        case .f32Neg(let a, _): .f32Neg(a, slot)
        case .f32Ceil(let a, _): .f32Ceil(a, slot)
        case .f32Floor(let a, _): .f32Floor(a, slot)
        case .f32Trunc(let a, _): .f32Trunc(a, slot)
        case .f32Nearest(let a, _): .f32Nearest(a, slot)
        case .f32Sqrt(let a, _): .f32Sqrt(a, slot)
        case .f32Add(let a, let b, _): .f32Add(a, b, slot)
        case .f32Sub(let a, let b, _): .f32Sub(a, b, slot)
        case .f32Mul(let a, let b, _): .f32Mul(a, b, slot)
        case .f32Div(let a, let b, _): .f32Div(a, b, slot)
        case .f32Min(let a, let b, _): .f32Min(a, b, slot)
        case .f32Max(let a, let b, _): .f32Max(a, b, slot)
        case .f32Copysign(let a, let b, _): .f32Copysign(a, b, slot)
        case .f64Abs(let a, _): .f64Abs(a, slot)
        case .f64Neg(let a, _): .f64Neg(a, slot)
        case .f64Ceil(let a, _): .f64Ceil(a, slot)
        case .f64Floor(let a, _): .f64Floor(a, slot)
        case .f64Trunc(let a, _): .f64Trunc(a, slot)
        case .f64Nearest(let a, _): .f64Nearest(a, slot)
        case .f64Sqrt(let a, _): .f64Sqrt(a, slot)
        case .f64Add(let a, let b, _): .f64Add(a, b, slot)
        case .f64Sub(let a, let b, _): .f64Sub(a, b, slot)
        case .f64Mul(let a, let b, _): .f64Mul(a, b, slot)
        case .f64Div(let a, let b, _): .f64Div(a, b, slot)
        case .f64Min(let a, let b, _): .f64Min(a, b, slot)
        case .f64Max(let a, let b, _): .f64Max(a, b, slot)
        case .f64Copysign(let a, let b, _): .f64Copysign(a, b, slot)
        case .i32AddAdd(let a, let b, let c, _): .i32AddAdd(a, b, c, slot)
        case .i32MulAdd(let a, let b, let c, _): .i32MulAdd(a, b, c, slot)
        case .i32ShlAdd(let a, let b, let c, _): .i32ShlAdd(a, b, c, slot)
        case .i32XorAdd(let a, let b, let c, _): .i32XorAdd(a, b, c, slot)
        case .i32RotlXor(let a, let b, let c, _): .i32RotlXor(a, b, c, slot)
        case .i32AndXor(let a, let b, let c, _): .i32AndXor(a, b, c, slot)
        case .i32ShrUAnd(let a, let b, let c, _): .i32ShrUAnd(a, b, c, slot)
        case .i32ShrUXor(let a, let b, let c, _): .i32ShrUXor(a, b, c, slot)
        case .i32XorAnd(let a, let b, let c, _): .i32XorAnd(a, b, c, slot)
        case .i32SubAnd(let a, let b, let c, _): .i32SubAnd(a, b, c, slot)
        case .i32AddAnd(let a, let b, let c, _): .i32AddAnd(a, b, c, slot)
        case .i32XorMul(let a, let b, let c, _): .i32XorMul(a, b, c, slot)
        case .f64MulAdd(let a, let b, let c, _): .f64MulAdd(a, b, c, slot)
        case .f64MulSub(let a, let b, let c, _): .f64MulSub(a, b, c, slot)
        case .f64SubMul(let a, let b, let c, _): .f64SubMul(a, b, c, slot)
        case .f64AddMul(let a, let b, let c, _): .f64AddMul(a, b, c, slot)
        case .f64MulMul(let a, let b, let c, _): .f64MulMul(a, b, c, slot)
        case .i32LoadEqz(var t): { t.then = Int32(slot); return .i32LoadEqz(t) }()
        case .i32AndEqz(let a, let b, _): .i32AndEqz(a, b, slot)
        // Every op without one result in a slot of its own, listed so that a new op must be placed here or above.
        case .jump, .jumpIf, .jumpIfNot, .branchOnNull, .branchOnNonNull, .jumpIfI32Eq, .jumpIfI32Ne, .jumpIfI32LtS,
             .jumpIfI32LtU, .jumpIfI32GtS, .jumpIfI32GtU, .jumpIfI32LeS, .jumpIfI32LeU, .jumpIfI32GeS, .jumpIfI32GeU,
             .jumpIfI32Eqz, .jumpIfI32And, .jumpIfF64Lt, .jumpIfF64Gt, .jumpIfF64Le, .jumpIfF64Ge, .jumpIfNotF64Lt,
             .jumpIfNotF64Gt, .jumpIfNotF64Le, .jumpIfNotF64Ge, .jumpIfNotI32And, .i32AddJumpIfNe, .i32AddJumpIfLtU,
             .i32AddJumpIfLtS, .i32AddJumpIfGtU, .i32AddJumpIfGtS, .i32SubJumpIfNe, .i32SubJumpIfGtU, .i32SubJumpIfGtS,
             .jumpIfLoadI32Eqz, .jumpIfLoadI32Nez, .jumpIfLoad8UEqz, .jumpIfLoad8UNez, .copyJumpIf, .copyJumpIfNot,
             .i32AddJumpIfNez, .i32SubJumpIfNez, .jumpIfLoadI32Eq, .jumpIfLoadI32Ne, .jumpIfLoadI32LtS,
             .jumpIfLoadI32LtU, .jumpIfLoadI32GtS, .jumpIfLoadI32GtU, .unreachable, .meter, .branchTable, .return,
             .call, .callDefined, .callIndirect, .callRef, .returnCall, .returnCallIndirect, .returnCallRef, .throw,
             .throwReference, .copy, .copyV128, .constV128, .selectV128, .globalSet, .globalGetV128, .globalSetV128,
             .refFunction, .refIsNull, .refAsNonNull, .bulk, .addressOffset, .store8, .store16, .store32, .store64,
             .copy2, .store8Indexed, .store16Indexed, .store32Indexed, .store64Indexed, .store32Scaled, .store64Scaled,
             .store32Sum, .v128Load, .v128Store, .v128LoadPartial, .v128StoreLane, .simd, .simdLane, .shuffle, .atomic,
             .atomicFence: nil
        }
    }

    mutating func emitCopy(_ type: ValueType, from source: Slot, to destination: Slot) {
        guard source != destination else { return }
        if type != .v128, lastOpIsFusable, case .copy(let first, let firstDestination) = code[code.count - 1] {
            code[code.count - 1] = .copy2(from: first, to: firstDestination, from2: source, to2: destination)
            lastResult = nil
            return
        }
        emit(type == .v128 ? .copyV128(from: source, to: destination) : .copy(from: source, to: destination))
    }

    /// A branch taken on a run-time condition: one op when the values are in place, else a skip around moves.
    mutating func compileConditionalBranch(_ depth: Int, whenTaken: (Int32) -> Op, whenSkipped: (Int32) -> Op) {
        let index = blocks.count - 1 - depth
        if branchIsInPlace(depth) {
            emitJump(to: index, whenTaken)
        } else {
            let skip = code.count
            emit(whenSkipped(-1))
            emitBranch(depth)
            placeLabel()
            code[skip] = Self.retarget(code[skip], Int32(code.count))
        }
    }

    /// Pops the operands of a signature-typed instruction and pushes its results; the op gets the first slot.
    mutating func compileBySignature(_ opcode: Opcode, address: ValueType = .i32, _ op: (Slot) -> Op) {
        guard let signature = opcode.packedSignature else { return }
        let base = base(ofTop: signature.parameterCount)
        emit(op(base))
        pop(signature.parameterCount)
        if let result = signature.result { push(result.valueType(address: address)) }
    }

    mutating func compileMemoryAccess(_ opcode: Opcode, _ argument: MemoryArgument) {
        let address = instance.memories[Int(argument.memory)].type.limits.addressType.valueType
        let count = opcode.packedSignature?.parameterCount ?? 1
        if opcode.feature == .threads {
            // Atomics read their operands from consecutive slots (the stack is materialized for them).
            let base = base(ofTop: count)
            let access = memoryAccess(memoryOperand(address: base, value: base + 1, argument, scratch: base), opcode)
            compileBySignature(opcode, address: address) { _ in .atomic(access: access) }
            return
        }
        if count == 2 {
            let value = pop()
            let target = pop()
            let (addressSlot, valueSlot) = (read(target), read(value))
            let operand = memoryOperand(address: addressSlot, value: valueSlot, argument, scratch: target.slot)
            let op: Op
            switch opcode {
            case .i32Store8, .i64Store8: op = .store8(operand)
            case .i32Store16, .i64Store16: op = .store16(operand)
            case .i32Store, .f32Store, .i64Store32: op = .store32(operand)
            case .i64Store, .f64Store: op = .store64(operand)
            default: op = .v128Store(operand)
            }
            if !fuseValue(into: op, value), !fuseAddress(into: op, target) { emit(op) }
            return
        }
        let target = pop()
        let operand = memoryOperand(address: read(target), value: target.slot, argument, scratch: target.slot)
        let op: Op
        switch opcode {
        case .i32Load: op = .i32Load(operand)
        case .i64Load: op = .i64Load(operand)
        case .f32Load: op = .f32Load(operand)
        case .f64Load: op = .f64Load(operand)
        case .i32Load8S: op = .i32Load8S(operand)
        case .i32Load8U: op = .i32Load8U(operand)
        case .i32Load16S: op = .i32Load16S(operand)
        case .i32Load16U: op = .i32Load16U(operand)
        case .i64Load8S: op = .i64Load8S(operand)
        case .i64Load8U: op = .i64Load8U(operand)
        case .i64Load16S: op = .i64Load16S(operand)
        case .i64Load16U: op = .i64Load16U(operand)
        case .i64Load32S: op = .i64Load32S(operand)
        case .i64Load32U: op = .i64Load32U(operand)
        case .v128Load: op = .v128Load(operand)
        default: op = .v128LoadPartial(access: memoryAccess(operand, opcode))
        }
        switch opcode.packedSignature?.result {
        case .i64?: push(.i64)
        case .f32?: push(.f32)
        case .f64?: push(.f64)
        case .v128?: push(.v128)
        default: push(.i32)
        }
        if !fuseAddress(into: op, target) { emit(op) }
        emitted(result: target.slot)
    }

    /// Folds the `i32.add` (or `i32.shl` by a constant and `i32.add`) just emitted into memory op `op` when that
    /// sum is `op`'s address and nothing else reads it (`target`, the address operand, was its temporary).
    /// Returns whether it did.
    /// Folds the `i32.add` just emitted into store `op` if it computed the stored value (a temporary, which the
    /// store is the only reader of); whether it did.
    mutating func fuseValue(into op: Op, _ value: Operand) -> Bool {
        guard case .store32(let o) = op, o.memory == 0, value.source == .own, let last = lastResult,
              last.index == code.count - 1, last.slot == value.slot, case .i32Add(let a, let b, _) = code[last.index]
        else { return false }
        code[last.index] = .store32Sum(StoredSum(address: o.address, lhs: a, rhs: b, offset: o.offset))
        lastResult = nil
        return true
    }

    mutating func fuseAddress(into op: Op, _ target: Operand) -> Bool {
        guard target.source == .own, let last = lastResult, last.index == code.count - 1, last.slot == target.slot
        else { return false }
        let (base, index, shift): (Slot, Slot, UInt64?)
        switch code[last.index] {
        case .i32Add(let a, let b, _): (base, index, shift) = (a, b, 0)
        case .i32ShlAdd(let a, let b, let c, _): (base, index, shift) = (c, a, constant(in: b).map { $0 & 31 })
        default: return false
        }
        // Memory 0 with 32-bit addresses, an address read from the sum's slot, no separate offset op.
        guard let shift, let (operand, indexedOp) = Self.indexedForm(of: op, shift: shift),
              operand.memory == 0, operand.address == target.slot else { return false }
        code[last.index] = indexedOp(IndexedAccess(base: base, index: index, value: operand.value, offset: operand.offset))
        lastResult = nil
        return true
    }

    /// The operand of memory op `op` and the op that makes the same access at an indexed address whose index is
    /// shifted left by `shift`, if there is one.
    static func indexedForm(of op: Op, shift: UInt64) -> (MemoryOperand, (IndexedAccess) -> Op)? {
        switch (op, shift) {
        case (.i32Load(let o), 0), (.f32Load(let o), 0): (o, Op.i32LoadIndexed)
        case (.i64Load(let o), 0), (.f64Load(let o), 0): (o, Op.i64LoadIndexed)
        case (.i32Load8S(let o), 0): (o, Op.i32Load8SIndexed)
        case (.i32Load8U(let o), 0): (o, Op.i32Load8UIndexed)
        case (.i32Load16S(let o), 0): (o, Op.i32Load16SIndexed)
        case (.i32Load16U(let o), 0): (o, Op.i32Load16UIndexed)
        case (.store8(let o), 0): (o, Op.store8Indexed)
        case (.store16(let o), 0): (o, Op.store16Indexed)
        case (.store32(let o), 0): (o, Op.store32Indexed)
        case (.store64(let o), 0): (o, Op.store64Indexed)
        case (.i32Load(let o), 2), (.f32Load(let o), 2): (o, Op.i32LoadScaled)
        case (.i64Load(let o), 3), (.f64Load(let o), 3): (o, Op.i64LoadScaled)
        case (.store32(let o), 2): (o, Op.store32Scaled)
        case (.store64(let o), 3): (o, Op.store64Scaled)
        default: nil
        }
    }

    /// The operand of an access through `argument` to the address in slot `address`. An offset too large for
    /// the operand (memory64) is added to the address by an op first, into `scratch`.
    mutating func memoryOperand(address: Slot, value: Slot, _ argument: MemoryArgument, scratch: Slot)
        -> MemoryOperand
    {
        let wide = instance.memories[Int(argument.memory)].type.limits.addressType == .i64
        guard let offset = UInt32(exactly: argument.offset) else {
            emit(.addressOffset(offset: argument.offset, address: address, result: scratch))
            return MemoryOperand(address: scratch, value: value, offset: 0, memory: argument.memory, wide: wide)
        }
        return MemoryOperand(address: address, value: value, offset: offset, memory: argument.memory, wide: wide)
    }

    /// Registers an access in `memoryAccesses`; returns its index.
    mutating func memoryAccess(_ operand: MemoryOperand, _ opcode: Opcode, lane: UInt8 = 0) -> UInt32 {
        memoryAccesses.append(MemoryAccess(operand: operand, opcode: opcode, lane: lane))
        return UInt32(memoryAccesses.count - 1)
    }
}
