/// The sections that declare types, imports, functions, tables, memories, tags, globals, exports and names.
extension ModuleDecoder {
    mutating func decodeTypeSection(_ section: inout ByteReader) throws(DecodeError) {
        module.types = try readVector(&section, limit: .types) { (r: inout ByteReader) throws(DecodeError) in
            let start = r.position
            // The form is an s7, so an overlong encoding is "integer representation too long".
            let form = UInt8(truncatingIfNeeded: try r.readSignedLEB(bits: 7)) & 0x7F
            switch form {
            case 0x60:
                let parameters = try readVector(&r, limit: .parameters) { (r: inout ByteReader) throws(DecodeError) in
                    try r.readValueType()
                }
                let results = try readVector(&r, limit: .results) { (r: inout ByteReader) throws(DecodeError) in
                    try r.readValueType()
                }
                return SubType(composite: .function(FunctionType(parameters: parameters, results: results)))
            case 0x4E, 0x50, 0x4F, 0x5F, 0x5E, 0x4D, 0x4C:
                // rec, sub, sub final, struct, array, descriptor, describes: GC type definitions.
                throw DecodeError(.unsupportedFeature("gc"), at: start)
            default:
                throw DecodeError(.malformedDefinitionType, at: start)
            }
        }
    }

    mutating func decodeImportSection(_ section: inout ByteReader) throws(DecodeError) {
        module.imports = try readVector(&section, minimumElementSize: 3, limit: .imports) {
            (r: inout ByteReader) throws(DecodeError) in
            let moduleName = try r.readName()
            let name = try r.readName()
            let kindOffset = r.position
            let descriptor: ImportDescriptor
            switch try r.readByte() {
            case 0: descriptor = .function(try r.readVarUInt32())
            case 1: descriptor = .table(try r.readTableType())
            case 2: descriptor = .memory(try r.readMemoryType())
            case 3: descriptor = .global(try r.readGlobalType())
            case 4: descriptor = .tag(try r.readTagType())
            default: throw DecodeError(.malformedImportKind, at: kindOffset)
            }
            return Import(module: moduleName, name: name, descriptor: descriptor)
        }
    }

    mutating func decodeFunctionSection(_ section: inout ByteReader) throws(DecodeError) {
        module.functionTypeIndices = try readVector(&section, limit: .functions) {
            (r: inout ByteReader) throws(DecodeError) in
            try r.readVarUInt32()
        }
    }

    mutating func decodeTableSection(_ section: inout ByteReader) throws(DecodeError) {
        let count = try readCount(&section, minimumElementSize: 2, limit: .tables,
                                  alreadyCounted: module.importedTables.count)
        for _ in 0..<count {
            if section.position < section.limit, section.bytes[section.position] == 0x40 {
                let start = section.position
                try section.skip(1)
                guard try section.readByte() == 0 else { throw DecodeError(.malformedReferenceType, at: start) }
                let type = try section.readTableType()
                module.tables.append(TableDefinition(type: type, initializer: try readConstantExpression(&section)))
            } else {
                module.tables.append(TableDefinition(type: try section.readTableType(), initializer: nil))
            }
        }
    }

    mutating func decodeMemorySection(_ section: inout ByteReader) throws(DecodeError) {
        let count = try readCount(&section, limit: .memories, alreadyCounted: module.importedMemories.count)
        for _ in 0..<count { module.memories.append(try section.readMemoryType()) }
    }

    mutating func decodeTagSection(_ section: inout ByteReader) throws(DecodeError) {
        module.tags = try readVector(&section, minimumElementSize: 2, limit: .tags) {
            (r: inout ByteReader) throws(DecodeError) in
            try r.readTagType()
        }
    }

    mutating func decodeGlobalSection(_ section: inout ByteReader) throws(DecodeError) {
        let count = try readCount(&section, minimumElementSize: 3, limit: .globals)
        for _ in 0..<count {
            let type = try section.readGlobalType()
            module.globals.append(GlobalDefinition(type: type, initializer: try readConstantExpression(&section)))
        }
    }

    mutating func decodeExportSection(_ section: inout ByteReader) throws(DecodeError) {
        module.exports = try readVector(&section, minimumElementSize: 3, limit: .exports) {
            (r: inout ByteReader) throws(DecodeError) in
            let name = try r.readName()
            let kindOffset = r.position
            let kind = try r.readByte()
            let index = try r.readVarUInt32()
            let descriptor: ExportDescriptor
            switch kind {
            case 0: descriptor = .function(index)
            case 1: descriptor = .table(index)
            case 2: descriptor = .memory(index)
            case 3: descriptor = .global(index)
            case 4: descriptor = .tag(index)
            default: throw DecodeError(.malformedExportKind, at: kindOffset)
            }
            return Export(name: name, descriptor: descriptor)
        }
    }

    mutating func decodeCustomSection(_ section: inout ByteReader) throws(DecodeError) {
        let name = try section.readName()
        let content = try section.readBytes(section.regionEnd - section.position)
        if name == "name" {
            // A malformed name section is ignored, as the spec's appendix allows.
            var names = ByteReader(bytes: module.bytes, position: content.startIndex, regionEnd: content.endIndex)
            module.names = try? NameSection.decode(&names)
        } else {
            module.customSections.append(CustomSection(name: name, content: content))
        }
    }
}
