import Foundation
import WasmDecoder

/// `wasix-run inspect FILE [--json]`: what a module holds, for a user deciding how to run it.
struct Inspection {
    struct Section: Encodable {
        var id: Int
        var name: String
        var offset: Int
        var size: Int
    }

    struct Entity: Encodable {
        var name: String
        var kind: String
        var type: String
    }

    struct Function: Encodable {
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
        largestFunctions = module.bodies.enumerated().map { offset, body in
            Function(index: imported + offset, name: name(imported + offset), bytes: body.code.count)
        }.sorted { $0.bytes > $1.bytes }.prefix(10).map { $0 }
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
        var features: Set<String> = []
        for body in module.bodies {
            var reader = ByteReader(bytes: module.bytes, position: body.code.lowerBound, regionEnd: body.code.upperBound)
            while !reader.isAtEnd { features.insert("\(try reader.readInstruction().opcode.feature)") }
        }
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
        lines += sections.map { "  \($0.name.padding(toLength: 22, withPad: " ", startingAt: 0)) \($0.size) bytes" }
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

extension Inspection: Encodable {}
