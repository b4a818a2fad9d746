import Synchronization

/// A host function: its type and the Swift closure that implements it.
public struct HostFunction: Sendable {
    public var type: FunctionType
    public var body: @Sendable (inout Caller, [Value]) throws -> [Value]

    /// - Parameters:
    ///   - type: the wasm type the function is imported as.
    ///   - body: receives the caller (for memory access) and the arguments; returns the results. Throwing a
    ///     `Trap` traps the guest; any other error ends the call as a trap with the error's description.
    public init(type: FunctionType, body: @escaping @Sendable (inout Caller, [Value]) throws -> [Value]) {
        self.type = type
        self.body = body
    }
}

/// What a host function sees of its caller.
public struct Caller {
    /// The instance whose code made the call, if it was wasm code.
    public let instance: Instance?
    /// The execution context, for calling back into wasm.
    public let context: ExecutionContext

    /// The caller's memory `index`, if it has one.
    public func memory(_ index: Int = 0) -> Memory? {
        guard let instance, index < instance.memories.count else { return nil }
        return instance.memories[index]
    }
}

/// A function instance: wasm code of an instance, or a host function.
public final class Function: @unchecked Sendable {
    public let type: FunctionType
    /// The store-wide id of the type, for `call_indirect` checks across modules.
    let typeID: Int
    /// The address in the store; function references hold it.
    public internal(set) var address: Int = -1
    /// The `identity` of the store the function was registered in.
    var storeIdentity = 0

    enum Body {
        /// Defined function `index` of `instance` (unowned: the store keeps instances alive).
        case wasm(instance: Unmanaged<Instance>, index: Int)
        case host(HostFunction)
    }

    let body: Body
    /// The compiled code of a wasm function, made on first call.
    @exclusivity(unchecked) var compiled: CompiledFunction? {
        didSet { compiledReference = compiled.map { Unmanaged.passUnretained($0) } }
    }
    /// `compiled` for the call path, which reads it without reference counting.
    @exclusivity(unchecked) private(set) var compiledReference: Unmanaged<CompiledFunction>?
    /// For the call path, which should not switch over `body`: the instance of a wasm function (nil for a
    /// host function) and its index among the instance's defined functions.
    let definingInstance: Unmanaged<Instance>?
    let definedIndex: Int

    init(type: FunctionType, typeID: Int, body: Body) {
        self.type = type
        self.typeID = typeID
        self.body = body
        if case .wasm(let instance, let index) = body {
            definingInstance = instance
            definedIndex = index
        } else {
            definingInstance = nil
            definedIndex = 0
        }
    }
}

/// The compiled functions of an instance: one entry per defined function, set once. The run loop finds a
/// `callDefined` op's callee here in one load. A clone starts with a copy (clones run the same code) and goes on
/// alone: a fork's parent and child run on two host threads, and the run loop reads entries without a lock.
final class CompiledCode: @unchecked Sendable {
    /// Entries hold a reference each (released in `deinit`).
    let entries: UnsafeMutablePointer<Unmanaged<CompiledFunction>?>
    private let count: Int
    private let lock = Lock()

    init(count: Int) {
        self.count = count
        entries = .allocate(capacity: max(count, 1))
        entries.initialize(repeating: nil, count: max(count, 1))
    }

    /// A copy of `other`'s entries, for a clone.
    convenience init(copying other: CompiledCode) {
        self.init(count: other.count)
        other.lock.lock()
        defer { other.lock.unlock() }
        for i in 0..<count { entries[i] = other.entries[i].map { $0.retain() } }
    }

    deinit {
        for i in 0..<count { entries[i]?.release() }
        entries.deallocate()
    }

    /// The code of defined function `index`, made by `compile` on first use (threads asking at the same time
    /// compile it once).
    func code(_ index: Int, compile: () -> CompiledFunction) -> CompiledFunction {
        lock.lock()
        defer { lock.unlock() }
        if let entry = entries[index] { return entry.takeUnretainedValue() }
        let compiled = compile()
        // Threads sharing the instance read entries without the lock: the code must be visible before the entry.
        atomicMemoryFence(ordering: .releasing)
        entries[index] = Unmanaged.passRetained(compiled)
        return compiled
    }
}

/// A function body translated for the run loop.
final class CompiledFunction: @unchecked Sendable {
    /// The function's index in its module, imports included (the same in every instance sharing this code).
    let functionIndex: Int
    /// The ops in threaded form (`Op.threaded`), followed in the same allocation by every `br_table`'s targets,
    /// flattened: for each table its count, then its targets (`Int32`s).
    let code: UnsafePointer<Inst>
    /// The ops as the compiler made them, index for index: what `run(until:)` reads for the ops that leave the
    /// threaded code.
    let ops: UnsafeMutablePointer<Op>
    let codeCount: Int
    /// Slots of parameters and locals; the locals after the parameters are zeroed on entry.
    let parameterSlots: Int
    let localSlots: Int
    /// What a new frame holds after its parameters: zeroed locals, then the constant slots. One copy fills both.
    let frameTemplate: UnsafeMutablePointer<UInt64>
    let frameTemplateCount: Int
    /// Slots the frame needs at most: parameters, locals and the operand stack.
    let frameSize: Int
    let v128Constants: [V128]
    /// Accesses of the ops that name one (`Op.atomic` and the vector lane ops).
    let memoryAccesses: [MemoryAccess]
    let handlers: [ExceptionHandler]

    init(functionIndex: Int, code: [Op], parameterSlots: Int, localSlots: Int, constants: [UInt64], frameSize: Int,
         branchTables: [[Int32]], v128Constants: [V128], memoryAccesses: [MemoryAccess], handlers: [ExceptionHandler]) {
        var template = [UInt64](repeating: 0, count: localSlots - parameterSlots) + constants
        // Whole groups of four: `initializeFrame` copies them without a loop the optimiser would make a call.
        template += [UInt64](repeating: 0, count: (4 - template.count % 4) % 4)
        frameTemplate = .allocate(capacity: max(template.count, 1))
        frameTemplate.initialize(from: template, count: template.count)
        frameTemplateCount = template.count
        self.functionIndex = functionIndex
        let flat = branchTables.flatMap { [Int32($0.count)] + $0 }
        let codeBytes = code.count * MemoryLayout<Inst>.stride
        let storage = UnsafeMutableRawPointer.allocate(
            byteCount: max(codeBytes + flat.count * MemoryLayout<Int32>.stride, 1), alignment: MemoryLayout<Inst>.alignment)
        let instructions = storage.bindMemory(to: Inst.self, capacity: code.count)
        for (index, op) in code.enumerated() { (instructions + index).initialize(to: op.threaded) }
        self.code = UnsafePointer(instructions)
        ops = .allocate(capacity: max(code.count, 1))
        ops.initialize(from: code, count: code.count)
        (storage + codeBytes).bindMemory(to: Int32.self, capacity: flat.count).initialize(from: flat, count: flat.count)
        codeCount = code.count
        self.parameterSlots = parameterSlots
        self.localSlots = localSlots
        self.frameSize = max(frameSize, parameterSlots + template.count)
        self.v128Constants = v128Constants
        self.memoryAccesses = memoryAccesses
        self.handlers = handlers
    }

    /// Writes the template after a new frame's parameters at `slots`.
    @inline(__always)
    func initializeFrame(at slots: UnsafeMutablePointer<UInt64>) {
        @inline(__always) func copyGroup(_ i: Int) {
            let (a, b, c, d) = (frameTemplate[i], frameTemplate[i &+ 1], frameTemplate[i &+ 2], frameTemplate[i &+ 3])
            slots[i] = a
            slots[i &+ 1] = b
            slots[i &+ 2] = c
            slots[i &+ 3] = d
        }
        // Most templates are one group: it is copied outside the loop, which costs more to set up.
        guard frameTemplateCount > 0 else { return }
        copyGroup(0)
        var i = 4
        while i < frameTemplateCount {
            copyGroup(i)
            i &+= 4
        }
    }

    deinit {
        ops.deinitialize(count: codeCount)
        ops.deallocate()
        code.deallocate()
        frameTemplate.deallocate()
    }
}

/// A `try_table` catch clause in compiled form: active for code indices in `range`, innermost first.
struct ExceptionHandler {
    enum Kind: Equatable { case tag(UInt32), all }
    /// `target` for a clause that branches to the function's own label: return with the payload as results.
    static let returnTarget: Int32 = -2
    var range: Range<Int32>
    /// How many `try_table`s enclose this clause's own (1 for an outermost one); inner ones are tried first.
    var depth: Int
    var kind: Kind
    /// Whether the exception reference is passed to the label too.
    var passesReference: Bool
    /// Where the payload (and reference) go, and where to continue.
    var base: Slot
    var target: Int32
}
