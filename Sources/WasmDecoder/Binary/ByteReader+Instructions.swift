/// Decoding of instructions (<https://webassembly.github.io/spec/core/binary/instructions.html>), driven by the
/// generated opcode table.
extension ByteReader {
    /// Reads an opcode, including the LEB128 sub-opcode of prefixed instructions.
    @inline(__always)
    public mutating func readOpcode() throws(DecodeError) -> Opcode {
        let start = position
        let byte = try readByte()
        if let opcode = Opcode.singleByte(byte) { return opcode }
        return try readPrefixedOpcode(byte, at: start)
    }

    /// The rest of `readOpcode`, for a byte that is no opcode by itself: a prefix, or an error.
    @inline(never)
    private mutating func readPrefixedOpcode(_ byte: UInt8, at start: Int) throws(DecodeError) -> Opcode {
        let subOpcode: UInt32?
        switch byte {
        case 0xFB:
            throw DecodeError(.unsupportedFeature("gc"), at: start)
        case 0xFC, 0xFD, 0xFE:
            let sub = try readVarUInt32()
            if let opcode = Opcode.prefixed(byte, sub) { return opcode }
            subOpcode = sub
        default:
            subOpcode = nil
        }
        if let entry = Opcode.unsupportedEncodings.first(where: { $0.byte == byte && $0.subOpcode == subOpcode }) {
            throw DecodeError(.unsupportedFeature(entry.feature), at: start)
        }
        let hex = String(byte, radix: 16)
        throw DecodeError(.illegalOpcode(subOpcode.map { "\(hex) \(String($0, radix: 16))" } ?? hex), at: start)
    }

    /// Reads one instruction: its opcode and immediates.
    /// - Parameter branchTargetLimit: The most targets a `br_table` may have (`ImplementationLimits`).
    public mutating func readInstruction(branchTargetLimit: Int = .max) throws(DecodeError) -> Instruction {
        let opcode = try readOpcode()
        return Instruction(opcode, try readImmediate(opcode.immediates, branchTargetLimit: branchTargetLimit))
    }

    /// Reads the immediates of the given kind.
    /// - Parameter branchTargetLimit: The most targets a `br_table` may have (`ImplementationLimits`).
    public mutating func readImmediate(_ kind: ImmediateKind, branchTargetLimit: Int = .max) throws(DecodeError)
        -> Immediate
    {
        switch kind {
        case .none:
            return .none
        case .block:
            return .block(try readBlockType())
        case .tag, .label, .function, .type, .local, .global, .table, .memory, .data, .element:
            return .index(try readVarUInt32())
        case .callIndirect, .memoryInit, .tableInit, .tableCopy, .memoryCopy:
            let first = try readVarUInt32()
            return .indexPair(first, try readVarUInt32())
        case .brTable:
            let start = position
            let count = Int(try readVarUInt32())
            guard count <= branchTargetLimit else {
                let kind = DecodeError.Kind.limitExceeded(.branchTableTargets, count: count, maximum: branchTargetLimit)
                throw DecodeError(kind, at: start)
            }
            try checkRemaining(count, countOffset: start)
            let labels = EncodedList(offset: position, count: count)
            for _ in 0..<count { _ = try readVarUInt32() }
            return .branchTable(labels, default: try readVarUInt32())
        case .memarg:
            return .memory(try readMemoryArgument())
        case .memargLane:
            let argument = try readMemoryArgument()
            return .memoryLane(argument, lane: try readByte())
        case .lane:
            return .lane(try readByte())
        case .i32:
            return .i32(try readVarInt32())
        case .i64:
            return .i64(try readVarInt64())
        case .f32:
            return .f32(UInt32(try readFixed(byteCount: 4)))
        case .f64:
            return .f64(try readFixed(byteCount: 8))
        case .v128, .shuffle:
            let low = try readFixed(byteCount: 8)
            return .v128(V128(low: low, high: try readFixed(byteCount: 8)))
        case .heapType:
            return .heapType(try readHeapType())
        case .selectTypes:
            let count = try readCount()
            let types = EncodedList(offset: position, count: count)
            for _ in 0..<count { _ = try readValueType() }
            return .valueTypes(types)
        case .tryTable:
            let blockType = try readBlockType()
            let count = try readCount(minimumElementSize: 2)
            let clauses = EncodedList(offset: position, count: count)
            for _ in 0..<count { _ = try readCatchClause() }
            return .tryTable(blockType, clauses)
        case .zeroByte:
            let start = position
            guard try readByte() == 0 else { throw DecodeError(.zeroByteExpected, at: start) }
            return .none
        }
    }

    /// Calls `visit` with the bit pattern of every `i32.const`, `i64.const`, `f32.const` and `f64.const` from here to
    /// the region's end, in order (`i32` and `f32` constants zero-extended), reading nothing else but what it takes
    /// to find the next opcode: the compiler's scan for the constants it gives slots. For bodies that validated; if
    /// the bytes do not decode after all, the scan stops there.
    package func scanConstants(_ visit: (UInt64) -> Void) {
        var reader = self
        let end = min(regionEnd, limit)
        bytes.withUnsafeBufferPointer { bytes in
            var position = reader.position
            /// The LEB128 number at `position`, sign-extended from `bits` if `signed`.
            func leb(signed: Bool, bits: UInt64) -> UInt64? {
                var result: UInt64 = 0
                var shift: UInt64 = 0
                while position < end {
                    let byte = bytes[position]
                    position += 1
                    if shift < 64 { result |= UInt64(byte & 0x7F) << shift }
                    shift += 7
                    if byte & 0x80 == 0 {
                        if signed, shift < 64, byte & 0x40 != 0 { result |= ~0 << shift }
                        return signed && bits == 32 ? UInt64(UInt32(truncatingIfNeeded: result)) : result
                    }
                }
                return nil
            }
            func skipLEB() -> Bool { leb(signed: false, bits: 64) != nil }
            func fixed(_ count: Int) -> UInt64? {
                guard end - position >= count else { return nil }
                var value: UInt64 = 0
                for i in 0..<count { value |= UInt64(bytes[position + i]) << UInt64(8 * i) }
                position += count
                return value
            }
            while position < end {
                let byte = bytes[position]
                position += 1
                let opcode: Opcode
                switch byte {
                case 0x41:
                    guard let value = leb(signed: true, bits: 32) else { return }
                    visit(value)
                    continue
                case 0x42:
                    guard let value = leb(signed: true, bits: 64) else { return }
                    visit(value)
                    continue
                case 0x43:
                    guard let value = fixed(4) else { return }
                    visit(value)
                    continue
                case 0x44:
                    guard let value = fixed(8) else { return }
                    visit(value)
                    continue
                case 0xFC, 0xFD, 0xFE:
                    guard let sub = leb(signed: false, bits: 32), sub <= UInt32.max,
                          let prefixed = Opcode.prefixed(byte, UInt32(sub)) else { return }
                    opcode = prefixed
                default:
                    guard let single = Opcode.singleByte(byte) else { return }
                    opcode = single
                }
                switch opcode.immediates {
                case .none:
                    continue
                case .tag, .label, .function, .type, .local, .global, .table, .memory, .data, .element:
                    guard skipLEB() else { return }
                case .callIndirect, .memoryInit, .tableInit, .tableCopy, .memoryCopy:
                    guard skipLEB(), skipLEB() else { return }
                case .memarg:
                    guard let flags = leb(signed: false, bits: 32), flags & 0x40 == 0 || skipLEB(), skipLEB() else { return }
                case .lane, .zeroByte:
                    guard fixed(1) != nil else { return }
                case .v128, .shuffle:
                    guard fixed(16) != nil else { return }
                default:
                    // Block types, branch tables, typed selects, try_table, heap types and memarg lanes: rare
                    // enough to read the usual way.
                    reader.position = position
                    guard (try? reader.readImmediate(opcode.immediates)) != nil else { return }
                    position = reader.position
                }
            }
        }
    }

    /// Reads a catch clause of `try_table`.
    mutating func readCatchClause() throws(DecodeError) -> CatchClause {
        let start = position
        switch try readByte() {
        case 0: return .catch(tag: try readVarUInt32(), label: try readVarUInt32())
        case 1: return .catchRef(tag: try readVarUInt32(), label: try readVarUInt32())
        case 2: return .catchAll(label: try readVarUInt32())
        case 3: return .catchAllRef(label: try readVarUInt32())
        default: throw DecodeError(.malformedCatchKind, at: start)
        }
    }

    /// The labels of a `br_table` (`Immediate.branchTable`), read from these bytes.
    public func labels(_ list: EncodedList) throws(DecodeError) -> [LabelDepth] {
        try elements(of: list) { reader throws(DecodeError) in try reader.readVarUInt32() }
    }

    /// The result types of a typed `select` (`Immediate.valueTypes`), read from these bytes.
    public func valueTypes(_ list: EncodedList) throws(DecodeError) -> [ValueType] {
        try elements(of: list) { reader throws(DecodeError) in try reader.readValueType() }
    }

    /// The catch clauses of a `try_table` (`Immediate.tryTable`), read from these bytes.
    public func catchClauses(_ list: EncodedList) throws(DecodeError) -> [CatchClause] {
        try elements(of: list) { reader throws(DecodeError) in try reader.readCatchClause() }
    }

    private func elements<Element>(of list: EncodedList, _ read: (inout ByteReader) throws(DecodeError) -> Element)
        throws(DecodeError) -> [Element]
    {
        var reader = ByteReader(bytes: bytes, position: list.offset, regionEnd: regionEnd)
        var elements: [Element] = []
        elements.reserveCapacity(list.count)
        for _ in 0..<list.count { elements.append(try read(&reader)) }
        return elements
    }

    /// Reads a memarg: alignment flags (bit 6 announces an explicit memory index) and offset.
    public mutating func readMemoryArgument() throws(DecodeError) -> MemoryArgument {
        let start = position
        let flags = try readVarUInt32()
        guard flags < 0x80 else { throw DecodeError(.malformedMemopFlags, at: start) }
        let memory = flags & 0x40 != 0 ? try readVarUInt32() : 0
        return MemoryArgument(alignment: flags & 0x3F, memory: memory, offset: try readVarUInt64())
    }
}
