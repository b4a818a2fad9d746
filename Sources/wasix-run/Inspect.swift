import WasmDecoder

/// `wasix-run inspect FILE [--json]`: what a module holds, for a user deciding how to run it.
struct Inspection {
    struct Section {
        var id: Int
        var name: String
        var offset: Int
        var size: Int
    }

    struct Entity {
        var name: String
        var kind: String
        var type: String
    }

    struct Function {
        var index: Int
        var name: String
        var bytes: Int
    }

    var file: String
    var size: Int
    var sections: [Section] = []
    var imports: [Entity] = []
    var exports: [Entity] = []
    var memories: [String] = []
    var tables: [String] = []
    var globals: [String] = []
    var start: String?
    var features: [String] = []
    var largestFunctions: [Function] = []

    init(file: String, module: Module) throws(DecodeError) {
        self.file = file
        size = module.bytes.count
        sections = Self.sections(of: module.bytes)
        let functionTypes = module.importedFunctionTypeIndices + module.functionTypeIndices
        func functionType(_ index: Int) -> String {
            guard index < functionTypes.count, Int(functionTypes[index]) < module.types.count else { return "?" }
            return "\(module.types[Int(functionTypes[index])].functionType)"
        }
        func name(_ index: Int) -> String { module.names?.functionNames[FunctionIndex(index)] ?? "func[\(index)]" }
        for entry in module.imports {
            let (kind, type): (String, String)
            switch entry.descriptor {
            case .function(let index):
                (kind, type) = ("func", Int(index) < module.types.count ? "\(module.types[Int(index)].functionType)" : "?")
            case .table(let table): (kind, type) = ("table", Self.describe(table))
            case .memory(let memory): (kind, type) = ("memory", Self.describe(memory))
            case .global(let global): (kind, type) = ("global", Self.describe(global))
            case .tag: (kind, type) = ("tag", "")
            }
            imports.append(Entity(name: "\(entry.module).\(entry.name)", kind: kind, type: type))
        }
        let allTables = module.importedTables + module.tables.map(\.type)
        let allMemories = module.importedMemories + module.memories
        let allGlobals = module.importedGlobals + module.globals.map(\.type)
        for export in module.exports {
            let (kind, type): (String, String)
            switch export.descriptor {
            case .function(let index): (kind, type) = ("func", functionType(Int(index)))
            case .table(let index): (kind, type) = ("table", Int(index) < allTables.count ? Self.describe(allTables[Int(index)]) : "?")
            case .memory(let index):
                (kind, type) = ("memory", Int(index) < allMemories.count ? Self.describe(allMemories[Int(index)]) : "?")
            case .global(let index):
                (kind, type) = ("global", Int(index) < allGlobals.count ? Self.describe(allGlobals[Int(index)]) : "?")
            case .tag: (kind, type) = ("tag", "")
            }
            exports.append(Entity(name: export.name, kind: kind, type: type))
        }
        memories = allMemories.map(Self.describe)
        tables = allTables.map(Self.describe)
        globals = allGlobals.map(Self.describe)
        start = module.start.map { name(Int($0)) }
        features = try Self.features(of: module).sorted()
        let imported = module.importedFunctionTypeIndices.count
        let bySize = module.bodies.indices.sorted { module.bodies[$0].code.count > module.bodies[$1].code.count }
        largestFunctions = bySize.prefix(10).map {
            Function(index: imported + $0, name: name(imported + $0), bytes: module.bodies[$0].code.count)
        }
    }

    /// The sections as the binary lays them out (custom sections by name).
    static func sections(of bytes: [UInt8]) -> [Section] {
        let names = ["custom", "type", "import", "function", "table", "memory", "global", "export", "start", "element",
                     "code", "data", "data count", "tag"]
        var reader = ByteReader(bytes: bytes, position: 8)
        var sections: [Section] = []
        while !reader.isAtEnd, let id = try? reader.readByte(), let size = try? reader.readVarUInt32() {
            let start = reader.position
            var name = Int(id) < names.count ? names[Int(id)] : "unknown"
            if id == 0, let custom = try? reader.readName() { name = "custom \"\(custom)\"" }
            sections.append(Section(id: Int(id), name: name, offset: start, size: Int(size)))
            guard start + Int(size) <= bytes.count else { break }
            reader = ByteReader(bytes: bytes, position: start + Int(size))
        }
        return sections
    }

    /// The proposals the module uses: those of its instructions, and those its types and memories need.
    static func features(of module: Module) throws(DecodeError) -> Set<String> {
        // Collected as values, named once: naming each instruction's took CPython's module 40 s.
        var used: Set<Feature> = []
        for body in module.bodies {
            var reader = ByteReader(bytes: module.bytes, position: body.code.lowerBound, regionEnd: body.code.upperBound)
            while !reader.isAtEnd { used.insert(try reader.readInstruction().opcode.feature) }
        }
        var features = Set(used.map { "\($0)" })
        let memories = module.importedMemories + module.memories
        if memories.count > 1 { features.insert("multi-memory") }
        if memories.contains(where: { $0.limits.addressType == .i64 }) { features.insert("memory64") }
        if memories.contains(where: { $0.limits.isShared }) { features.insert("threads") }
        if !module.tags.isEmpty || !module.importedTags.isEmpty { features.insert("exceptions") }
        if module.types.contains(where: { $0.functionType.results.count > 1 }) { features.insert("multi-value") }
        return features
    }

    static func describe(_ limits: Limits) -> String {
        (limits.addressType == .i64 ? "i64 " : "") + "\(limits.min)" + (limits.max.map { "..\($0)" } ?? "..")
            + (limits.isShared ? " shared" : "")
    }

    static func describe(_ memory: MemoryType) -> String { describe(memory.limits) + " pages" }
    static func describe(_ table: TableType) -> String { "\(table.elementType) " + describe(table.limits) }
    static func describe(_ global: GlobalType) -> String { (global.isMutable ? "mut " : "") + "\(global.valueType)" }

    /// The inspection as text.
    var text: String {
        var lines = ["\(file): \(size) bytes", "sections:"]
        lines += sections.map { "  \(padded($0.name, to: 22)) \($0.size) bytes" }
        lines.append("imports (\(imports.count)):")
        lines += imports.map { "  \($0.name): \($0.kind) \($0.type)" }
        lines.append("exports (\(exports.count)):")
        lines += exports.map { "  \($0.name): \($0.kind) \($0.type)" }
        lines.append("memories: " + (memories.isEmpty ? "none" : memories.joined(separator: ", ")))
        lines.append("tables: " + (tables.isEmpty ? "none" : tables.joined(separator: ", ")))
        lines.append("globals: \(globals.count)")
        lines.append("start: " + (start ?? "none"))
        lines.append("features: " + features.joined(separator: ", "))
        lines.append("largest functions:")
        lines += largestFunctions.map { "  \($0.name) (func \($0.index)): \($0.bytes) bytes" }
        return lines.joined(separator: "\n")
    }
}

extension Inspection {
    /// The inspection as one JSON object with sorted keys, laid out as Foundation's `JSONEncoder` lays it out with
    /// `.prettyPrinted` and `.sortedKeys` (which it was made with before): two spaces of indentation, `"key" : value`.
    var json: String {
        func strings(_ values: [String]) -> JSONOutput { .array(values.map(JSONOutput.string)) }
        var members: [String: JSONOutput] = [
            "file": .string(file),
            "size": .integer(size),
            "sections": .array(sections.map {
                .object(["id": .integer($0.id), "name": .string($0.name), "offset": .integer($0.offset),
                         "size": .integer($0.size)])
            }),
            "imports": .array(imports.map { .object(["name": .string($0.name), "kind": .string($0.kind), "type": .string($0.type)]) }),
            "exports": .array(exports.map { .object(["name": .string($0.name), "kind": .string($0.kind), "type": .string($0.type)]) }),
            "memories": strings(memories),
            "tables": strings(tables),
            "globals": strings(globals),
            "features": strings(features),
            "largestFunctions": .array(largestFunctions.map {
                .object(["index": .integer($0.index), "name": .string($0.name), "bytes": .integer($0.bytes)])
            }),
        ]
        if let start { members["start"] = .string(start) }
        return JSONOutput.object(members).text(indent: "")
    }
}

/// A JSON value to print.
enum JSONOutput {
    case string(String)
    case integer(Int)
    case array([JSONOutput])
    case object([String: JSONOutput])

    /// The value's text, its inner lines indented by `indent` plus two spaces.
    func text(indent: String) -> String {
        let inner = indent + "  "
        switch self {
        case .string(let text): return Self.quoted(text)
        case .integer(let value): return "\(value)"
        case .array(let elements):
            return "[\n" + elements.map { inner + $0.text(indent: inner) }.joined(separator: ",\n") + "\n" + indent + "]"
        case .object(let members):
            return "{\n" + members.sorted { $0.key < $1.key }
                .map { inner + Self.quoted($0.key) + " : " + $0.value.text(indent: inner) }
                .joined(separator: ",\n") + "\n" + indent + "}"
        }
    }

    /// `text` as a JSON string: quotes, backslashes, slashes and control characters escaped.
    static func quoted(_ text: String) -> String {
        let hex = Array("0123456789abcdef".utf8)
        var bytes: [UInt8] = [UInt8(ascii: "\"")]
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): bytes += [UInt8(ascii: "\\"), byte]
            case 0x08: bytes += Array("\\b".utf8)
            case 0x0C: bytes += Array("\\f".utf8)
            case 0x0A: bytes += Array("\\n".utf8)
            case 0x0D: bytes += Array("\\r".utf8)
            case 0x09: bytes += Array("\\t".utf8)
            case 0..<0x20: bytes += Array("\\u00".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
        return String(decoding: bytes, as: UTF8.self)
    }
}
