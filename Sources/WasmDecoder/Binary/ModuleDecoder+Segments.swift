/// The element, data and code sections.
extension ModuleDecoder {
    mutating func decodeElementSection(_ section: inout ByteReader) throws(DecodeError) {
        let count = try readCount(&section, limit: .elementSegments)
        module.elements.reserveCapacity(count)
        for _ in 0..<count {
            let start = section.position
            let flags = try section.readVarUInt32()
            guard flags <= 7 else { throw DecodeError(.malformedSegmentFlags, at: start) }
            let usesExpressions = flags & 0x04 != 0
            var mode: ElementSegment.Mode
            if flags & 0x01 == 0 {
                let table = flags & 0x02 != 0 ? try section.readVarUInt32() : 0
                mode = .active(table: table, offset: try readConstantExpression(&section))
            } else {
                mode = flags & 0x02 != 0 ? .declarative : .passive
            }
            // Function indices make elements of type (ref func); expressions default to funcref.
            var type = usesExpressions ? ReferenceType.funcref : ReferenceType(isNullable: false, heapType: .abstract(.func))
            if flags & 0x03 != 0 {
                if usesExpressions {
                    type = try section.readReferenceType()
                } else {
                    let kindOffset = section.position
                    guard try section.readByte() == 0 else { throw DecodeError(.malformedElementKind, at: kindOffset) }
                }
            }
            let items: ElementSegment.Items
            if usesExpressions {
                items = .expressions(try readVector(&section, limit: .segmentElements) {
                    (r: inout ByteReader) throws(DecodeError) in
                    try readConstantExpression(&r)
                })
            } else {
                items = .functions(try readVector(&section, limit: .segmentElements) {
                    (r: inout ByteReader) throws(DecodeError) in
                    try r.readVarUInt32()
                })
            }
            module.elements.append(ElementSegment(type: type, mode: mode, items: items, offset: start))
        }
    }

    mutating func decodeDataSection(_ section: inout ByteReader) throws(DecodeError) {
        let count = try readCount(&section, limit: .dataSegments)
        module.data.reserveCapacity(count)
        for _ in 0..<count {
            let start = section.position
            let mode: DataSegment.Mode
            switch try section.readVarUInt32() {
            case 0: mode = .active(memory: 0, offset: try readConstantExpression(&section))
            case 1: mode = .passive
            case 2:
                let memory = try section.readVarUInt32()
                mode = .active(memory: memory, offset: try readConstantExpression(&section))
            default: throw DecodeError(.malformedSegmentFlags, at: start)
            }
            let length = Int(try section.readVarUInt32())
            module.data.append(DataSegment(mode: mode, bytes: try section.readBytes(length)))
        }
    }

    mutating func decodeCodeSection(_ section: inout ByteReader) throws(DecodeError) {
        let count = try readCount(&section, limit: .functions)
        module.bodies.reserveCapacity(count)
        if let features = validation?.features {
            // Every section a body refers to comes before this one.
            var validator = ModuleValidator(module: module, features: features)
            if (try? validator.checkModule()) != nil { validation?.validator = validator }
            validation?.heights.reserveCapacity(count)
        }
        for index in 0..<count {
            let start = section.position
            let size = Int(try section.readVarUInt32())
            try limits.check(.functionBodySize, size, at: start)
            var body = try section.subReader(length: size)
            module.bodies.append(try decodeBody(&body, parameterCount: parameterCount(ofFunction: index), index: index))
            try body.checkRegionEnd()
        }
    }

    /// The number of parameters of the defined function `index`, or 0 if its type is unknown (which validation
    /// reports).
    private func parameterCount(ofFunction index: Int) -> Int {
        guard index < module.functionTypeIndices.count else { return 0 }
        let typeIndex = Int(module.functionTypeIndices[index])
        return typeIndex < module.types.count ? module.types[typeIndex].functionType.parameters.count : 0
    }

    /// Decodes locals and checks that the instructions are well-formed and properly nested.
    ///
    /// The locals are counted with the function's parameters against the `locals` limit group by group, before
    /// any is expanded, so a body declaring 2^32-1 of them costs nothing.
    private mutating func decodeBody(_ body: inout ByteReader, parameterCount: Int, index: Int) throws(DecodeError)
        -> FunctionBody
    {
        let groupCount = try body.readCount(minimumElementSize: 2)
        var groups: [FunctionBody.LocalGroup] = []
        groups.reserveCapacity(groupCount)
        var declared = 0
        for _ in 0..<groupCount {
            let start = body.position
            let count = try body.readVarUInt32()
            // `declared` is at most 2^32-1 before each addition, so neither sum can overflow.
            declared += Int(count)
            try limits.check(.locals, parameterCount + declared, at: start)
            guard declared <= Int(UInt32.max) else { throw DecodeError(.tooManyLocals, at: start) }
            groups.append(FunctionBody.LocalGroup(count: count, type: try body.readValueType()))
        }
        let codeStart = body.position
        // The body's validator, when validating while decoding (and no body before was invalid). A body beyond the
        // function section's count is the decoder's error, at the end.
        var validator: FunctionValidator?
        if let module = validation?.validator, validation?.error == nil, index < self.module.functionTypeIndices.count {
            let locals = FunctionBody(localGroups: groups, localCount: declared, code: codeStart..<codeStart)
            do {
                validator = try module.functionValidator(forBody: index, locals)
                validator?.begin()
            } catch {
                validation?.error = error
            }
        }
        // Each open block; `true` for an `if` still waiting for its `else`.
        var openIfs: [Bool] = [false]
        while !openIfs.isEmpty {
            let offset = body.position
            let instruction = try body.readInstruction(branchTargetLimit: limits.branchTableTargets)
            switch instruction.opcode {
            case .block, .loop, .tryTable: openIfs.append(false)
            case .if: openIfs.append(true)
            case .else:
                guard openIfs[openIfs.count - 1] else { throw DecodeError(.endOpcodeExpected, at: offset) }
                openIfs[openIfs.count - 1] = false
            case .end: openIfs.removeLast()
            case .memoryInit, .dataDrop: codeUsesDataCount = true
            default: break
            }
            // The instruction is well-formed (a decode error comes first): type it.
            if validator != nil {
                do {
                    try validator?.step(instruction, at: offset)
                } catch {
                    validation?.error = error
                    validator = nil
                }
            }
        }
        if let validator {
            // The decoder and the validator track the same nesting, so both are at the body's last `end`.
            if validator.isComplete {
                validation?.heights.append(validator.maxHeight)
            } else {
                validation?.error = ValidationError("unexpected end of function", function: validator.function,
                                                    offset: body.position)
            }
        }
        return FunctionBody(localGroups: groups, localCount: declared, code: codeStart..<body.position)
    }
}
