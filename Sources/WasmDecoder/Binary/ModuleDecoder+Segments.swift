import Dispatch

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
            let validator = ModuleValidator(module: module, features: features)
            if (try? validator.checkModule()) != nil { validation?.validator = validator }
            validation?.heights.reserveCapacity(count)
        }
        // The bodies' extents first, then each body on its own: in parallel when there is much code. A bad extent
        // is reported after a decode error of a body before it, as reading them in turn would.
        var regions: [ByteReader] = []
        regions.reserveCapacity(count)
        var extentError: DecodeError?
        for _ in 0..<count {
            do throws(DecodeError) {
                let start = section.position
                let size = Int(try section.readVarUInt32())
                try limits.check(.functionBodySize, size, at: start)
                regions.append(try section.subReader(length: size))
            } catch {
                extentError = error
                break
            }
        }
        for result in decodeBodies(regions) {
            let decoded = try result.get()
            module.bodies.append(decoded.body)
            if decoded.usesDataCount { codeUsesDataCount = true }
            // The first invalid body's error; no height after it counts.
            guard validation?.error == nil else { continue }
            if let error = decoded.error {
                validation?.error = error
            } else if let height = decoded.height {
                validation?.heights.append(height)
            }
        }
        if let extentError { throw extentError }
    }

    /// A body as `decodeBody` read it.
    struct DecodedBody {
        var body: FunctionBody
        /// Whether it uses `memory.init` or `data.drop`.
        var usesDataCount = false
        /// Its maximum operand height, if it was validated and is valid.
        var height: Int?
        /// Why it is invalid, if it was validated and is not.
        var error: ValidationError?
    }

    /// Decodes (and validates, when `decodeValidating` asks) the bodies in `regions`, defined functions 0 on, each
    /// to its result. With at least `parallelBodyBytes` of code, chunks of bodies go to the host's cores: a body's
    /// reading depends only on the sections before the code section.
    func decodeBodies(_ regions: [ByteReader]) -> [Result<DecodedBody, DecodeError>] {
        @Sendable func decode(_ index: Int) -> Result<DecodedBody, DecodeError> {
            Result { () throws(DecodeError) -> DecodedBody in
                var body = regions[index]
                let decoded = try decodeBody(&body, index: index)
                try body.checkRegionEnd()
                return decoded
            }
        }
        let bytes = regions.reduce(0) { $0 + ($1.regionEnd - $1.position) }
        guard bytes >= parallelBodyBytes, regions.count > 1 else { return regions.indices.map(decode) }
        // Each chunk writes only the results of its own bodies.
        nonisolated(unsafe) let results = UnsafeMutablePointer<Result<DecodedBody, DecodeError>>.allocate(
            capacity: regions.count)
        defer { results.deallocate() }
        // Enough chunks to even out bodies of different sizes.
        let chunks = min(regions.count, 256)
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            for index in stride(from: chunk, to: regions.count, by: chunks) {
                (results + index).initialize(to: decode(index))
            }
        }
        return regions.indices.map { (results + $0).move() }
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
    private func decodeBody(_ body: inout ByteReader, index: Int) throws(DecodeError) -> DecodedBody {
        let parameterCount = parameterCount(ofFunction: index)
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
        // The body's validator, when validating while decoding. A body beyond the function section's count is the
        // decoder's error, at the end.
        var validator: FunctionValidator?
        let locals = FunctionBody(localGroups: groups, localCount: declared, code: codeStart..<codeStart)
        var decoded = DecodedBody(body: locals)
        if let module = validation?.validator, index < self.module.functionTypeIndices.count {
            do {
                validator = try module.functionValidator(forBody: index, decoded.body)
                validator?.begin()
            } catch {
                decoded.error = error
            }
        }
        // Each open block; `true` for an `if` still waiting for its `else`.
        var openIfs: [Bool] = [false]
        var usesDataCount = false
        /// Reads the next instruction, at `offset`, and tracks the nesting.
        func next(at offset: Int) throws(DecodeError) -> Instruction {
            let instruction = try body.readInstruction(branchTargetLimit: limits.branchTableTargets)
            switch instruction.opcode {
            case .block, .loop, .tryTable: openIfs.append(false)
            case .if: openIfs.append(true)
            case .else:
                guard openIfs[openIfs.count - 1] else { throw DecodeError(.endOpcodeExpected, at: offset) }
                openIfs[openIfs.count - 1] = false
            case .end: openIfs.removeLast()
            case .memoryInit, .dataDrop: usesDataCount = true
            default: break
            }
            return instruction
        }
        // Two loops, so that the validator is a plain local in the one that validates (not an optional that each
        // step would test and unwrap). An instruction is well-formed before it is typed: a decode error comes
        // first.
        if var validator {
            var valid = true
            while !openIfs.isEmpty {
                if valid && validator.acceptCommon(&body) { continue }
                let offset = body.position
                let instruction = try next(at: offset)
                guard valid else { continue }
                do {
                    try validator.step(instruction, at: offset)
                } catch {
                    decoded.error = error
                    valid = false
                }
            }
            // The decoder and the validator track the same nesting, so both are at the body's last `end`.
            if valid && validator.isComplete {
                decoded.height = validator.maxHeight
            } else if valid {
                decoded.error = ValidationError("unexpected end of function", function: validator.function,
                                                offset: body.position)
            }
        } else {
            while !openIfs.isEmpty { _ = try next(at: body.position) }
        }
        decoded.usesDataCount = usesDataCount
        decoded.body.code = codeStart..<body.position
        return decoded
    }
}
