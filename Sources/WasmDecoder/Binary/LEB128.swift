/// LEB128 integers (<https://webassembly.github.io/spec/core/binary/values.html#integers>).
///
/// An N-bit integer takes at most ceil(N/7) bytes ("integer representation too long" otherwise). The bits of
/// the last byte beyond N must be zero for unsigned integers and copies of the sign bit for signed ones
/// ("integer too large" otherwise).
extension ByteReader {
    /// Reads an unsigned LEB128 integer of at most `bits` bits.

    public mutating func readUnsignedLEB(bits: Int) throws(DecodeError) -> UInt64 {
        let maxBytes = (bits + 6) / 7
        var result: UInt64 = 0
        var shift = 0
        for index in 0..<maxBytes {
            let offset = position
            let byte = try readByte()
            result |= UInt64(byte & 0x7f) << UInt64(shift)
            if byte & 0x80 == 0 {
                if index == maxBytes - 1, byte >> UInt8(bits - shift) != 0 {
                    throw DecodeError(.integerTooLarge, at: offset)
                }
                return result
            }
            if index == maxBytes - 1 {
                throw DecodeError(.integerRepresentationTooLong, at: offset)
            }
            shift += 7
        }
        return result
    }

    /// Reads a signed LEB128 integer of at most `bits` bits, sign-extended to 64 bits.

    public mutating func readSignedLEB(bits: Int) throws(DecodeError) -> Int64 {
        let maxBytes = (bits + 6) / 7
        var result: Int64 = 0
        var shift = 0
        for index in 0..<maxBytes {
            let offset = position
            let byte = try readByte()
            result |= Int64(byte & 0x7f) << Int64(shift)
            if byte & 0x80 == 0 {
                if index == maxBytes - 1 {
                    // Bits from the sign bit up to bit 6 must be all zeros or all ones.
                    let signBit = bits - shift - 1
                    let mask = (UInt8(0x7f) >> UInt8(signBit)) << UInt8(signBit)
                    let high = byte & mask
                    if high != 0 && high != mask {
                        throw DecodeError(.integerTooLarge, at: offset)
                    }
                }
                shift += 7
                if shift < 64, byte & 0x40 != 0 {
                    result |= -1 << Int64(shift)
                }
                return result
            }
            if index == maxBytes - 1 {
                throw DecodeError(.integerRepresentationTooLong, at: offset)
            }
            shift += 7
        }
        return result
    }

    /// Reads a `u32`.
    @inline(__always)
    public mutating func readVarUInt32() throws(DecodeError) -> UInt32 {
        // Fast path for the common single-byte encoding.
        if position < limit, bytes[position] < 0x80 {
            position += 1
            return UInt32(bytes[position - 1])
        }
        return UInt32(try readUnsignedLEB(bits: 32))
    }

    /// Reads a `u64`.
    public mutating func readVarUInt64() throws(DecodeError) -> UInt64 {
        try readUnsignedLEB(bits: 64)
    }

    /// Reads an `s32`.
    public mutating func readVarInt32() throws(DecodeError) -> Int32 {
        Int32(truncatingIfNeeded: try readSignedLEB(bits: 32))
    }

    /// Reads an `s64`.
    public mutating func readVarInt64() throws(DecodeError) -> Int64 {
        try readSignedLEB(bits: 64)
    }
}
