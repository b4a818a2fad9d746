/// Translates a validated function body into `Op`s with static frame slots and resolved branch targets.
///
/// The compiler mirrors the validator's operand stack, but tracks where each value lives: a frame is
/// `[parameters][locals][operands]`, every value takes one slot (v128 two), so the slot of every operand is
/// known statically. Code after an unconditional branch is skipped until the enclosing block ends.
///
/// `local.get` and constants emit nothing at first: the operand remembers that its value is in a local's slot
/// or is a constant, and the op that consumes it reads the local directly (a constant is written to the
/// operand's own slot just before). Before anything that joins or leaves control flow, and before a local is
/// overwritten, such operands are written to their own slots. `local.set` of a freshly computed value makes
/// the op that computed it write the local directly, and a comparison followed by `br_if` or `if` becomes
/// one compare-and-jump op. The body's constants get slots of their own after the locals, filled on entry
/// from `CompiledFunction.constants`, so that ops read them like locals.
struct Compiler {
    let instance: Instance
    let module: Module
    let type: FunctionType
    var reader: ByteReader
    /// The module's imported functions (`Module.importedFunctionTypeIndices` makes an array each time).
    let importedFunctionCount: Int

    var code: [Op] = []
    var branchTables: [[Int32]] = []
    /// The code index of each branch table's `branchTable` op.
    var branchTableSites: [Int] = []
    var v128Constants: [V128] = []
    var memoryAccesses: [MemoryAccess] = []
    var handlers: [ExceptionHandler] = []

    /// Type and slot of each local (parameters first).
    var localTypes: [ValueType] = []
    var localSlots: [Slot] = []
    var parameterSlots = 0
    var localSlotCount = 0
    /// The constants of the body and the slot of each, after the locals.
    var constants: [UInt64] = []
    var constantSlots = ConstantMap()
    /// The most constants a frame holds; a body with more writes the others with ops.
    static let constantLimit = 64

    /// The operand stack: each value's type, its own slot, and where the value is until it is materialized.
    var stack: [Operand] = []
    /// The last op emitted, if it computed the value now in `slot` (for `local.set`, compare-and-jump and
    /// address folding). Cleared wherever a label may be placed: no op before a label may absorb one after it.
    var lastResult: (index: Int, slot: Slot)?
    /// Where the last label was placed: the code index a branch may land on.
    var labelPosition = 0

    struct Operand {
        enum Source: Equatable {
            /// The value is in the operand's own slot.
            case own
            /// The value is in a local's slot.
            case local(Slot)
            /// The value is this constant (bit pattern), not yet written anywhere.
            case constant(UInt64)
        }

        var type: ValueType
        var slot: Slot
        var source: Source = .own
    }
    var height = 0
    var maxHeight = 0
    var blocks: [Block] = []
    /// Blocks opened inside unreachable code, which are skipped whole.
    var deadDepth = 0

    /// A place whose branch target is not known yet.
    enum Fixup {
        case op(Int)
        case tableEntry(table: Int, entry: Int)
        case handler(Int)
    }

    struct Block {
        enum Kind { case function, block, loop, `if`, `else`, tryTable }
        var kind: Kind
        var parameters: [ValueType]
        var results: [ValueType]
        /// Operand count and slot height below the block's parameters.
        var stackCount: Int
        var baseSlot: Int
        /// Start of the loop body, for branches to a loop.
        var loopStart = 0
        var fixups: [Fixup] = []
        /// The `jumpIfNot` of an `if`, to be pointed at its `else` or end.
        var elseFixup: Int?
        var unreachable = false
        /// Code index where a `try_table`'s body starts, and the indices of its handlers.
        var tryStart = 0
        var handlerIndices: [Int] = []

        var labelTypes: [ValueType] { kind == .loop ? parameters : results }
    }

    init(instance: Instance, function index: Int) {
        self.instance = instance
        module = instance.module.module
        importedFunctionCount = module.importedFunctionTypeIndices.count
        let body = module.bodies[index]
        type = module.types[Int(module.functionTypeIndices[index])].functionType
        reader = ByteReader(bytes: module.bytes, position: body.code.lowerBound, regionEnd: body.code.upperBound)
        localTypes = type.parameters + body.localTypes
        var slot = 0
        for (i, local) in localTypes.enumerated() {
            if i == type.parameters.count { parameterSlots = slot }
            localSlots.append(Slot(slot))
            slot += SlotEncoding.slotCount(local)
        }
        if type.parameters.count == localTypes.count { parameterSlots = slot }
        localSlotCount = slot
        collectConstants()
        height = slot + constants.count
        maxHeight = max(height, SlotEncoding.slotCount(type.results))
    }

    /// Gives the body's most used scalar constants (up to `constantLimit`) slots after the locals.
    private mutating func collectConstants() {
        /// Each constant's index in `order`, which holds them as first seen, with their number of uses.
        var index = ConstantMap()
        var order: [(bits: UInt64, uses: Int)] = []
        reader.scanConstants { bits in
            if let known = index[bits] {
                order[Int(known)].uses += 1
            } else {
                index[bits] = UInt32(order.count)
                order.append((bits, 1))
            }
        }
        let kept = Self.mostUsed(order.map(\.uses), limit: Self.constantLimit)
        constants.reserveCapacity(min(order.count, Self.constantLimit))
        for (i, constant) in order.enumerated() where kept[i] {
            constantSlots[constant.bits] = Slot(localSlotCount + constants.count)
            constants.append(constant.bits)
        }
    }

    /// Which of the constants used `uses` times (in first-seen order) get slots: the `limit` most used ones, and
    /// among equally used ones the first seen (what a stable sort by uses would put first), without sorting: all
    /// those used more than a threshold and the first ones used exactly that often.
    static func mostUsed(_ uses: [Int], limit: Int) -> [Bool] {
        guard uses.count > limit else { return [Bool](repeating: true, count: uses.count) }
        var counts = [Int](repeating: 0, count: (uses.max() ?? 0) + 1)
        for count in uses { counts[count] += 1 }
        var above = 0, threshold = counts.count - 1
        while above + counts[threshold] < limit {
            above += counts[threshold]
            threshold -= 1
        }
        var atThreshold = limit - above
        return uses.map { count in
            if count > threshold { return true }
            guard count == threshold, atThreshold > 0 else { return false }
            atThreshold -= 1
            return true
        }
    }

    /// Compiles the body.
    static func compile(_ instance: Instance, function index: Int) -> CompiledFunction {
        var compiler = Compiler(instance: instance, function: index)
        compiler.compileBody()
        compiler.makeJumpsRelative()
        return CompiledFunction(
            functionIndex: index + compiler.importedFunctionCount, code: compiler.code,
            parameterSlots: compiler.parameterSlots, localSlots: compiler.localSlotCount,
            constants: compiler.constants, frameSize: compiler.maxHeight + 2, branchTables: compiler.branchTables,
            v128Constants: compiler.v128Constants, memoryAccesses: compiler.memoryAccesses, handlers: compiler.handlers)
    }

    mutating func compileBody() {
        if instance.store?.limits.metersExecution == true { emit(.meter) }
        blocks.append(Block(kind: .function, parameters: [], results: type.results, stackCount: 0,
                            baseSlot: height))
        while !blocks.isEmpty {
            // The body was validated, so it decodes; stop cleanly if it somehow does not.
            guard let instruction = try? reader.readInstruction() else {
                code.append(.unreachable)
                return
            }
            if blocks[blocks.count - 1].unreachable {
                skip(instruction)
            } else {
                compile(instruction)
            }
        }
    }

    // MARK: - Stack

    mutating func push(_ type: ValueType, source: Operand.Source = .own) {
        stack.append(Operand(type: type, slot: Slot(height), source: source))
        height += SlotEncoding.slotCount(type)
        maxHeight = max(maxHeight, height)
    }

    @discardableResult
    mutating func pop() -> Operand {
        guard let top = stack.popLast() else { return Operand(type: .i32, slot: Slot(height)) }
        height = Int(top.slot)
        return top
    }

    /// The first slot of the operand stack, after the locals and constants: a value there is read once.
    var firstTemporary: Slot { Slot(localSlotCount + constants.count) }

    /// The value of `slot` if it is one of the frame's constant slots.
    func constant(in slot: Slot) -> UInt64? {
        let index = Int(slot) - localSlotCount
        return constants.indices.contains(index) ? constants[index] : nil
    }

    /// The slot an op reads `operand` from; a constant is written to the operand's own slot first.
    mutating func read(_ operand: Operand) -> Slot {
        switch operand.source {
        case .own: return operand.slot
        case .local(let slot): return slot
        case .constant(let bits):
            if let slot = constantSlots[bits] { return slot }
            emit(operand.type == .i64 || operand.type == .f64 ? .const64(bits, operand.slot)
                                                              : .const32(UInt32(truncatingIfNeeded: bits), operand.slot))
            return operand.slot
        }
    }

    /// Writes stack entry `index` to its own slot if it lives elsewhere.
    mutating func materialize(_ index: Int) {
        let operand = stack[index]
        guard operand.source != .own else { return }
        let source = read(operand)
        if source != operand.slot { emitCopy(operand.type, from: source, to: operand.slot) }
        stack[index].source = .own
    }

    /// Writes every stack entry to its own slot: needed wherever control flow joins or leaves.
    mutating func materializeAll() {
        for index in stack.indices { materialize(index) }
    }

    /// Places a label at the next op: nothing emitted so far may absorb what follows.
    mutating func placeLabel() {
        labelPosition = code.count
        lastResult = nil
    }

    /// Whether the next op may be fused into the last one emitted: no label lies between them.
    var lastOpIsFusable: Bool { !code.isEmpty && labelPosition != code.count }

    /// Records that the op just emitted computed the value of `slot`.
    mutating func emitted(result slot: Slot) {
        lastResult = (code.count - 1, slot)
    }

    mutating func pop(_ count: Int) {
        for _ in 0..<count { pop() }
    }

    /// The slot where the next pushed value will go.
    var top: Slot { Slot(height) }

    mutating func emit(_ op: Op) {
        code.append(op)
        lastResult = nil
    }

    /// Truncates the stack to `count` entries whose top is at slot `height`.
    mutating func truncate(to count: Int, height newHeight: Int) {
        if stack.count > count { stack.removeSubrange(count...) }
        height = newHeight
    }

    // MARK: - Branches

    /// Emits copies that move the top values of `types` to the slots starting at `base`.
    /// (The moved values must be materialized.)
    mutating func emitMoves(_ types: [ValueType], to base: Int) {
        var destination = base
        for entry in stack.suffix(types.count) {
            emitCopy(entry.type, from: entry.slot, to: Slot(destination))
            destination += SlotEncoding.slotCount(entry.type)
        }
    }

    /// Whether a branch to `depth` needs no copies.
    func branchIsInPlace(_ depth: Int) -> Bool {
        let block = blocks[blocks.count - 1 - depth]
        if block.kind == .function { return false }
        let types = block.labelTypes
        guard let first = stack.suffix(types.count).first else { return true }
        return Int(first.slot) == block.baseSlot
    }

    /// Emits an unconditional branch to label `depth`: moves, then a jump (or a return for the function label).
    mutating func emitBranch(_ depth: Int) {
        let index = blocks.count - 1 - depth
        let block = blocks[index]
        if block.kind == .function {
            emitReturn()
            return
        }
        emitMoves(block.labelTypes, to: block.baseSlot)
        emitJump(to: index) { .jump(target: $0) }
    }

    /// Emits `op(target)` jumping to block `index`'s label, registering a fixup for forward labels.
    mutating func emitJump(to index: Int, _ op: (Int32) -> Op) {
        if blocks[index].kind == .loop {
            emit(op(Int32(blocks[index].loopStart)))
        } else {
            blocks[index].fixups.append(.op(code.count))
            emit(op(-1))
        }
    }

    /// Moves the results to the frame's first slots and returns. A single result that the op just emitted
    /// computed is computed into slot 0 instead: nothing reads the frame after a return.
    mutating func emitReturn() {
        if type.results.count == 1, let value = stack.last, value.source == .own, let last = lastResult,
           last.index == code.count - 1, last.slot == value.slot, let direct = Self.withResult(code[last.index], 0) {
            code[last.index] = direct
        } else {
            emitMoves(type.results, to: 0)
        }
        emit(.return)
    }

    /// Points every fixup of `block` at the current code index.
    mutating func resolve(_ fixups: [Fixup]) {
        placeLabel()
        let target = Int32(code.count)
        for fixup in fixups {
            switch fixup {
            case .op(let i): code[i] = Self.retarget(code[i], target)
            case .tableEntry(let table, let entry): branchTables[table][entry] = target
            case .handler(let i): handlers[i].target = target
            }
        }
    }

    static func retarget(_ op: Op, _ target: Int32) -> Op { mapTarget(op) { _ in target } }

    /// `op` with its jump target `t` replaced by `transform(t)`; any other op unchanged. No `default:`: an op with
    /// a target that this switch forgot would keep an absolute target and jump astray.
    static func mapTarget(_ op: Op, _ transform: (Int32) -> Int32) -> Op {
        switch op {
        case .jump(let t): .jump(target: transform(t))
        case .jumpIf(let c, let t): .jumpIf(condition: c, target: transform(t))
        case .jumpIfNot(let c, let t): .jumpIfNot(condition: c, target: transform(t))
        case .branchOnNull(let s, let t): .branchOnNull(s, target: transform(t))
        case .branchOnNonNull(let s, let t): .branchOnNonNull(s, target: transform(t))
        case .jumpIfI32Eq(let a, let b, let t): .jumpIfI32Eq(a, b, target: transform(t))
        case .jumpIfI32Ne(let a, let b, let t): .jumpIfI32Ne(a, b, target: transform(t))
        case .jumpIfI32LtS(let a, let b, let t): .jumpIfI32LtS(a, b, target: transform(t))
        case .jumpIfI32LtU(let a, let b, let t): .jumpIfI32LtU(a, b, target: transform(t))
        case .jumpIfI32GtS(let a, let b, let t): .jumpIfI32GtS(a, b, target: transform(t))
        case .jumpIfI32GtU(let a, let b, let t): .jumpIfI32GtU(a, b, target: transform(t))
        case .jumpIfI32LeS(let a, let b, let t): .jumpIfI32LeS(a, b, target: transform(t))
        case .jumpIfI32LeU(let a, let b, let t): .jumpIfI32LeU(a, b, target: transform(t))
        case .jumpIfI32GeS(let a, let b, let t): .jumpIfI32GeS(a, b, target: transform(t))
        case .jumpIfI32GeU(let a, let b, let t): .jumpIfI32GeU(a, b, target: transform(t))
        case .jumpIfI32Eqz(let a, let t): .jumpIfI32Eqz(a, target: transform(t))
        case .jumpIfI32And(let a, let b, let t): .jumpIfI32And(a, b, target: transform(t))
        case .jumpIfF64Lt(let a, let b, let t): .jumpIfF64Lt(a, b, target: transform(t))
        case .jumpIfF64Gt(let a, let b, let t): .jumpIfF64Gt(a, b, target: transform(t))
        case .jumpIfF64Le(let a, let b, let t): .jumpIfF64Le(a, b, target: transform(t))
        case .jumpIfF64Ge(let a, let b, let t): .jumpIfF64Ge(a, b, target: transform(t))
        case .jumpIfNotF64Lt(let a, let b, let t): .jumpIfNotF64Lt(a, b, target: transform(t))
        case .jumpIfNotF64Gt(let a, let b, let t): .jumpIfNotF64Gt(a, b, target: transform(t))
        case .jumpIfNotF64Le(let a, let b, let t): .jumpIfNotF64Le(a, b, target: transform(t))
        case .jumpIfNotF64Ge(let a, let b, let t): .jumpIfNotF64Ge(a, b, target: transform(t))
        case .jumpIfNotI32And(let a, let b, let t): .jumpIfNotI32And(a, b, target: transform(t))
        case .i32AddJumpIfNe(var x): { x.target = transform(x.target); return .i32AddJumpIfNe(x) }()
        case .i32AddJumpIfLtU(var x): { x.target = transform(x.target); return .i32AddJumpIfLtU(x) }()
        case .i32AddJumpIfLtS(var x): { x.target = transform(x.target); return .i32AddJumpIfLtS(x) }()
        case .i32AddJumpIfGtU(var x): { x.target = transform(x.target); return .i32AddJumpIfGtU(x) }()
        case .i32AddJumpIfGtS(var x): { x.target = transform(x.target); return .i32AddJumpIfGtS(x) }()
        case .i32SubJumpIfNe(var x): { x.target = transform(x.target); return .i32SubJumpIfNe(x) }()
        case .i32SubJumpIfGtU(var x): { x.target = transform(x.target); return .i32SubJumpIfGtU(x) }()
        case .i32SubJumpIfGtS(var x): { x.target = transform(x.target); return .i32SubJumpIfGtS(x) }()
        case .jumpIfLoadI32Eqz(var x): { x.then = transform(x.then); return .jumpIfLoadI32Eqz(x) }()
        case .jumpIfLoadI32Nez(var x): { x.then = transform(x.then); return .jumpIfLoadI32Nez(x) }()
        case .jumpIfLoad8UEqz(var x): { x.then = transform(x.then); return .jumpIfLoad8UEqz(x) }()
        case .jumpIfLoad8UNez(var x): { x.then = transform(x.then); return .jumpIfLoad8UNez(x) }()
        case .copyJumpIf(let f, let d, let c, let t): .copyJumpIf(from: f, to: d, condition: c, target: transform(t))
        case .copyJumpIfNot(let f, let d, let c, let t):
            .copyJumpIfNot(from: f, to: d, condition: c, target: transform(t))
        case .i32AddJumpIfNez(var x): { x.target = transform(x.target); return .i32AddJumpIfNez(x) }()
        case .i32SubJumpIfNez(var x): { x.target = transform(x.target); return .i32SubJumpIfNez(x) }()
        case .jumpIfLoadI32Eq(var x): { x.target = transform(x.target); return .jumpIfLoadI32Eq(x) }()
        case .jumpIfLoadI32Ne(var x): { x.target = transform(x.target); return .jumpIfLoadI32Ne(x) }()
        case .jumpIfLoadI32LtS(var x): { x.target = transform(x.target); return .jumpIfLoadI32LtS(x) }()
        case .jumpIfLoadI32LtU(var x): { x.target = transform(x.target); return .jumpIfLoadI32LtU(x) }()
        case .jumpIfLoadI32GtS(var x): { x.target = transform(x.target); return .jumpIfLoadI32GtS(x) }()
        case .jumpIfLoadI32GtU(var x): { x.target = transform(x.target); return .jumpIfLoadI32GtU(x) }()
        // Every op without a target, listed so that a new op must be placed here or above.
        case .unreachable, .meter, .branchTable, .return, .call, .callDefined, .callIndirect, .callRef, .returnCall,
             .returnCallIndirect, .returnCallRef, .throw, .throwReference, .copy, .copyV128, .const32, .const64,
             .constV128, .select, .selectV128, .globalGet, .globalSet, .globalGetV128, .globalSetV128, .refFunction,
             .refIsNull, .refAsNonNull, .bulk,
             .addressOffset, .i32Load, .i64Load, .f32Load, .f64Load, .i32Load8S, .i32Load8U, .i32Load16S, .i32Load16U,
             .i64Load8S, .i64Load8U, .i64Load16S, .i64Load16U, .i64Load32S, .i64Load32U, .store8, .store16, .store32,
             .store64, .copy2, .i32LoadIndexed, .i64LoadIndexed, .i32Load8SIndexed, .i32Load8UIndexed,
             .i32Load16SIndexed, .i32Load16UIndexed, .store8Indexed, .store16Indexed, .store32Indexed,
             .store64Indexed, .i32LoadScaled, .i64LoadScaled, .store32Scaled, .store64Scaled, .store32Sum,
             .i32LoadEqz, .i32AndEqz, .i32AddAdd, .i32MulAdd, .i32ShlAdd, .i32XorAdd, .i32RotlXor, .i32AndXor,
             .i32ShrUAnd, .i32ShrUXor, .i32XorAnd, .i32SubAnd, .i32AddAnd, .i32XorMul, .f64MulAdd, .f64MulSub,
             .f64SubMul, .f64AddMul, .f64MulMul, .i32Eqz, .i64Eqz, .i32Eq, .i32Ne, .i32LtS, .i32LtU, .i32GtS, .i32GtU,
             .i32LeS, .i32LeU, .i32GeS, .i32GeU, .i64Eq, .i64Ne, .i64LtS, .i64LtU, .i64GtS, .i64GtU, .i64LeS, .i64LeU,
             .i64GeS, .i64GeU, .f32Eq, .f32Ne, .f32Lt, .f32Gt, .f32Le, .f32Ge, .f64Eq, .f64Ne, .f64Lt, .f64Gt, .f64Le,
             .f64Ge, .i32Clz, .i32Ctz, .i32Popcnt, .i32Add, .i32Sub, .i32Mul, .i32DivS, .i32DivU, .i32RemS, .i32RemU,
             .i32And, .i32Or, .i32Xor, .i32Shl, .i32ShrS, .i32ShrU, .i32Rotl, .i32Rotr, .i64Clz, .i64Ctz, .i64Popcnt,
             .i64Add, .i64Sub, .i64Mul, .i64DivS, .i64DivU, .i64RemS, .i64RemU, .i64And, .i64Or, .i64Xor, .i64Shl,
             .i64ShrS, .i64ShrU, .i64Rotl, .i64Rotr, .f32Abs, .f32Neg, .f32Ceil, .f32Floor, .f32Trunc, .f32Nearest,
             .f32Sqrt, .f32Add, .f32Sub, .f32Mul, .f32Div, .f32Min, .f32Max, .f32Copysign, .f64Abs, .f64Neg, .f64Ceil,
             .f64Floor, .f64Trunc, .f64Nearest, .f64Sqrt, .f64Add, .f64Sub, .f64Mul, .f64Div, .f64Min, .f64Max,
             .f64Copysign, .convert, .v128Load, .v128Store, .v128LoadPartial, .v128StoreLane, .simd, .simdLane,
             .shuffle, .atomic, .atomicFence: op
        }
    }

    /// Turns every jump target into a distance from the op after the jump (a `br_table`'s from the op after
    /// it), so that the run loop jumps by adding to its op pointer and needs no pointer to the code's start;
    /// likewise a `br_table`'s table, stored after the code (`CompiledFunction.init`), becomes a distance.
    mutating func makeJumpsRelative() {
        for i in code.indices { code[i] = Self.mapTarget(code[i]) { $0 - Int32(i) - 1 } }
        let opWords = MemoryLayout<Inst>.stride / MemoryLayout<Int32>.stride
        for (table, site) in branchTableSites.enumerated() {
            branchTables[table] = branchTables[table].map { $0 - Int32(site) - 1 }
            if case .branchTable(let index, let offset) = code[site] {
                code[site] = .branchTable(index: index, table: UInt32((code.count - site - 1) * opWords) + offset)
            }
        }
    }

    // MARK: - Unreachable code

    /// Skips an instruction of unreachable code, keeping track of nesting.
    mutating func skip(_ instruction: Instruction) {
        switch instruction.opcode {
        case .block, .loop, .if, .tryTable:
            deadDepth += 1
        case .else where deadDepth == 0:
            compileElse()
        case .end:
            if deadDepth > 0 { deadDepth -= 1 } else { compileEnd() }
        default:
            break
        }
    }

    /// Marks the rest of the current block unreachable; its operands are gone.
    mutating func markUnreachable() {
        let block = blocks[blocks.count - 1]
        truncate(to: block.stackCount, height: block.baseSlot)
        blocks[blocks.count - 1].unreachable = true
    }
}

/// A map from constants' bit patterns to small numbers (below `UInt32.max`), for the compiler's constant slots: open addressing with
/// linear probing and a multiplicative hash. `Dictionary` hashes with SipHash, which cost more than the rest of
/// the compiler's scan for constants.
struct ConstantMap {
    private var keys: [UInt64] = []
    /// The value of each entry plus one; 0 marks an empty one.
    private var values: [UInt32] = []
    private var count = 0

    private func index(of key: UInt64) -> Int {
        let mask = keys.count - 1
        var i = Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 32) & mask
        while values[i] != 0 && keys[i] != key { i = (i + 1) & mask }
        return i
    }

    subscript(key: UInt64) -> UInt32? {
        get {
            guard count > 0 else { return nil }
            let i = index(of: key)
            return values[i] == 0 ? nil : values[i] - 1
        }
        set {
            guard let newValue else { preconditionFailure("ConstantMap does not remove entries") }
            if (count + 1) * 2 > keys.count { grow() }
            let i = index(of: key)
            if values[i] == 0 { count += 1 }
            keys[i] = key
            values[i] = newValue + 1
        }
    }

    private mutating func grow() {
        let old = zip(keys, values).filter { $0.1 != 0 }
        let size = max(16, keys.count * 2)
        keys = [UInt64](repeating: 0, count: size)
        values = [UInt32](repeating: 0, count: size)
        for (key, value) in old {
            let i = index(of: key)
            keys[i] = key
            values[i] = value
        }
    }
}
