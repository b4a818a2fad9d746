import Foundation
import Testing
@testable import WasmDecoder

@Suite("Hostile input")
struct HostileInputTests {
    typealias E = Encoding

    @Test("a vector claiming 2^32-1 entries is rejected without allocating them")
    func hugeCount() {
        let bytes = E.module(E.section(1, [0xFF, 0xFF, 0xFF, 0xFF, 0x0F]))
        #expect(throws: DecodeError.self) { try ModuleDecoder.decode(bytes) }
        let locals = E.function(locals: [[0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x7F], [0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x7F]],
                                body: [0x0B])
        #expect(throws: DecodeError.self) { try ModuleDecoder.decode(locals) }
    }

    @Test("a section claiming 4 GiB is rejected")
    func hugeSection() {
        let bytes = E.module([0x0B, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x01])
        #expect(throws: DecodeError(.lengthOutOfBounds, at: 14)) { try ModuleDecoder.decode(bytes) }
    }

    @Test("a name or data segment longer than the module is rejected")
    func hugeLengths() {
        let export = E.module(E.section(7, [0x01, 0xFF, 0xFF, 0xFF, 0x7F]))
        #expect(throws: DecodeError(.lengthOutOfBounds, at: 11)) { try ModuleDecoder.decode(export) }
        let data = E.module(E.section(11, [0x01, 0x01, 0xFF, 0xFF, 0xFF, 0x7F]))
        #expect(throws: DecodeError.self) { try ModuleDecoder.decode(data) }
    }

    @Test("every truncation of a valid module is a decode error, never a crash")
    func truncations() throws {
        let bytes = E.function(params: [0x7F], results: [0x7F], locals: [[0x01, 0x7E]],
                               body: [0x20, 0x00, 0x04, 0x7F, 0x41, 0x01, 0x05, 0x41, 0x02, 0x0B, 0x0B])
        _ = try ModuleValidator.load(bytes)
        // The header alone, and the header with the type section, are complete modules.
        let completePrefixes: Set = [8, 8 + E.typeSection(params: [0x7F], results: [0x7F]).count]
        for length in 0..<bytes.count where !completePrefixes.contains(length) {
            #expect(throws: DecodeError.self) { try ModuleDecoder.decode(Array(bytes[..<length])) }
        }
    }

    @Test("random mutations of a valid module decode or fail cleanly")
    func mutations() {
        let bytes = E.function(params: [0x7F], results: [0x7F], body: [0x20, 0x00, 0x41, 0x02, 0x6C, 0x0B])
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<5000 {
            var mutated = bytes
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                mutated[Int.random(in: 8..<mutated.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
            }
            // Either outcome is fine; the process must survive.
            _ = try? ModuleValidator.load(mutated)
        }
    }

    @Test("deeply nested blocks validate without recursion")
    func deepNesting() throws {
        let depth = 100_000
        let body = Array(repeating: [0x02, 0x40], count: depth).flatMap { $0 } + [UInt8](repeating: 0x0B, count: depth + 1)
        _ = try ModuleValidator.load(E.function(body: body))
    }
}
