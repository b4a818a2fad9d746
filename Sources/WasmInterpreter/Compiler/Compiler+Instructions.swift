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
            emit(.tableGet(table: t, base: index))
        case (.tableSet, .index(let t)):
            emit(.tableSet(table: t, base: base(ofTop: 2)))
            pop(2)
        case (.tableSize, .index(let t)):
            push(instance.tables[Int(t)].type.limits.addressType.valueType)
            emit(.tableSize(table: t, result: stack[stack.count - 1].slot))
        case (.tableGrow, .index(let t)):
            let base = base(ofTop: 2)
            pop(2)
            push(instance.tables[Int(t)].type.limits.addressType.valueType)
            emit(.tableGrow(table: t, base: base))
        case (.tableFill, .index(let t)):
            emit(.tableFill(table: t, base: base(ofTop: 3)))
            pop(3)
        case (.tableCopy, .indexPair(let d, let s)):
            emit(.tableCopy(destination: d, source: s, base: base(ofTop: 3)))
            pop(3)
        case (.tableInit, .indexPair(let e, let t)):
            emit(.tableInit(element: e, table: t, base: base(ofTop: 3)))
            pop(3)
        case (.elemDrop, .index(let e)):
            emit(.elementDrop(e))

        // MARK: Memory management
        case (.memorySize, .index(let m)):
            push(instance.memories[Int(m)].type.limits.addressType.valueType)
            emit(.memorySize(memory: m, result: stack[stack.count - 1].slot))
        case (.memoryGrow, .index(let m)):
            emit(.memoryGrow(memory: m, base: stack[stack.count - 1].slot))
        case (.memoryFill, .index(let m)):
            emit(.memoryFill(memory: m, base: base(ofTop: 3)))
            pop(3)
        case (.memoryCopy, .indexPair(let d, let s)):
            emit(.memoryCopy(destination: d, source: s, base: base(ofTop: 3)))
            pop(3)
        case (.memoryInit, .indexPair(let d, let m)):
            emit(.memoryInit(data: d, memory: m, base: base(ofTop: 3)))
            pop(3)
        case (.dataDrop, .index(let d)):
            emit(.dataDrop(d))

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

    /// `op` with its result written to `slot` instead, for ops that compute one value into an explicit slot.
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
        default: withNumericResult(op, slot)
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
        if let result = signature.result {
            switch result {
            case .i32: push(.i32)
            case .i64: push(.i64)
            case .f32: push(.f32)
            case .f64: push(.f64)
            case .v128: push(.v128)
            case .address: push(address)
            }
        }
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
