import Testing
@testable import WasmDecoder

@Suite("Validation")
struct ValidatorTests {
    typealias E = Encoding

    func message(_ bytes: [UInt8]) -> String? {
        do {
            _ = try ModuleValidator.load(bytes)
            return nil
        } catch let error as ValidationError {
            return error.message
        } catch {
            return "decode: \(error)"
        }
    }

    @Test("a well-typed body validates and reports its operand height")
    func valid() throws {
        // (i32.add (local.get 0) (i32.const 1))
        let validated = try ModuleValidator.load(
            E.function(params: [0x7F], results: [0x7F], body: [0x20, 0x00, 0x41, 0x01, 0x6A, 0x0B]))
        #expect(validated.maxOperandHeights == [2])
    }

    @Test("operand type errors are 'type mismatch'")
    func typeMismatch() {
        #expect(message(E.function(results: [0x7F], body: [0x42, 0x00, 0x0B])) == "type mismatch")
        #expect(message(E.function(body: [0x6A, 0x0B])) == "type mismatch")
        #expect(message(E.function(body: [0x41, 0x00, 0x0B])) == "type mismatch")
    }

    @Test("after unreachable the stack is polymorphic")
    func polymorphic() {
        #expect(message(E.function(results: [0x7F], body: [0x00, 0x6A, 0x0B])) == nil)
        #expect(message(E.function(results: [0x7F], body: [0x00, 0x42, 0x00, 0x6A, 0x0B])) == "type mismatch")
    }

    @Test("indices out of range name their index space and index")
    func unknownIndices() {
        #expect(message(E.function(body: [0x20, 0x03, 0x1A, 0x0B])) == "unknown local 3")
        #expect(message(E.function(body: [0x10, 0x07, 0x0B])) == "unknown function 7")
        #expect(message(E.function(body: [0x0C, 0x02, 0x0B])) == "unknown label 2")
        #expect(message(E.function(body: [0x41, 0x00, 0x28, 0x02, 0x00, 0x1A, 0x0B])) == "unknown memory 0")
    }

    @Test("alignment beyond natural is rejected")
    func alignment() {
        let withMemory = { (body: [UInt8]) -> [UInt8] in
            E.module(E.typeSection(), E.section(3, E.vector([[0]])), E.section(5, E.vector([[0x00, 0x01]])),
                     E.section(10, E.vector([E.uleb(UInt64(body.count + 1)) + [0x00] + body])))
        }
        #expect(message(withMemory([0x41, 0x00, 0x28, 0x02, 0x00, 0x1A, 0x0B])) == nil)
        #expect(message(withMemory([0x41, 0x00, 0x28, 0x03, 0x00, 0x1A, 0x0B]))
                == "alignment must not be larger than natural")
    }

    @Test("validation errors say which function and where")
    func location() throws {
        let bytes = E.function(body: [0x01, 0x6A, 0x0B])
        do {
            _ = try ModuleValidator.load(bytes)
            Issue.record("expected a validation error")
        } catch let error as ValidationError {
            #expect(error.function == 0)
            #expect(error.offset == bytes.count - 2)
            #expect(error.description == "type mismatch in function 0 at offset \(bytes.count - 2)")
        }
    }

    @Test("non-nullable locals must be set before use")
    func localInitialization() {
        // A local of type (ref func) read before being set.
        let local: [UInt8] = [0x01, 0x64, 0x70]
        #expect(message(E.function(locals: [local], body: [0x20, 0x00, 0x1A, 0x0B])) == "uninitialized local 0")
    }
}
