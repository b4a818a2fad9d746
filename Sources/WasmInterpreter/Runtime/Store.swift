import Synchronization

/// Everything instances share: function addresses, exceptions in flight, and interned types.
public final class Store: @unchecked Sendable {
    var functions: [Function] = []
    var exceptions: [ExceptionInstance] = []
    var instances: [Instance] = []
    private var typeIDs: [FunctionType: Int] = [:]
    /// The interned types by id (`typeIDs` the other way round).
    private var typesByID: [FunctionType] = []
    /// Limits applied to new memories, tables and execution contexts.
    public var limits: ResourceLimits
    /// Samples the guest code of this store's execution contexts (those made after it is set).
    public var profiler: Profiler?
    /// Whether a `call_indirect` may reach a function of another type whose parameters begin those of the call's
    /// type, as a C call through a cast function pointer does natively (extra arguments are ignored, missing
    /// results read as whatever their slots held, extra ones are dropped), instead of trapping. Off by default,
    /// as the spec says; WASIX programs turn it on (docs/RATIONALE.md, "Function pointer casts").
    public var allowsFunctionPointerCasts = false

    /// Resource limits.
    public struct ResourceLimits: Sendable {
        /// Most pages a memory may have (65536 pages = 4 GiB): a larger minimum fails instantiation, growth
        /// beyond it fails.
        public var memoryPages: UInt64 = 65536
        /// Most elements a table may have: a larger minimum fails instantiation, growth beyond it fails.
        public var tableElements: UInt64 = 10_000_000
        /// Most nested wasm calls.
        public var callDepth: Int = 100_000
        /// Size of the value stack in 8-byte slots.
        public var stackSlots: Int = 4 << 20
        /// The bytes all linear memories of the stores that share this value may hold together (a process
        /// tree's, in WASIX); `nil` is unlimited.
        public var memoryBudget: MemoryBudget?
        /// Whether memories are made so that `Instance.clone()` (WASIX's `fork`) shares their pages copy-on-write
        /// instead of copying them (on Linux; each such memory holds a memory file descriptor).
        public var copyOnWriteMemories = true
        /// Most loop iterations plus function entries one invocation may execute; `nil` is unlimited.
        public var fuel: Int?
        /// Longest wall-clock time one invocation may run; `nil` is unlimited.
        public var timeout: Duration?
        /// The most a module may declare, for whoever decodes modules for this store: `wasix-run`, WASIX's `exec`
        /// and `spawn`, or an embedder passing it to `ValidatedModule(contentsOfFile:limits:)`. Instantiation
        /// takes a module as it was validated.
        public var module = ImplementationLimits()

        /// Whether compiled code must count its work (a fuel limit is set). Counting costs one op per loop
        /// iteration and call, so it is compiled in only when asked for; timeouts need no op (see
        /// `ExecutionContext.safepoint`).
        var metersExecution: Bool { fuel != nil }

        public init() {}
    }

    public init(limits: ResourceLimits = ResourceLimits()) {
        self.limits = limits
    }

    /// The function type interned as `id`, if any.
    func functionType(id: Int) -> FunctionType? {
        lock.lock()
        defer { lock.unlock() }
        return typesByID.indices.contains(id) ? typesByID[id] : nil
    }

    /// A new store with the limits, type ids and exceptions of `other`, so that code compiled for `other` (which
    /// holds type ids) runs unchanged in it: what a forked process gets.
    public convenience init(sharingTypesWith other: Store) {
        self.init(limits: other.limits)
        profiler = other.profiler
        allowsFunctionPointerCasts = other.allowsFunctionPointerCasts
        other.lock.lock()
        defer { other.lock.unlock() }
        typeIDs = other.typeIDs
        typesByID = other.typesByID
        exceptions = other.exceptions
    }

    /// The function at `address`, for resolving function references.
    public func function(at address: Int) -> Function? {
        lock.lock()
        defer { lock.unlock() }
        return address >= 0 && address < functions.count ? functions[address] : nil
    }

    /// The exception at `address`; other threads may be registering exceptions meanwhile.
    func exception(_ address: Int) -> ExceptionInstance {
        lock.lock()
        defer { lock.unlock() }
        return exceptions[address]
    }

    /// A number no other store in this process has, so a function can tell which store it belongs to.
    let identity = Store.nextIdentity.wrappingAdd(1, ordering: .relaxed).newValue
    private static let nextIdentity = Atomic<Int>(0)

    /// Serialises registration and compilation between threads of one store.
    let lock = Lock()

    /// `functions` for the run loop, without reference counting. When it grows, the old buffer is kept until the
    /// store goes away: another thread may still be reading it, and its entries stay valid.
    @exclusivity(unchecked) private(set) var functionReferences: UnsafeMutablePointer<Unmanaged<Function>> =
        .allocate(capacity: 64)
    private var functionCapacity = 64
    private var retiredReferences: [UnsafeMutablePointer<Unmanaged<Function>>] = []

    deinit {
        functionReferences.deallocate()
        for buffer in retiredReferences { buffer.deallocate() }
    }

    func register(_ function: Function) {
        lock.lock()
        defer { lock.unlock() }
        function.address = functions.count
        function.storeIdentity = identity
        if functions.count == functionCapacity {
            let larger = UnsafeMutablePointer<Unmanaged<Function>>.allocate(capacity: functionCapacity * 2)
            larger.initialize(from: functionReferences, count: functions.count)
            retiredReferences.append(functionReferences)
            functionReferences = larger
            functionCapacity *= 2
        }
        (functionReferences + functions.count).initialize(to: Unmanaged.passUnretained(function))
        functions.append(function)
    }

    func register(_ exception: ExceptionInstance) -> Int {
        lock.lock()
        defer { lock.unlock() }
        exceptions.append(exception)
        return exceptions.count - 1
    }

    /// Creates a host function in this store, e.g. to put in a table.
    public func hostFunction(_ host: HostFunction) -> Function {
        let function = Function(type: host.type, typeID: typeID(host.type, canonical: []), body: .host(host))
        register(function)
        return function
    }

    /// A store-wide id for a function type of a module; `canonical` holds the ids of the module's types before it,
    /// so types that refer to other types compare across modules.
    func typeID(_ type: FunctionType, canonical: [Int], selfIndex: Int = -1) -> Int {
        func resolve(_ t: ValueType) -> ValueType {
            guard case .ref(var r) = t, case .concrete(let index) = r.heapType else { return t }
            let id = Int(index) == selfIndex ? UInt32.max : (Int(index) < canonical.count ? UInt32(canonical[Int(index)]) : index)
            r.heapType = .concrete(id)
            return .ref(r)
        }
        let key = FunctionType(parameters: type.parameters.map(resolve), results: type.results.map(resolve))
        if let id = typeIDs[key] { return id }
        typeIDs[key] = typesByID.count
        typesByID.append(key)
        return typesByID.count - 1
    }
}

// MARK: - Host-made entities

extension Store {
    /// A global for importing, holding `value`.
    public func global(_ type: GlobalType, _ value: Value) -> Global {
        Global(type: type, value: value)
    }

    /// A table of `type.limits.min` null elements, or `nil` beyond the store's limits.
    public func table(_ type: TableType) -> Table? {
        guard type.limits.min <= limits.tableElements else { return nil }
        return Table(type: type, elementLimit: limits.tableElements)
    }

    /// A zeroed memory of `type.limits.min` pages, or `nil` beyond the store's limits or if it cannot be allocated.
    public func memory(_ type: MemoryType) -> Memory? {
        Memory(type: type, pageLimit: limits.memoryPages, budget: limits.memoryBudget,
               copyOnWrite: limits.copyOnWriteMemories)
    }
}
