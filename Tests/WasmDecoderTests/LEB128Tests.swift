import Testing
@testable import WasmDecoder

@Suite("LEB128")
struct LEB128Tests {
    func reader(_ bytes: [UInt8]) -> ByteReader { ByteReader(bytes: bytes) }

    @Test("unsigned values of every length decode", arguments: [
        ([0x00], 0), ([0x7F], 127), ([0x80, 0x01], 128), ([0xE5, 0x8E, 0x26], 624_485),
        ([0xFF, 0xFF, 0xFF, 0xFF, 0x0F], 4_294_967_295),
    ] as [([UInt8], UInt64)])
    func unsigned(bytes: [UInt8], value: UInt64) throws {
        var r = reader(bytes)
        #expect(try r.readVarUInt32() == UInt32(value))
        #expect(r.position == bytes.count)
    }

    @Test("overlong but in-range encodings are accepted within the byte limit")
    func overlongWithinLimit() throws {
        var r = reader([0x80, 0x80, 0x80, 0x80, 0x00])
        #expect(try r.readVarUInt32() == 0)
        var s = reader([0xFF, 0xFF, 0xFF, 0xFF, 0x7F])
        #expect(try s.readVarInt32() == -1)
    }

    @Test("a sixth byte of a u32 is 'integer representation too long'")
    func tooLong() {
        var r = reader([0x80, 0x80, 0x80, 0x80, 0x80, 0x00])
        #expect(throws: DecodeError(.integerRepresentationTooLong, at: 4)) { try r.readVarUInt32() }
        var s = reader([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00])
        #expect(throws: DecodeError(.integerRepresentationTooLong, at: 9)) { try s.readVarInt64() }
    }

    @Test("unused bits of the last byte must be zero for unsigned integers")
    func unsignedTooLarge() {
        var r = reader([0xFF, 0xFF, 0xFF, 0xFF, 0x1F])
        #expect(throws: DecodeError(.integerTooLarge, at: 4)) { try r.readVarUInt32() }
        var s = reader([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x02])
        #expect(throws: DecodeError(.integerTooLarge, at: 9)) { try s.readVarUInt64() }
    }

    @Test("unused bits of the last byte must extend the sign bit for signed integers")
    func signedLastByte() throws {
        // 0x7F: the sign bit (bit 3 of the last byte) and the unused bits are all ones: -1... valid.
        var ok = reader([0xFF, 0xFF, 0xFF, 0xFF, 0x7F])
        #expect(try ok.readVarInt32() == -1)
        // 0x0F: sign bit set but unused bits clear.
        var bad = reader([0xFF, 0xFF, 0xFF, 0xFF, 0x0F])
        #expect(throws: DecodeError(.integerTooLarge, at: 4)) { try bad.readVarInt32() }
        // 0x70: unused bits set but sign bit clear.
        var bad2 = reader([0x80, 0x80, 0x80, 0x80, 0x70])
        #expect(throws: DecodeError(.integerTooLarge, at: 4)) { try bad2.readVarInt32() }
        // s64: the last byte may only be 0x00 or 0x7F.
        var bad3 = reader([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01])
        #expect(throws: DecodeError(.integerTooLarge, at: 9)) { try bad3.readVarInt64() }
    }

    @Test("short signed encodings sign-extend from bit 6 of the last byte")
    func signExtension() throws {
        var r = reader([0x40])
        #expect(try r.readVarInt32() == -64)
        var s = reader([0x3F])
        #expect(try s.readVarInt32() == 63)
        var t = reader([0x80, 0x7F])
        #expect(try t.readVarInt64() == -128)
        var u = reader([0x80, 0x80, 0x80, 0x80, 0x78])
        #expect(try u.readVarInt32() == Int32.min)
    }

    @Test("a truncated integer is 'unexpected end' at the end of the module")
    func truncated() {
        var r = reader([0x80, 0x80])
        #expect(throws: DecodeError(.unexpectedEnd, at: 2)) { try r.readVarUInt32() }
    }
}
