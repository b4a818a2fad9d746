import Testing
@testable import WasmDecoder

@Suite("Opcode table")
struct OpcodeTableTests {
    @Test("every opcode decodes from its own encoding")
    func roundTrip() throws {
        for opcode in Opcode.allCases {
            let (byte, sub) = opcode.encoding
            var bytes = [byte]
            if let sub { bytes += Encoding.uleb(UInt64(sub)) }
            var reader = ByteReader(bytes: bytes)
            #expect(try reader.readOpcode() == opcode, "\(opcode.mnemonic)")
        }
    }

    @Test("packed signatures say what the signatures say")
    func packedSignatures() {
        for opcode in Opcode.allCases {
            let signature = opcode.signature, packed = opcode.packedSignature
            #expect((signature == nil) == (packed == nil), "\(opcode.mnemonic)")
            guard let signature, let packed else { continue }
            #expect((0..<packed.parameterCount).map(packed.parameter) == signature.parameters, "\(opcode.mnemonic)")
            #expect(packed.result.map { [$0] } ?? [] == signature.results, "\(opcode.mnemonic)")
        }
    }

    @Test("encodings are unique")
    func unique() {
        var seen = Set<[UInt32]>()
        for opcode in Opcode.allCases {
            let key = [UInt32(opcode.encoding.byte), opcode.encoding.subOpcode ?? UInt32.max]
            #expect(seen.insert(key).inserted, "\(opcode.mnemonic)")
        }
    }

    @Test("memory accesses declare their natural alignment")
    func alignments() {
        for opcode in Opcode.allCases where opcode.immediates == .memarg || opcode.immediates == .memargLane {
            #expect(opcode.naturalAlignment != nil, "\(opcode.mnemonic)")
        }
        #expect(Opcode.i64Load.naturalAlignment == 3)
        #expect(Opcode.v128Load8Lane.naturalAlignment == 0)
    }

    @Test("unsupported proposals are named, unknown bytes are illegal")
    func unsupported() {
        var gc = ByteReader(bytes: [0xFB, 0x00])
        #expect(throws: DecodeError(.unsupportedFeature("gc"), at: 0)) { try gc.readOpcode() }
        var legacy = ByteReader(bytes: [0x06])
        #expect(throws: DecodeError(.unsupportedFeature("legacy exceptions"), at: 0)) { try legacy.readOpcode() }
        var illegal = ByteReader(bytes: [0xFD, 0xFF, 0x03])
        #expect(throws: DecodeError(.illegalOpcode("fd 1ff"), at: 0)) { try illegal.readOpcode() }
    }
}
