/// Something an instance exports or a module imports.
public enum ExternalValue: Sendable {
    case function(Function)
    case table(Table)
    case memory(Memory)
    case global(Global)
    case tag(Tag)
}

/// An instantiated module (<https://webassembly.github.io/spec/core/exec/runtime.html#module-instances>).
public final class Instance: @unchecked Sendable {
    public let module: ValidatedModule
    /// The store that owns this instance. Weak: the store owns its instances, so an instance must not keep
    /// it alive (see docs/RATIONALE.md, "The store owns everything").
    public private(set) weak var store: Store?
    /// The function index space: imports first.
    @exclusivity(unchecked) public internal(set) var functions: [Function] = []
    @exclusivity(unchecked) public internal(set) var tables: [Table] = []
    @exclusivity(unchecked) public internal(set) var memories: [Memory] = []
    @exclusivity(unchecked) public internal(set) var globals: [Global] = []
    @exclusivity(unchecked) public internal(set) var tags: [Tag] = []
    /// Element segments as reference slots; emptied by `elem.drop` and after active initialisation.
    @exclusivity(unchecked) var elements: [[UInt64]] = []
    /// Data segments; emptied by `data.drop` and after active initialisation.
    @exclusivity(unchecked) var data: [ArraySlice<UInt8>] = []
    /// Store-wide type id of each of the module's types.
    var typeIDs: [Int] = []
    /// Exports by name, compared as UTF-8 bytes: names that differ only by Unicode normalisation are different
    /// exports, though Swift's `String` would call them equal.
    var exportsByName: [[UInt8]: ExternalValue] = [:]

    /// Every export with its name.
    public var exports: [(name: String, value: ExternalValue)] {
        exportsByName.map { (String(decoding: $0.key, as: UTF8.self), $0.value) }
    }

    /// For the run loop: each memory's state and each global's storage, by index.
    @exclusivity(unchecked) private(set) var memoryStates: UnsafeMutablePointer<UnsafeMutablePointer<MemoryState>> = .allocate(capacity: 1)
    @exclusivity(unchecked) private(set) var globalStorage: UnsafeMutablePointer<UnsafeMutablePointer<UInt64>> = .allocate(capacity: 1)
    /// For the run loop: the function index space and the tables, without reference counting.
    @exclusivity(unchecked) private(set) var functionTable: UnsafeMutablePointer<Unmanaged<Function>> = .allocate(capacity: 1)
    @exclusivity(unchecked) private(set) var tableReferences: UnsafeMutablePointer<Unmanaged<Table>> = .allocate(capacity: 1)
    /// Memory 0's state, if the instance has a memory (the run loop caches it).
    @exclusivity(unchecked) private(set) var memory0State: UnsafeMutablePointer<MemoryState>?
    /// The compiled code of the defined functions.
    let compiledCode: CompiledCode

    init(module: ValidatedModule, store: Store, compiledCode: CompiledCode? = nil) {
        self.module = module
        self.store = store
        self.compiledCode = compiledCode ?? CompiledCode(count: module.module.functionTypeIndices.count)
    }

    deinit {
        memoryStates.deallocate()
        globalStorage.deallocate()
        functionTable.deallocate()
        tableReferences.deallocate()
    }

    /// Refreshes the run loop's views of memories and globals once they are all known.
    func finishLinking() {
        memoryStates.deallocate()
        memoryStates = .allocate(capacity: max(memories.count, 1))
        for (i, memory) in memories.enumerated() { memoryStates[i] = memory.state }
        globalStorage.deallocate()
        globalStorage = .allocate(capacity: max(globals.count, 1))
        for (i, global) in globals.enumerated() { globalStorage[i] = global.storage }
        functionTable.deallocate()
        functionTable = .allocate(capacity: max(functions.count, 1))
        for (i, function) in functions.enumerated() { functionTable[i] = Unmanaged.passUnretained(function) }
        tableReferences.deallocate()
        tableReferences = .allocate(capacity: max(tables.count, 1))
        for (i, table) in tables.enumerated() { tableReferences[i] = Unmanaged.passUnretained(table) }
        memory0State = memories.first?.state
    }

    /// The export called `name`.
    public func export(_ name: String) -> ExternalValue? { exportsByName[Array(name.utf8)] }

    /// The exported function called `name`.
    public func exportedFunction(_ name: String) -> Function? {
        if case .function(let f)? = exportsByName[Array(name.utf8)] { return f }
        return nil
    }

    /// The exported memory called `name`, or the first memory if `name` is nil.
    public func exportedMemory(_ name: String? = nil) -> Memory? {
        guard let name else { return memories.first }
        if case .memory(let m)? = exportsByName[Array(name.utf8)] { return m }
        return nil
    }

    /// The exported global called `name`.
    public func exportedGlobal(_ name: String) -> Global? {
        if case .global(let g)? = exportsByName[Array(name.utf8)] { return g }
        return nil
    }

    /// A debug name for function `index`: from the name section, else `func[index]`.
    func functionName(_ index: Int) -> String {
        module.module.names?.functionNames[FunctionIndex(index)] ?? "func[\(index)]"
    }
}

// MARK: - Cloning

extension Instance {
    /// A copy of this instance with its own memories, tables and globals, holding the same contents: the
    /// basis of `fork`. Functions are new objects bound to the copy but share the compiled code; tags are
    /// shared, and so are imported functions unless the copy goes to another store (made with
    /// `Store(sharingTypesWith:)`), where imported host functions are registered anew.
    /// Memories made copy-on-write (`Store.ResourceLimits.copyOnWriteMemories`) share their pages with the copy
    /// until either writes them; pass `othersWrite` if other threads may write them during the call, and they are
    /// copied instead.
    /// - Returns: `nil` if a memory cannot be allocated, or if the copy goes to another store and the instance
    ///   imports wasm functions (they cannot move with it).
    public func clone(into target: Store? = nil, othersWrite: Bool = false) -> Instance? {
        guard let source = self.store, let store = target ?? self.store else { return nil }
        let copy = Instance(module: module, store: store, compiledCode: CompiledCode(copying: compiledCode))
        copy.typeIDs = typeIDs
        let importedFunctionCount = module.module.importedFunctionTypeIndices.count
        var replaced: [ObjectIdentifier: ExternalValue] = [:]
        for (index, function) in functions.enumerated() {
            guard index >= importedFunctionCount else {
                guard store !== source else {
                    copy.functions.append(function)
                    continue
                }
                guard case .host = function.body else { return nil }
                let moved = Function(type: function.type, typeID: function.typeID, body: function.body)
                store.register(moved)
                copy.functions.append(moved)
                replaced[ObjectIdentifier(function)] = .function(moved)
                continue
            }
            let clone = Function(type: function.type, typeID: function.typeID,
                                 body: .wasm(instance: Unmanaged.passUnretained(copy), index: index - importedFunctionCount))
            clone.compiled = function.compiled
            store.register(clone)
            copy.functions.append(clone)
            replaced[ObjectIdentifier(function)] = .function(clone)
        }
        for memory in memories {
            guard let clone = memory.clone(othersWrite: othersWrite) else { return nil }
            copy.memories.append(clone)
            replaced[ObjectIdentifier(memory)] = .memory(clone)
        }
        for table in tables {
            let clone = table.clone()
            copy.tables.append(clone)
            replaced[ObjectIdentifier(table)] = .table(clone)
        }
        for global in globals {
            let clone = global.clone()
            copy.globals.append(clone)
            replaced[ObjectIdentifier(global)] = .global(clone)
        }
        copy.tags = tags
        copy.elements = elements
        copy.data = data
        for (name, value) in exportsByName {
            let identity: ObjectIdentifier
            switch value {
            case .function(let f): identity = ObjectIdentifier(f)
            case .memory(let m): identity = ObjectIdentifier(m)
            case .table(let t): identity = ObjectIdentifier(t)
            case .global(let g): identity = ObjectIdentifier(g)
            case .tag(let t): identity = ObjectIdentifier(t)
            }
            copy.exportsByName[name] = replaced[identity] ?? value
        }
        // References to the original's functions in the copied tables point at the copy's functions.
        let addressMap = Dictionary(zip(functions.map { UInt64($0.address) + 1 }, copy.functions.map { UInt64($0.address) + 1 }),
                                    uniquingKeysWith: { first, _ in first })
        for table in copy.tables {
            table.elements = table.elements.map { addressMap[$0] ?? $0 }
        }
        copy.elements = copy.elements.map { $0.map { addressMap[$0] ?? $0 } }
        for global in copy.globals where global.type.valueType.isReference {
            global.storage[0] = addressMap[global.storage[0]] ?? global.storage[0]
        }
        copy.finishLinking()
        store.instances.append(copy)
        return copy
    }
}
