/// Typing of each instruction (<https://webassembly.github.io/spec/core/valid/instructions.html>).
extension FunctionValidator {
    mutating func validate(_ instruction: Instruction) throws(ValidationError) {
        let opcode = instruction.opcode
        switch (opcode, instruction.immediate) {
        // MARK: Control
        case (.unreachable, _):
            markUnreachable()
        case (.block, .block(let bt)), (.loop, .block(let bt)):
            let type = try context.blockType(bt)
            try pop(type.parameters)
            pushFrame(opcode == .block ? .block : .loop, type)
        case (.if, .block(let bt)):
            let type = try context.blockType(bt)
            try pop(.i32)
            try pop(type.parameters)
            pushFrame(.if, type)
        case (.else, _):
            let frame = try popFrame()
            guard frame.kind == .if else { throw ValidationError.typeMismatch }
            pushFrame(.else, FunctionType(parameters: frame.startTypes, results: frame.endTypes))
        case (.end, _):
            let frame = try popFrame()
            if frame.kind == .if && !context.types.isSubtype(frame.startTypes, frame.endTypes) {
                throw ValidationError.typeMismatch
            }
            if !frames.isEmpty { push(frame.endTypes) }
        case (.tryTable, .tryTable(let bt, let list)):
            let type = try context.blockType(bt)
            for clause in try reread({ reader throws(DecodeError) in try reader.catchClauses(list) }) {
                try checkCatch(clause)
            }
            try pop(type.parameters)
            pushFrame(.tryTable, type)
        case (.throw, .index(let tag)):
            try pop(try tagType(tag).parameters)
            markUnreachable()
        case (.throwRef, _):
            try pop(.exnref)
            markUnreachable()
        case (.br, .index(let depth)):
            try pop(try label(depth).labelTypes)
            markUnreachable()
        case (.brIf, .index(let depth)):
            try pop(.i32)
            let types = try label(depth).labelTypes
            try pop(types)
            push(types)
        case (.brTable, .branchTable(let list, let defaultLabel)):
            let labels = try reread { reader throws(DecodeError) in try reader.labels(list) }
            try pop(.i32)
            let arity = try label(defaultLabel).labelTypes.count
            for depth in labels {
                let types = try label(depth).labelTypes
                guard types.count == arity else { throw ValidationError.typeMismatch }
                let popped = try popReturning(types)
                for t in popped { push(t) }
            }
            try pop(try label(defaultLabel).labelTypes)
            markUnreachable()
        case (.return, _):
            try pop(type.results)
            markUnreachable()
        case (.call, .index(let f)):
            let callee = try functionType(ofFunction: f)
            try pop(callee.parameters)
            push(callee.results)
        case (.callIndirect, .indexPair(let t, let tableIndex)):
            let table = try table(tableIndex)
            guard context.types.isSubtype(table.elementType, .funcref) else { throw ValidationError.typeMismatch }
            let callee = try context.functionType(t)
            try pop(table.limits.addressType.valueType)
            try pop(callee.parameters)
            push(callee.results)
        case (.returnCall, .index(let f)):
            try checkTailCall(try functionType(ofFunction: f))
        case (.returnCallIndirect, .indexPair(let t, let tableIndex)):
            let table = try table(tableIndex)
            guard context.types.isSubtype(table.elementType, .funcref) else { throw ValidationError.typeMismatch }
            let callee = try context.functionType(t)
            try pop(table.limits.addressType.valueType)
            try checkTailCall(callee)
        case (.callRef, .index(let t)):
            let callee = try context.functionType(t)
            try pop(.ref(ReferenceType(isNullable: true, heapType: .concrete(t))))
            try pop(callee.parameters)
            push(callee.results)
        case (.returnCallRef, .index(let t)):
            let callee = try context.functionType(t)
            try pop(.ref(ReferenceType(isNullable: true, heapType: .concrete(t))))
            try checkTailCall(callee)

        // MARK: References
        case (.refNull, .heapType(let h)):
            try context.checkHeapType(h)
            push(.ref(ReferenceType(isNullable: true, heapType: h)))
        case (.refIsNull, _):
            _ = try popReference()
            push(.i32)
        case (.refFunc, .index(let f)):
            guard Int(f) < context.functions.count else { throw ValidationError.unknown("function", f) }
            guard context.declaredFunctions.contains(f) else { throw ValidationError("undeclared function reference") }
            push(.ref(ReferenceType(isNullable: false, heapType: .concrete(context.functions[Int(f)]))))
        case (.refAsNonNull, _):
            let r = try popReference()
            push(r.map { .ref(ReferenceType(isNullable: false, heapType: $0.heapType)) })
        case (.brOnNull, .index(let depth)):
            let r = try popReference()
            let types = try label(depth).labelTypes
            try pop(types)
            push(types)
            push(r.map { .ref(ReferenceType(isNullable: false, heapType: $0.heapType)) })
        case (.brOnNonNull, .index(let depth)):
            var types = try label(depth).labelTypes
            guard case .ref(let target)? = types.popLast() else { throw ValidationError.typeMismatch }
            let r = try popReference()
            if let r, !context.types.isSubtype(ReferenceType(isNullable: false, heapType: r.heapType), target) {
                throw ValidationError.typeMismatch
            }
            try pop(types)
            push(types)

        // MARK: Parametric
        case (.drop, _):
            _ = try pop()
        case (.select, _):
            try pop(.i32)
            let t1 = try pop()
            let t2 = try pop()
            if t1?.isReference == true || t2?.isReference == true { throw ValidationError.typeMismatch }
            if let t1, let t2, t1 != t2 { throw ValidationError.typeMismatch }
            push(t1 ?? t2)
        case (.selectTyped, .valueTypes(let list)):
            guard list.count == 1 else { throw ValidationError("invalid result arity") }
            let types = try reread { reader throws(DecodeError) in try reader.valueTypes(list) }
            try context.checkValueType(types[0])
            try pop(.i32)
            try pop(types[0])
            try pop(types[0])
            push(types[0])

        // MARK: Variables
        case (.localGet, .index(let i)):
            guard Int(i) < locals.count else { throw ValidationError.unknown("local", i) }
            guard initialized[Int(i)] else { throw ValidationError("uninitialized local \(i)") }
            push(locals[Int(i)])
        case (.localSet, .index(let i)), (.localTee, .index(let i)):
            guard Int(i) < locals.count else { throw ValidationError.unknown("local", i) }
            try pop(locals[Int(i)])
            if !initialized[Int(i)] {
                initialized[Int(i)] = true
                initializationLog.append(i)
            }
            if opcode == .localTee { push(locals[Int(i)]) }
        case (.globalGet, .index(let g)):
            push(try global(g).valueType)
        case (.globalSet, .index(let g)):
            let type = try global(g)
            guard type.isMutable else { throw ValidationError("immutable global") }
            try pop(type.valueType)

        // MARK: Tables
        case (.tableGet, .index(let t)):
            let table = try table(t)
            try pop(table.limits.addressType.valueType)
            push(.ref(table.elementType))
        case (.tableSet, .index(let t)):
            let table = try table(t)
            try pop(.ref(table.elementType))
            try pop(table.limits.addressType.valueType)
        case (.tableSize, .index(let t)):
            push(try table(t).limits.addressType.valueType)
        case (.tableGrow, .index(let t)):
            let table = try table(t)
            try pop(table.limits.addressType.valueType)
            try pop(.ref(table.elementType))
            push(table.limits.addressType.valueType)
        case (.tableFill, .index(let t)):
            let table = try table(t)
            try pop(table.limits.addressType.valueType)
            try pop(.ref(table.elementType))
            try pop(table.limits.addressType.valueType)
        case (.tableCopy, .indexPair(let d, let s)):
            let destination = try table(d)
            let source = try table(s)
            guard context.types.isSubtype(source.elementType, destination.elementType) else {
                throw ValidationError.typeMismatch
            }
            let sizeType: ValueType = source.limits.addressType == .i64 && destination.limits.addressType == .i64 ? .i64 : .i32
            try pop(sizeType)
            try pop(source.limits.addressType.valueType)
            try pop(destination.limits.addressType.valueType)
        case (.tableInit, .indexPair(let e, let t)):
            let table = try table(t)
            let element = try elementType(e)
            guard context.types.isSubtype(element, table.elementType) else { throw ValidationError.typeMismatch }
            try pop(.i32)
            try pop(.i32)
            try pop(table.limits.addressType.valueType)
        case (.elemDrop, .index(let e)):
            _ = try elementType(e)

        // MARK: Memory
        case (.memoryCopy, .indexPair(let d, let s)):
            let destination = try memory(d).limits.addressType
            let source = try memory(s).limits.addressType
            try pop(source == .i64 && destination == .i64 ? .i64 : .i32)
            try pop(source.valueType)
            try pop(destination.valueType)
        case (.memoryInit, .indexPair(let d, let m)):
            let address = try memory(m).limits.addressType.valueType
            try checkData(d)
            try pop(.i32)
            try pop(.i32)
            try pop(address)
        case (.dataDrop, .index(let d)):
            try checkData(d)

        default:
            try validateBySignature(instruction)
        }
    }

    /// A list immediate read again from the module's bytes (`EncodedList`); the decoder read it first, so this
    /// does not fail.
    private func reread<T>(_ read: (ByteReader) throws(DecodeError) -> T) throws(ValidationError) -> T {
        do { return try read(reader) } catch { throw ValidationError("\(error)") }
    }

    /// Instructions typed by their row in the opcode table: numeric, vector, memory access and atomics.
    private mutating func validateBySignature(_ instruction: Instruction) throws(ValidationError) {
        guard let signature = instruction.opcode.packedSignature else {
            // Only reachable if the opcode table and the rules above disagree.
            throw ValidationError("no typing rule for \(instruction.opcode.mnemonic)")
        }
        var address = ValueType.i32
        switch instruction.immediate {
        case .memory(let argument):
            address = try checkMemoryArgument(argument, instruction.opcode)
        case .memoryLane(let argument, let lane):
            address = try checkMemoryArgument(argument, instruction.opcode)
            guard lane < 16 >> (instruction.opcode.naturalAlignment ?? 0) else {
                throw ValidationError("invalid lane index")
            }
        case .index(let m) where instruction.opcode.immediates == .memory:
            address = try memory(m).limits.addressType.valueType
        case .lane(let lane):
            guard lane < laneCount(instruction.opcode) else { throw ValidationError("invalid lane index") }
        case .v128(let lanes) where instruction.opcode == .i8x16Shuffle:
            for i in 0..<16 where lanes[byte: i] >= 32 { throw ValidationError("invalid lane index") }
        default:
            break
        }
        var index = signature.parameterCount
        while index > 0 {
            index -= 1
            try pop(signature.parameter(index).valueType(address: address))
        }
        if let result = signature.result { push(result.valueType(address: address)) }
    }

    /// Checks a memarg and returns the address type of its memory.
    private func checkMemoryArgument(_ argument: MemoryArgument, _ opcode: Opcode) throws(ValidationError) -> ValueType {
        let memory = try memory(argument.memory)
        let natural = UInt32(opcode.naturalAlignment ?? 0)
        if opcode.feature == .threads {
            guard argument.alignment == natural else { throw ValidationError("alignment must be exactly natural") }
        } else {
            guard argument.alignment <= natural else {
                throw ValidationError("alignment must not be larger than natural")
            }
        }
        if memory.limits.addressType == .i32 && argument.offset > UInt64(UInt32.max) {
            throw ValidationError("offset out of range")
        }
        return memory.limits.addressType.valueType
    }

    /// Number of lanes of the vector shape that an extract or replace lane instruction names.
    private func laneCount(_ opcode: Opcode) -> UInt8 {
        switch opcode.mnemonic.prefix(5) {
        case "i8x16": 16
        case "i16x8": 8
        case "i32x4", "f32x4": 4
        default: 2
        }
    }

    private mutating func checkTailCall(_ callee: FunctionType) throws(ValidationError) {
        guard context.types.isSubtype(callee.results, type.results) else { throw ValidationError.typeMismatch }
        try pop(callee.parameters)
        markUnreachable()
    }

    private func checkCatch(_ clause: CatchClause) throws(ValidationError) {
        let exnref = ValueType.ref(ReferenceType(isNullable: false, heapType: .abstract(.exn)))
        let values: [ValueType]
        switch clause {
        case .catch(let tag, _): values = try tagType(tag).parameters
        case .catchRef(let tag, _): values = try tagType(tag).parameters + [exnref]
        case .catchAll: values = []
        case .catchAllRef: values = [exnref]
        }
        guard context.types.isSubtype(values, try label(clause.label).labelTypes) else {
            throw ValidationError.typeMismatch
        }
    }
}
