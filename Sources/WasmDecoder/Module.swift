/// A decoded, not yet validated module (<https://webassembly.github.io/spec/core/syntax/modules.html>).
///
/// Function bodies and data segments are kept as ranges of `bytes`, so decoding a large module copies little.
public struct Module: Sendable {
    /// The module's binary encoding, which bodies and data segments point into.
    public let bytes: [UInt8]
    public internal(set) var types: [SubType] = []
    public internal(set) var imports: [Import] = []
    /// The type index of each function defined (not imported) by the module.
    public internal(set) var functionTypeIndices: [TypeIndex] = []
    public internal(set) var tables: [TableDefinition] = []
    public internal(set) var memories: [MemoryType] = []
    public internal(set) var tags: [TagType] = []
    public internal(set) var globals: [GlobalDefinition] = []
    public internal(set) var exports: [Export] = []
    public internal(set) var start: FunctionIndex?
    public internal(set) var elements: [ElementSegment] = []
    /// The data count section's value, if the module has one.
    public internal(set) var dataCount: UInt32?
    public internal(set) var bodies: [FunctionBody] = []
    public internal(set) var data: [DataSegment] = []
    public internal(set) var customSections: [CustomSection] = []
    /// The `name` custom section, if present and well-formed.
    public internal(set) var names: NameSection?

    init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// Imported functions' type indices, in import order.
    public var importedFunctionTypeIndices: [TypeIndex] {
        imports.compactMap { if case .function(let t) = $0.descriptor { t } else { nil } }
    }
    public var importedTables: [TableType] {
        imports.compactMap { if case .table(let t) = $0.descriptor { t } else { nil } }
    }
    public var importedMemories: [MemoryType] {
        imports.compactMap { if case .memory(let t) = $0.descriptor { t } else { nil } }
    }
    public var importedGlobals: [GlobalType] {
        imports.compactMap { if case .global(let t) = $0.descriptor { t } else { nil } }
    }
    public var importedTags: [TagType] {
        imports.compactMap { if case .tag(let t) = $0.descriptor { t } else { nil } }
    }
}

/// An import: module name, field name and what is imported.
public struct Import: Hashable, Sendable {
    public var module: String
    public var name: String
    public var descriptor: ImportDescriptor
}

/// What an import brings in.
public enum ImportDescriptor: Hashable, Sendable {
    case function(TypeIndex)
    case table(TableType)
    case memory(MemoryType)
    case global(GlobalType)
    case tag(TagType)
}

/// An export: its name and the exported entity.
public struct Export: Hashable, Sendable {
    public var name: String
    public var descriptor: ExportDescriptor
}

/// The entity an export refers to.
public enum ExportDescriptor: Hashable, Sendable {
    case function(FunctionIndex)
    case table(TableIndex)
    case memory(MemoryIndex)
    case global(GlobalIndex)
    case tag(TagIndex)
}

/// A constant expression (<https://webassembly.github.io/spec/core/valid/instructions.html#constant-expressions>),
/// without its final `end`.
public struct ConstantExpression: Hashable, Sendable {
    public var instructions: [Instruction]
    /// Absolute offset of the first instruction.
    public var offset: Int
}

/// A table defined by the module, with the expression that initialises its elements (`ref.null` if absent).
public struct TableDefinition: Hashable, Sendable {
    public var type: TableType
    public var initializer: ConstantExpression?
}

/// A global defined by the module.
public struct GlobalDefinition: Hashable, Sendable {
    public var type: GlobalType
    public var initializer: ConstantExpression
}

/// An element segment (<https://webassembly.github.io/spec/core/syntax/modules.html#element-segments>).
public struct ElementSegment: Hashable, Sendable {
    public enum Mode: Hashable, Sendable {
        case passive
        case active(table: TableIndex, offset: ConstantExpression)
        case declarative
    }

    /// The elements: plain function indices (the compact encoding) or one expression each.
    public enum Items: Hashable, Sendable {
        case functions([FunctionIndex])
        case expressions([ConstantExpression])

        public var count: Int {
            switch self {
            case .functions(let f): f.count
            case .expressions(let e): e.count
            }
        }
    }

    public var type: ReferenceType
    public var mode: Mode
    public var items: Items
    /// Absolute offset of the segment, for error messages.
    public var offset: Int
}

/// A data segment (<https://webassembly.github.io/spec/core/syntax/modules.html#data-segments>).
public struct DataSegment: Hashable, Sendable {
    public enum Mode: Hashable, Sendable {
        case passive
        case active(memory: MemoryIndex, offset: ConstantExpression)
    }

    public var mode: Mode
    /// The initialisation bytes, a slice of the module's bytes.
    public var bytes: ArraySlice<UInt8>
}

/// A function body: its declared locals and the byte range of its instructions.
public struct FunctionBody: Hashable, Sendable {
    /// Runs of locals of one type, as encoded.
    public var localGroups: [LocalGroup]
    /// Total number of declared locals (parameters excluded).
    public var localCount: Int
    /// Absolute byte range of the instructions, final `end` included.
    public var code: Range<Int>

    /// `count` locals of type `type`.
    public struct LocalGroup: Hashable, Sendable {
        public var count: UInt32
        public var type: ValueType
    }

    /// The type of every declared local, expanded: at most `ImplementationLimits.locals` of them, which decoding
    /// checked.
    public var localTypes: [ValueType] {
        localGroups.flatMap { [ValueType](repeating: $0.type, count: Int($0.count)) }
    }
}

/// A custom section other than `name`.
public struct CustomSection: Hashable, Sendable {
    public var name: String
    public var content: ArraySlice<UInt8>
}
