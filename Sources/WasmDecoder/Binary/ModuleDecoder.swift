/// Decodes the binary format (<https://webassembly.github.io/spec/core/binary/modules.html>) into a `Module`.
///
/// Decoding checks everything the spec calls "malformed": structure, section order and sizes, LEB128 ranges,
/// UTF-8 names and the nesting of every function body. Typing is left to `ModuleValidator`.
public struct ModuleDecoder: Sendable {
    var reader: ByteReader
    var module: Module
    let limits: ImplementationLimits
    /// Whether some function body uses `memory.init` or `data.drop`, which need a data count section.
    var codeUsesDataCount = false
    /// The validation of the bodies as they are decoded (`decodeValidating`); `nil` when only decoding.
    var validation: BodyValidation?
    /// From how many bytes of code on the bodies are read in parallel (`decodeBodies`).
    var parallelBodyBytes = 1 << 20

    /// What `decodeValidating` learns about the bodies while it decodes them.
    struct BodyValidation: Sendable {
        let features: WasmFeatures
        /// The validator of the module as far as the code section, once that is reached, if everything before
        /// validates (otherwise the bodies are not validated: the module's own error comes first anyway).
        var validator: ModuleValidator?
        /// The maximum operand height of each body validated so far.
        var heights: [Int] = []
        /// The first invalid body's error; no body after it is validated.
        var error: ValidationError?
    }

    /// Decodes a module.
    /// - Parameters:
    ///   - bytes: The binary module.
    ///   - limits: The most the module may declare; checked before anything is allocated for it.
    /// - Throws: `DecodeError` with the spec's message and the absolute offset of the problem.
    public static func decode(_ bytes: [UInt8], limits: ImplementationLimits = .default) throws(DecodeError) -> Module {
        try limits.check(.moduleSize, bytes.count, at: min(bytes.count, limits.moduleSize))
        var decoder = ModuleDecoder(reader: ByteReader(bytes: bytes), module: Module(bytes: bytes), limits: limits)
        try decoder.decodeModule()
        return decoder.module
    }

    /// Decodes and validates `bytes` reading each body once: a body is validated as it is decoded. The outcome is
    /// that of `ModuleValidator.validate(decode(bytes))`: a decode error anywhere comes first, then the first error
    /// of the module outside the bodies, then that of the first invalid body.
    /// - Parameter parallelBodyBytes: from how many bytes of code on the bodies are read in parallel (tests ask
    ///   for 0, so that small modules take that path too).
    static func decodeValidating(_ bytes: [UInt8], features: WasmFeatures, limits: ImplementationLimits,
                                 parallelBodyBytes: Int = 1 << 20) throws -> ValidatedModule {
        try limits.check(.moduleSize, bytes.count, at: min(bytes.count, limits.moduleSize))
        var decoder = ModuleDecoder(reader: ByteReader(bytes: bytes), module: Module(bytes: bytes), limits: limits)
        decoder.validation = BodyValidation(features: features)
        decoder.parallelBodyBytes = parallelBodyBytes
        try decoder.decodeModule()
        let module = decoder.module
        // Everything but the bodies, checked on the whole module in the usual order.
        let validator = ModuleValidator(module: module, features: features)
        try validator.checkModule()
        guard let validation = decoder.validation else { return try ModuleValidator.validate(module, features: features) }
        if let error = validation.error { throw error }
        guard validation.heights.count == module.bodies.count else {
            // The part before the code section did not validate then, but the whole module does: cannot happen (the
            // checks that failed are the same), but if it did, validate the bodies the usual way.
            return try ModuleValidator.validate(module, features: features)
        }
        return ValidatedModule(module: module, maxOperandHeights: validation.heights)
    }

    /// Section ids in the order the spec requires them (custom sections, id 0, may appear anywhere).
    private static let sectionOrder: [UInt8] = [1, 2, 3, 4, 5, 13, 6, 7, 8, 9, 12, 10, 11]

    private mutating func decodeModule() throws(DecodeError) {
        guard try reader.readFixed(byteCount: 4) == 0x6D73_6100 else {
            throw DecodeError(.magicHeaderNotDetected, at: 0)
        }
        guard try reader.readFixed(byteCount: 4) == 1 else { throw DecodeError(.unknownBinaryVersion, at: 4) }

        var lastRank = -1
        while !reader.isAtEnd {
            let sectionStart = reader.position
            let id = try reader.readByte()
            let size = Int(try reader.readVarUInt32())
            var section = try reader.subReader(length: size)
            if id != 0 {
                guard let rank = Self.sectionOrder.firstIndex(of: id) else {
                    throw DecodeError(.malformedSectionID, at: sectionStart)
                }
                guard rank > lastRank else {
                    throw DecodeError(.unexpectedContentAfterLastSection, at: sectionStart)
                }
                lastRank = rank
            }
            switch id {
            case 0: try decodeCustomSection(&section)
            case 1: try decodeTypeSection(&section)
            case 2: try decodeImportSection(&section)
            case 3: try decodeFunctionSection(&section)
            case 4: try decodeTableSection(&section)
            case 5: try decodeMemorySection(&section)
            case 6: try decodeGlobalSection(&section)
            case 7: try decodeExportSection(&section)
            case 8: module.start = try section.readVarUInt32()
            case 9: try decodeElementSection(&section)
            case 10: try decodeCodeSection(&section)
            case 11: try decodeDataSection(&section)
            case 12: module.dataCount = try section.readVarUInt32()
            case 13: try decodeTagSection(&section)
            default: throw DecodeError(.malformedSectionID, at: sectionStart)
            }
            try section.checkRegionEnd()
        }
        if module.bodies.count != module.functionTypeIndices.count {
            throw DecodeError(.functionAndCodeLengthsDiffer, at: reader.position)
        }
        if let count = module.dataCount, Int(count) != module.data.count {
            throw DecodeError(.dataCountAndDataLengthsDiffer, at: reader.position)
        }
        // The reference interpreter demands the data count section only when there are data segments;
        // without any, a data index in code is left to validation ("unknown data segment").
        if module.dataCount == nil && codeUsesDataCount && !module.data.isEmpty {
            throw DecodeError(.dataCountRequired, at: reader.position)
        }
    }

    /// Reads a vector, checking its count against the bytes left, and against `limit` if given, before allocating.
    func readVector<T>(
        _ section: inout ByteReader, minimumElementSize: Int = 1, limit: ImplementationLimit? = nil,
        _ element: (inout ByteReader) throws(DecodeError) -> T
    ) throws(DecodeError) -> [T] {
        let count = try readCount(&section, minimumElementSize: minimumElementSize, limit: limit)
        var items: [T] = []
        items.reserveCapacity(count)
        for _ in 0..<count { items.append(try element(&section)) }
        return items
    }

    /// Reads a vector length that must be within `limit`, if given, plus `alreadyCounted` (imported entities), and
    /// fit in the bytes left. The limit is checked first, so it is the error a hostile count meets.
    func readCount(
        _ section: inout ByteReader, minimumElementSize: Int = 1, limit: ImplementationLimit?, alreadyCounted: Int = 0
    ) throws(DecodeError) -> Int {
        let start = section.position
        let count = Int(try section.readVarUInt32())
        if let limit { try limits.check(limit, alreadyCounted + count, at: start) }
        try section.checkRemaining(count, minimumElementSize: minimumElementSize, countOffset: start)
        return count
    }

    /// Reads a constant expression up to and including its `end`.
    func readConstantExpression(_ section: inout ByteReader) throws(DecodeError) -> ConstantExpression {
        let start = section.position
        var instructions: [Instruction] = []
        var depth = 0
        while true {
            let instruction = try section.readInstruction(branchTargetLimit: limits.branchTableTargets)
            switch instruction.opcode {
            case .block, .loop, .if, .tryTable: depth += 1
            case .end:
                if depth == 0 { return ConstantExpression(instructions: instructions, offset: start) }
                depth -= 1
            default: break
            }
            instructions.append(instruction)
        }
    }
}
