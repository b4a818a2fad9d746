/// Decoding of types (<https://webassembly.github.io/spec/core/binary/types.html>).
extension ByteReader {
    /// The abstract heap type for a one-byte heap type or reference type shorthand code.
    static func abstractHeapType(code: UInt8) -> AbstractHeapType? {
        switch code {
        case 0x70: .func
        case 0x6F: .extern
        case 0x69: .exn
        case 0x73: .nofunc
        case 0x72: .noextern
        case 0x74: .noexn
        case 0x6E: .any
        case 0x6D: .eq
        case 0x6C: .i31
        case 0x6B: .struct
        case 0x6A: .array
        case 0x71: AbstractHeapType.none
        default: nil
        }
    }

    /// Rejects GC heap types, which this runtime does not implement.
    private func checkSupported(_ type: AbstractHeapType, at offset: Int) throws(DecodeError) {
        if type.top == .any { throw DecodeError(.unsupportedFeature("gc"), at: offset) }
    }

    /// Reads a heap type: an abstract type code or a non-negative type index (s33).
    public mutating func readHeapType() throws(DecodeError) -> HeapType {
        let start = position
        guard position < limit else { throw endError(at: position) }
        if let abstract = Self.abstractHeapType(code: bytes[position]) {
            position += 1
            try checkSupported(abstract, at: start)
            return .abstract(abstract)
        }
        let value = try readSignedLEB(bits: 33)
        guard value >= 0 else { throw DecodeError(.malformedReferenceType, at: start) }
        return .concrete(TypeIndex(value))
    }

    /// Reads a reference type: a shorthand byte or `0x64`/`0x63` followed by a heap type.
    public mutating func readReferenceType() throws(DecodeError) -> ReferenceType {
        let start = position
        let code = try readByte()
        if let type = try referenceType(code: code, at: start) { return type }
        throw DecodeError(.malformedReferenceType, at: start)
    }

    private mutating func referenceType(code: UInt8, at start: Int) throws(DecodeError) -> ReferenceType? {
        switch code {
        case 0x64: return ReferenceType(isNullable: false, heapType: try readHeapType())
        case 0x63: return ReferenceType(isNullable: true, heapType: try readHeapType())
        default:
            guard let abstract = Self.abstractHeapType(code: code) else { return nil }
            try checkSupported(abstract, at: start)
            return ReferenceType(isNullable: true, heapType: .abstract(abstract))
        }
    }

    /// Reads a value type.
    public mutating func readValueType() throws(DecodeError) -> ValueType {
        let start = position
        let code = try readByte()
        switch code {
        case 0x7F: return .i32
        case 0x7E: return .i64
        case 0x7D: return .f32
        case 0x7C: return .f64
        case 0x7B: return .v128
        default:
            if let type = try referenceType(code: code, at: start) { return .ref(type) }
            throw DecodeError(.malformedValueType, at: start)
        }
    }

    /// Reads a block type: empty (`0x40`), a value type, or a type index (s33).
    public mutating func readBlockType() throws(DecodeError) -> BlockType {
        let start = position
        guard position < limit else { throw endError(at: position) }
        let code = bytes[position]
        if code == 0x40 {
            position += 1
            return .empty
        }
        if code >= 0x40 && code < 0x80 {
            return .value(try readValueType())
        }
        let index = try readSignedLEB(bits: 33)
        guard index >= 0 else { throw DecodeError(.malformedValueType, at: start) }
        return .type(TypeIndex(index))
    }

    /// Reads limits: flag bit 0 announces a maximum, bit 1 (memories only) sharing, bit 2 64-bit addresses.
    public mutating func readLimits(isMemory: Bool) throws(DecodeError) -> Limits {
        let start = position
        let flags = try readByte()
        let allowed: UInt8 = isMemory ? 0x07 : 0x05
        guard flags & ~allowed == 0 else { throw DecodeError(.malformedLimitsFlags, at: start) }
        let is64 = flags & 0x04 != 0
        // Wasm 3.0 encodes every limit as u64; validation checks the range for the address type.
        let min = try readVarUInt64()
        let max = flags & 0x01 != 0 ? try readVarUInt64() : nil
        return Limits(min: min, max: max, addressType: is64 ? .i64 : .i32, isShared: flags & 0x02 != 0)
    }

    /// Reads a table type.
    public mutating func readTableType() throws(DecodeError) -> TableType {
        let elementType = try readReferenceType()
        return TableType(elementType: elementType, limits: try readLimits(isMemory: false))
    }

    /// Reads a memory type.
    public mutating func readMemoryType() throws(DecodeError) -> MemoryType {
        MemoryType(limits: try readLimits(isMemory: true))
    }

    /// Reads a global type.
    public mutating func readGlobalType() throws(DecodeError) -> GlobalType {
        let valueType = try readValueType()
        let start = position
        let mutability = try readByte()
        guard mutability <= 1 else { throw DecodeError(.malformedMutability, at: start) }
        return GlobalType(valueType: valueType, isMutable: mutability == 1)
    }

    /// Reads a tag type: attribute 0 (exception) and a type index.
    public mutating func readTagType() throws(DecodeError) -> TagType {
        let start = position
        guard try readByte() == 0 else { throw DecodeError(.malformedTagAttribute, at: start) }
        return TagType(typeIndex: try readVarUInt32())
    }
}
