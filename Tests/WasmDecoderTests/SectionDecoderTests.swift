import Testing
@testable import WasmDecoder

@Suite("Sections")
struct SectionDecoderTests {
    typealias E = Encoding

    @Test("type section: function types with parameters and results")
    func typeSection() throws {
        let module = try ModuleDecoder.decode(E.module(E.typeSection(params: [0x7F, 0x7E], results: [0x7C])))
        #expect(module.types.map(\.functionType) == [FunctionType(parameters: [.i32, .i64], results: [.f64])])
    }

    @Test("import section: every kind")
    func importSection() throws {
        let imports = E.vector([
            E.name("m") + E.name("f") + [0x00, 0x00],
            E.name("m") + E.name("t") + [0x01, 0x70, 0x01, 0x01, 0x02],
            E.name("m") + E.name("mem") + [0x02, 0x03, 0x01, 0x02],
            E.name("m") + E.name("g") + [0x03, 0x7F, 0x01],
            E.name("m") + E.name("e") + [0x04, 0x00, 0x00],
        ])
        let module = try ModuleDecoder.decode(E.module(E.typeSection(), E.section(2, imports)))
        #expect(module.imports.map(\.descriptor) == [
            .function(0),
            .table(TableType(elementType: .funcref, limits: Limits(min: 1, max: 2))),
            .memory(MemoryType(limits: Limits(min: 1, max: 2, isShared: true))),
            .global(GlobalType(valueType: .i32, isMutable: true)),
            .tag(TagType(typeIndex: 0)),
        ])
    }

    @Test("function, table, memory, global, export and start sections")
    func definitions() throws {
        let bytes = E.module(
            E.typeSection(),
            E.section(3, E.vector([[0]])),
            E.section(4, E.vector([[0x6F, 0x00, 0x05]])),
            E.section(5, E.vector([[0x05, 0x01, 0x80, 0x02]])),
            E.section(6, E.vector([[0x7E, 0x00, 0x42, 0x7F, 0x0B]])),
            E.section(7, E.vector([E.name("run") + [0x00, 0x00], E.name("mem") + [0x02, 0x00]])),
            E.section(8, [0x00]),
            E.section(10, E.vector([[0x02, 0x00, 0x0B]])))
        let module = try ModuleDecoder.decode(bytes)
        #expect(module.functionTypeIndices == [0])
        #expect(module.tables.map(\.type) == [TableType(elementType: .externref, limits: Limits(min: 5))])
        #expect(module.memories == [MemoryType(limits: Limits(min: 1, max: 256, addressType: .i64))])
        #expect(module.globals.first?.initializer.instructions == [Instruction(.i64Const, .i64(-1))])
        #expect(module.exports.map(\.name) == ["run", "mem"])
        #expect(module.start == 0)
        _ = try ModuleValidator.validate(module)
    }

    @Test("element segments: all eight encodings")
    func elementSection() throws {
        let offset: [UInt8] = [0x41, 0x00, 0x0B]
        let refFunc: [UInt8] = [0xD2, 0x00, 0x0B]
        let segments: [[UInt8]] = [
            [0x00] + offset + E.vector([[0]]),
            [0x01, 0x00] + E.vector([[0]]),
            [0x02, 0x00] + offset + [0x00] + E.vector([[0]]),
            [0x03, 0x00] + E.vector([[0]]),
            [0x04] + offset + E.vector([refFunc]),
            [0x05, 0x70] + E.vector([refFunc]),
            [0x06, 0x00] + offset + [0x70] + E.vector([refFunc]),
            [0x07, 0x70] + E.vector([refFunc]),
        ]
        let module = try ModuleDecoder.decode(E.module(
            E.typeSection(), E.section(3, E.vector([[0]])), E.section(4, E.vector([[0x70, 0x00, 0x01]])),
            E.section(9, E.vector(segments)), E.section(10, E.vector([[0x02, 0x00, 0x0B]]))))
        let modes = module.elements.map { segment -> String in
            switch segment.mode {
            case .passive: "passive"
            case .declarative: "declarative"
            case .active: "active"
            }
        }
        #expect(modes == ["active", "passive", "active", "declarative", "active", "passive", "active", "declarative"])
        #expect(module.elements[0].type == ReferenceType(isNullable: false, heapType: .abstract(.func)))
        #expect(module.elements[4].type == .funcref)
        _ = try ModuleValidator.validate(module)
    }

    @Test("data and data count sections")
    func dataSection() throws {
        let module = try ModuleDecoder.decode(E.module(
            E.section(5, E.vector([[0x00, 0x01]])),
            E.section(12, [0x02]),
            E.section(11, E.vector([[0x00, 0x41, 0x08, 0x0B] + E.name("hi"), [0x01] + E.name("abc")]))))
        #expect(module.dataCount == 2)
        #expect(module.data.map { Array($0.bytes) } == [Array("hi".utf8), Array("abc".utf8)])
        _ = try ModuleValidator.validate(module)
    }

    @Test("code section: locals are counted and bodies kept as byte ranges")
    func codeSection() throws {
        let bytes = E.function(locals: [[0x02, 0x7F], [0x01, 0x7C]], body: [0x01, 0x0B])
        let module = try ModuleDecoder.decode(bytes)
        #expect(module.bodies.first?.localTypes == [.i32, .i32, .f64])
        let code = try #require(module.bodies.first?.code)
        #expect(Array(bytes[code]) == [0x01, 0x0B])
    }

    @Test("name section: module, function and local names; custom sections kept")
    func names() throws {
        let nameContent = E.name("name")
            + E.section(0, E.name("demo"))
            + E.section(1, E.vector([[0x00] + E.name("main")]))
            + E.section(2, E.vector([[0x00] + E.vector([[0x00] + E.name("x")])]))
        let bytes = E.function(params: [0x7F], body: [0x0B]) + E.section(0, nameContent)
            + E.section(0, E.name("producers") + [1, 2, 3])
        let module = try ModuleDecoder.decode(bytes)
        #expect(module.names?.moduleName == "demo")
        #expect(module.names?.functionNames[0] == "main")
        #expect(module.names?.localNames[0]?[0] == "x")
        #expect(module.customSections.map(\.name) == ["producers"])
        #expect(module.customSections.first.map { Array($0.content) } == [1, 2, 3])
    }

    @Test("sections out of order are 'unexpected content after last section' at the section's offset")
    func sectionOrder() {
        let bytes = E.module(E.section(3, E.vector([])), E.typeSection())
        #expect(throws: DecodeError(.unexpectedContentAfterLastSection, at: 11)) { try ModuleDecoder.decode(bytes) }
    }

    @Test("errors carry the absolute offset of the faulty byte")
    func errorOffsets() {
        // Bad magic at 0, bad version at 4.
        #expect(throws: DecodeError(.magicHeaderNotDetected, at: 0)) { try ModuleDecoder.decode([0, 0x61, 0x73, 0x6E, 1, 0, 0, 0]) }
        #expect(throws: DecodeError(.unknownBinaryVersion, at: 4)) { try ModuleDecoder.decode([0, 0x61, 0x73, 0x6D, 2, 0, 0, 0]) }
        // Unknown section id 0x20 at offset 8.
        #expect(throws: DecodeError(.malformedSectionID, at: 8)) { try ModuleDecoder.decode(E.module([0x20, 0x00])) }
        // Illegal opcode 0xFF: header 8 + type 4+... find it at its byte.
        let bytes = E.function(body: [0x01, 0xFF, 0x0B])
        let offset = bytes.count - 2
        #expect(throws: DecodeError(.illegalOpcode("ff"), at: offset)) { try ModuleDecoder.decode(bytes) }
        // Section size one byte too large: the mismatch is found where the section's content really ended.
        let mismatch = E.module([0x01, 0x05, 0x01, 0x60, 0x00, 0x00])
        #expect(throws: DecodeError(.sectionSizeMismatch, at: 14)) { try ModuleDecoder.decode(mismatch + [0x00]) }
    }

    @Test("GC type definitions are rejected as an unsupported feature")
    func gcUnsupported() {
        let bytes = E.module(E.section(1, E.vector([[0x5F, 0x00]])))
        #expect(throws: DecodeError(.unsupportedFeature("gc"), at: 11)) { try ModuleDecoder.decode(bytes) }
    }
}
