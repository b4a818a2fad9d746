/// A module that has passed validation: the only form the interpreter accepts.
public struct ValidatedModule: Sendable {
    public let module: Module
    /// For each defined function, the most operands its body ever has on the stack at once.
    public let maxOperandHeights: [Int]
}

/// Where a function type's parameters and results are in `ModuleValidator.flatTypes`.
struct FlatTypeLayout: Sendable {
    var start: Int
    var parameterCount: Int
    var resultCount: Int
}

/// Validates a module (<https://webassembly.github.io/spec/core/valid/modules.html>). A class, immutable once
/// made: every body's validator refers to it, and bodies validated in parallel share it.
public final class ModuleValidator: Sendable {
    let module: Module
    let features: WasmFeatures
    let types: TypeContext
    /// Type index of every function, imported ones first.
    let functions: [TypeIndex]
    let tables: [TableType]
    let memories: [MemoryType]
    let globals: [GlobalType]
    let tags: [TagType]
    let importedGlobalCount: Int
    /// Functions that may be referenced by `ref.func` in a body: those named outside function bodies.
    let declaredFunctions: Set<FunctionIndex>
    /// `CommonInstruction.table`, held here so that the validator's fast path reads it without a global's lazy
    /// initialization check.
    let commonInstructions = CommonInstruction.table
    /// The parameters and then the results of every function type, one type after another, and where each type's
    /// begin (`typeLayouts`, by type index): the fast path reads a callee's types here without copying a
    /// `FunctionType`'s two arrays.
    let flatTypes: [ValueType]
    let typeLayouts: [FlatTypeLayout]

    /// Validates `module`.
    /// - Throws: `ValidationError` with the spec's message.
    public static func validate(_ module: Module, features: WasmFeatures = .all) throws(ValidationError)
        -> ValidatedModule
    {
        try ModuleValidator(module: module, features: features).validate()
    }

    /// Decodes and validates in one step.
    /// - Parameter limits: The most the module may declare (`ModuleDecoder.decode(_:limits:)`).
    /// - Throws: `DecodeError` or `ValidationError`.
    ///
    /// The result, and the error if there is one, are those of `validate(ModuleDecoder.decode(bytes))`, but the
    /// bodies are read once: each is validated while it is decoded (docs/RATIONALE.md, "Two passes over each body").
    public static func load(
        _ bytes: [UInt8], features: WasmFeatures = .all, limits: ImplementationLimits = .default
    ) throws -> ValidatedModule {
        try ModuleDecoder.decodeValidating(bytes, features: features, limits: limits)
    }

    init(module: Module, features: WasmFeatures) {
        self.module = module
        self.features = features
        self.types = TypeContext(types: module.types)
        self.functions = module.importedFunctionTypeIndices + module.functionTypeIndices
        self.tables = module.importedTables + module.tables.map(\.type)
        self.memories = module.importedMemories + module.memories
        self.globals = module.importedGlobals + module.globals.map(\.type)
        self.tags = module.importedTags + module.tags
        self.importedGlobalCount = module.importedGlobals.count
        self.declaredFunctions = Self.declaredFunctions(of: module)
        var flatTypes: [ValueType] = []
        self.typeLayouts = module.types.map { type in
            let f = type.functionType
            defer { flatTypes += f.parameters + f.results }
            return FlatTypeLayout(start: flatTypes.count, parameterCount: f.parameters.count,
                                  resultCount: f.results.count)
        }
        self.flatTypes = flatTypes
    }

    private func validate() throws(ValidationError) -> ValidatedModule {
        try checkModule()
        var heights: [Int] = []
        heights.reserveCapacity(module.bodies.count)
        for index in module.bodies.indices {
            var validator = try functionValidator(forBody: index, module.bodies[index])
            heights.append(try validator.validate())
        }
        return ValidatedModule(module: module, maxOperandHeights: heights)
    }

    /// The validator of defined function `index`, whose body is `body`.
    func functionValidator(forBody index: Int, _ body: FunctionBody) throws(ValidationError) -> FunctionValidator {
        let functionIndex = FunctionIndex(functions.count - module.functionTypeIndices.count + index)
        return try FunctionValidator(module: self, function: functionIndex,
                                     type: functionType(functions[Int(functionIndex)]), body: body)
    }

    /// Everything but the function bodies, in the order the checks have always run in (so that the first error
    /// is the same whatever the path).
    func checkModule() throws(ValidationError) {
        for (index, type) in module.types.enumerated() {
            for valueType in type.functionType.parameters + type.functionType.results {
                try checkValueType(valueType, typeLimit: index + 1)
            }
        }
        for entry in module.imports {
            switch entry.descriptor {
            case .function(let t): _ = try functionType(t)
            case .table(let t): try checkTableType(t)
            case .memory(let t): try checkMemoryType(t)
            case .global(let t): try checkValueType(t.valueType)
            case .tag(let t): try checkTagType(t)
            }
        }
        for t in module.functionTypeIndices { _ = try functionType(t) }
        for table in module.tables {
            try checkTableType(table.type)
            if let initializer = table.initializer {
                try checkConstant(initializer, type: .ref(table.type.elementType), globalLimit: importedGlobalCount)
            } else if !table.type.elementType.isNullable {
                throw ValidationError.typeMismatch
            }
        }
        for memory in module.memories { try checkMemoryType(memory) }
        if memories.count > 1 && !features.contains(.multiMemory) { throw ValidationError("multiple memories") }
        if tables.count > 1 && !features.contains(.multipleTables) { throw ValidationError("multiple tables") }
        for tag in module.tags { try checkTagType(tag) }
        for (index, global) in module.globals.enumerated() {
            try checkValueType(global.type.valueType)
            try checkConstant(global.initializer, type: global.type.valueType, globalLimit: importedGlobalCount + index)
        }
        try checkExports()
        if let start = module.start {
            guard Int(start) < functions.count else { throw ValidationError.unknown("function", start) }
            let type = try functionType(functions[Int(start)])
            guard type.parameters.isEmpty && type.results.isEmpty else { throw ValidationError("start function") }
        }
        for segment in module.elements { try checkElementSegment(segment) }
        for segment in module.data {
            guard case .active(let memory, let offset) = segment.mode else { continue }
            guard Int(memory) < memories.count else { throw ValidationError.unknown("memory", memory) }
            try checkConstant(offset, type: memories[Int(memory)].limits.addressType.valueType, globalLimit: globals.count)
        }
    }

    // MARK: - Types

    func functionType(_ index: TypeIndex) throws(ValidationError) -> FunctionType {
        guard let type = types.functionType(index) else { throw ValidationError.unknown("type", index) }
        return type
    }

    /// Checks that concrete heap types name existing types (below `typeLimit` inside the type section).
    func checkValueType(_ type: ValueType, typeLimit: Int? = nil) throws(ValidationError) {
        if case .ref(let r) = type { try checkHeapType(r.heapType, typeLimit: typeLimit) }
    }

    func checkHeapType(_ type: HeapType, typeLimit: Int? = nil) throws(ValidationError) {
        if case .concrete(let index) = type, Int(index) >= (typeLimit ?? module.types.count) {
            throw ValidationError.unknown("type", index)
        }
    }

    func blockType(_ type: BlockType) throws(ValidationError) -> FunctionType {
        switch type {
        case .empty: return FunctionType()
        case .value(let t):
            try checkValueType(t)
            return FunctionType(results: [t])
        case .type(let index): return try functionType(index)
        }
    }

    private func checkLimits(_ limits: Limits, bound: UInt64, message: String) throws(ValidationError) {
        guard limits.min <= bound, (limits.max ?? 0) <= bound else { throw ValidationError(message) }
        if let max = limits.max, limits.min > max {
            throw ValidationError("size minimum must not be greater than maximum")
        }
    }

    func checkMemoryType(_ type: MemoryType) throws(ValidationError) {
        // At most 2^32 (or 2^64) bytes' worth of pages.
        let bound: UInt64 = type.limits.addressType == .i32 ? 1 << 16 : 1 << 48
        try checkLimits(type.limits, bound: bound, message: type.limits.addressType == .i32
            ? "memory size must be at most 65536 pages (4GiB)" : "memory size must be at most 2^48 pages")
        if type.limits.isShared && type.limits.max == nil { throw ValidationError("shared memory must have maximum") }
    }

    func checkTableType(_ type: TableType) throws(ValidationError) {
        try checkHeapType(type.elementType.heapType)
        let bound: UInt64 = type.limits.addressType == .i32 ? UInt64(UInt32.max) : UInt64.max
        try checkLimits(type.limits, bound: bound, message: "table size must be at most 2^32-1")
    }

    func checkTagType(_ type: TagType) throws(ValidationError) {
        guard try functionType(type.typeIndex).results.isEmpty else { throw ValidationError("non-empty tag result type") }
    }

    // MARK: - Exports, segments and constant expressions

    /// The functions that `module` names outside its function bodies.
    private static func declaredFunctions(of module: Module) -> Set<FunctionIndex> {
        var declared: Set<FunctionIndex> = []
        func collect(_ expression: ConstantExpression) {
            for instruction in expression.instructions where instruction.opcode == .refFunc {
                if case .index(let f) = instruction.immediate { declared.insert(f) }
            }
        }
        for global in module.globals { collect(global.initializer) }
        for table in module.tables { if let e = table.initializer { collect(e) } }
        for segment in module.elements {
            switch segment.items {
            case .functions(let f): declared.formUnion(f)
            case .expressions(let e): e.forEach(collect)
            }
        }
        for export in module.exports { if case .function(let f) = export.descriptor { declared.insert(f) } }
        return declared
    }

    private func checkExports() throws(ValidationError) {
        // Names are compared as bytes: Swift's String equality would merge canonically equivalent names.
        var names: Set<[UInt8]> = []
        for export in module.exports {
            guard names.insert(Array(export.name.utf8)).inserted else { throw ValidationError("duplicate export name") }
            switch export.descriptor {
            case .function(let i): guard Int(i) < functions.count else { throw ValidationError.unknown("function", i) }
            case .table(let i): guard Int(i) < tables.count else { throw ValidationError.unknown("table", i) }
            case .memory(let i): guard Int(i) < memories.count else { throw ValidationError.unknown("memory", i) }
            case .global(let i): guard Int(i) < globals.count else { throw ValidationError.unknown("global", i) }
            case .tag(let i): guard Int(i) < tags.count else { throw ValidationError.unknown("tag", i) }
            }
        }
    }

    private func checkElementSegment(_ segment: ElementSegment) throws(ValidationError) {
        try checkHeapType(segment.type.heapType)
        switch segment.items {
        case .functions(let indices):
            for f in indices where Int(f) >= functions.count { throw ValidationError.unknown("function", f) }
        case .expressions(let expressions):
            for e in expressions { try checkConstant(e, type: .ref(segment.type), globalLimit: globals.count) }
        }
        if case .active(let table, let offset) = segment.mode {
            guard Int(table) < tables.count else { throw ValidationError.unknown("table", table) }
            let tableType = tables[Int(table)]
            try checkConstant(offset, type: tableType.limits.addressType.valueType, globalLimit: globals.count)
            guard types.isSubtype(segment.type, tableType.elementType) else { throw ValidationError.typeMismatch }
        }
    }

    /// Checks a constant expression of type `type`; `global.get` may name globals below `globalLimit`.
    func checkConstant(_ expression: ConstantExpression, type: ValueType, globalLimit: Int) throws(ValidationError) {
        var stack: [ValueType] = []
        func pop(_ expected: ValueType) throws(ValidationError) {
            guard let top = stack.popLast(), top == expected else { throw ValidationError.typeMismatch }
        }
        for instruction in expression.instructions {
            switch (instruction.opcode, instruction.immediate) {
            case (.i32Const, _): stack.append(.i32)
            case (.i64Const, _): stack.append(.i64)
            case (.f32Const, _): stack.append(.f32)
            case (.f64Const, _): stack.append(.f64)
            case (.v128Const, _): stack.append(.v128)
            case (.refNull, .heapType(let h)):
                try checkHeapType(h)
                stack.append(.ref(ReferenceType(isNullable: true, heapType: h)))
            case (.refFunc, .index(let f)):
                guard Int(f) < functions.count else { throw ValidationError.unknown("function", f) }
                stack.append(.ref(ReferenceType(isNullable: false, heapType: .concrete(functions[Int(f)]))))
            case (.globalGet, .index(let g)):
                guard Int(g) < globalLimit else { throw ValidationError.unknown("global", g) }
                guard !globals[Int(g)].isMutable else { throw ValidationError.constantExpressionRequired }
                stack.append(globals[Int(g)].valueType)
            case (.i32Add, _), (.i32Sub, _), (.i32Mul, _):
                try pop(.i32)
                try pop(.i32)
                stack.append(.i32)
            case (.i64Add, _), (.i64Sub, _), (.i64Mul, _):
                try pop(.i64)
                try pop(.i64)
                stack.append(.i64)
            default:
                throw ValidationError("constant expression required", offset: expression.offset)
            }
        }
        guard stack.count == 1, types.isSubtype(stack[0], type) else {
            throw ValidationError("type mismatch", offset: expression.offset)
        }
    }
}
