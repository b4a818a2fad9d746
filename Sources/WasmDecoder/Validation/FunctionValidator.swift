/// Validates one function body with the spec's algorithm
/// (<https://webassembly.github.io/spec/core/appendix/algorithm.html>): an operand stack of types, where
/// `nil` is the unknown type left after `unreachable` or a branch, and a stack of control frames.
struct FunctionValidator {
    let context: ModuleValidator
    let function: FunctionIndex
    let type: FunctionType
    var reader: ByteReader
    var locals: [ValueType]
    /// Whether each local has been set; only non-defaultable locals start unset.
    var initialized: [Bool]
    /// Locals set since function entry, so a block's end can forget the ones its body set.
    var initializationLog: [LocalIndex] = []
    let operands = TypeStack()
    var frames: [ControlFrame] = []
    var maxHeight = 0
    /// Offset of the instruction being validated.
    var offset = 0

    struct ControlFrame {
        enum Kind { case function, block, loop, `if`, `else`, tryTable }
        var kind: Kind
        var startTypes: [ValueType]
        var endTypes: [ValueType]
        var height: Int
        var initializationHeight: Int
        var unreachable = false

        var labelTypes: [ValueType] { kind == .loop ? startTypes : endTypes }
    }

    init(module: ModuleValidator, function: FunctionIndex, type: FunctionType, body: FunctionBody) throws(ValidationError) {
        self.context = module
        self.function = function
        self.type = type
        self.reader = ByteReader(bytes: module.module.bytes, position: body.code.lowerBound, regionEnd: body.code.upperBound)
        let declared = body.localTypes
        self.locals = type.parameters + declared
        self.initialized = type.parameters.map { _ in true } + declared.map(\.isDefaultable)
        for local in declared { try module.checkValueType(local) }
    }

    /// Validates the body and returns the maximum operand stack height.
    mutating func validate() throws(ValidationError) -> Int {
        begin()
        while !isComplete {
            let offset = reader.position
            let instruction: Instruction
            do {
                instruction = try reader.readInstruction()
            } catch {
                // The decoder already read every body, so a decode error here is a bug; report it as invalid.
                throw ValidationError("\(error)", function: function, offset: offset)
            }
            try step(instruction, at: offset)
        }
        return maxHeight
    }

    /// Opens the function's own frame, before the first `step`.
    mutating func begin() {
        frames.append(ControlFrame(kind: .function, startTypes: [], endTypes: type.results, height: 0,
                                   initializationHeight: 0))
    }

    /// Whether the body's last `end` has been validated.
    var isComplete: Bool { frames.isEmpty }

    /// Validates the body's next instruction, which starts at `offset` (`ModuleDecoder` feeds them one by one as it
    /// decodes, when it validates too).
    mutating func step(_ instruction: Instruction, at offset: Int) throws(ValidationError) {
        self.offset = offset
        do {
            try validate(instruction)
        } catch {
            throw ValidationError(error.message, function: function, offset: offset)
        }
    }

    // MARK: - Operand and control stacks

    @inline(__always)
    mutating func push(_ type: ValueType?) {
        operands.push(type)
        if operands.count > maxHeight { maxHeight = operands.count }
    }

    mutating func push(_ types: [ValueType]) {
        for t in types { push(t) }
    }

    /// Pops any operand; `nil` means unknown.
    mutating func pop() throws(ValidationError) -> ValueType? {
        // The frame's fields are read in place: copying the frame would retain and release its two arrays.
        let top = frames.count - 1
        if operands.count == frames[top].height {
            if frames[top].unreachable { return nil }
            throw ValidationError.typeMismatch
        }
        return operands.pop()
    }

    /// Pops an operand that must match `expected`; returns what was there (`nil` if unknown).
    @discardableResult
    mutating func pop(_ expected: ValueType) throws(ValidationError) -> ValueType? {
        let actual = try pop()
        if let actual, !context.types.isSubtype(actual, expected) { throw ValidationError.typeMismatch }
        return actual
    }

    /// Pops operands matching `types`, last first.
    mutating func pop(_ types: [ValueType]) throws(ValidationError) {
        var i = types.count
        while i > 0 {
            i -= 1
            try pop(types[i])
        }
    }

    /// Pops operands matching `types`, last first, and returns what was there.
    mutating func popReturning(_ types: [ValueType]) throws(ValidationError) -> [ValueType?] {
        var popped = [ValueType?](repeating: nil, count: types.count)
        for i in types.indices.reversed() { popped[i] = try pop(types[i]) }
        return popped
    }

    /// Pops a reference; returns it, or `nil` if unknown.
    mutating func popReference() throws(ValidationError) -> ReferenceType? {
        switch try pop() {
        case nil: return nil
        case .ref(let r): return r
        default: throw ValidationError.typeMismatch
        }
    }

    mutating func pushFrame(_ kind: ControlFrame.Kind, _ type: FunctionType) {
        frames.append(ControlFrame(kind: kind, startTypes: type.parameters, endTypes: type.results,
                                   height: operands.count, initializationHeight: initializationLog.count))
        push(type.parameters)
    }

    mutating func popFrame() throws(ValidationError) -> ControlFrame {
        try pop(frames[frames.count - 1].endTypes)
        guard operands.count == frames[frames.count - 1].height else { throw ValidationError.typeMismatch }
        let frame = frames.removeLast()
        while initializationLog.count > frame.initializationHeight {
            initialized[Int(initializationLog.removeLast())] = false
        }
        return frame
    }

    mutating func markUnreachable() {
        operands.truncate(to: frames[frames.count - 1].height)
        frames[frames.count - 1].unreachable = true
    }

    func label(_ depth: LabelDepth) throws(ValidationError) -> ControlFrame {
        guard Int(depth) < frames.count else { throw ValidationError.unknown("label", depth) }
        return frames[frames.count - 1 - Int(depth)]
    }

    // MARK: - Index spaces

    func memory(_ index: MemoryIndex) throws(ValidationError) -> MemoryType {
        guard Int(index) < context.memories.count else { throw ValidationError.unknown("memory", index) }
        return context.memories[Int(index)]
    }

    func table(_ index: TableIndex) throws(ValidationError) -> TableType {
        guard Int(index) < context.tables.count else { throw ValidationError.unknown("table", index) }
        return context.tables[Int(index)]
    }

    func global(_ index: GlobalIndex) throws(ValidationError) -> GlobalType {
        guard Int(index) < context.globals.count else { throw ValidationError.unknown("global", index) }
        return context.globals[Int(index)]
    }

    func functionType(ofFunction index: FunctionIndex) throws(ValidationError) -> FunctionType {
        guard Int(index) < context.functions.count else { throw ValidationError.unknown("function", index) }
        return try context.functionType(context.functions[Int(index)])
    }

    func tagType(_ index: TagIndex) throws(ValidationError) -> FunctionType {
        guard Int(index) < context.tags.count else { throw ValidationError.unknown("tag", index) }
        return try context.functionType(context.tags[Int(index)].typeIndex)
    }

    func elementType(_ index: ElementIndex) throws(ValidationError) -> ReferenceType {
        guard Int(index) < context.module.elements.count else { throw ValidationError.unknown("elem segment", index) }
        return context.module.elements[Int(index)].type
    }

    func checkData(_ index: DataIndex) throws(ValidationError) {
        guard index < (context.module.dataCount ?? UInt32(context.module.data.count)) else { throw ValidationError.unknown("data segment", index) }
    }
}

/// The validator's operand stack of types (`nil`: unknown), in a buffer of its own: a push or pop is a store or a
/// load, where an array would check that it is uniquely referenced on every change. Not shared: each body's
/// validator makes one.
final class TypeStack {
    private var storage: UnsafeMutablePointer<ValueType?>
    private var capacity = 64
    private(set) var count = 0

    init() { storage = .allocate(capacity: capacity) }

    deinit { storage.deallocate() }

    @inline(__always)
    func push(_ type: ValueType?) {
        if count == capacity { grow() }
        (storage + count).initialize(to: type)
        count += 1
    }

    @inline(never)
    private func grow() {
        let larger = UnsafeMutablePointer<ValueType?>.allocate(capacity: capacity * 2)
        larger.moveInitialize(from: storage, count: count)
        storage.deallocate()
        storage = larger
        capacity *= 2
    }

    /// Removes the top type (the caller checks the frame's height first; an empty stack gives unknown).
    func pop() -> ValueType? {
        guard count > 0 else { return nil }
        count -= 1
        return (storage + count).move()
    }

    /// The type `depth` below the top (0 is the top); the caller checks that there are that many.
    @inline(__always)
    subscript(fromTop depth: Int) -> ValueType? { storage[count - 1 - depth] }

    /// Removes the types above the first `height`.
    func truncate(to height: Int) {
        if height < count { count = max(height, 0) }
    }
}
