/// A slot number relative to the current frame's base.
typealias Slot = UInt32

/// A memory access: where the address is, where the value goes or comes from, the static offset and the memory.
/// An offset above `UInt32.max` (memory64 only) is added by an `addressOffset` op first.
struct MemoryOperand {
    var address: Slot
    var value: Slot
    var offset: UInt32
    /// The memory's index, with `wide` set for a 64-bit memory: exactly 0 for 32-bit memory 0, the fast path.
    var memory: UInt32

    static let wide: UInt32 = 1 << 31

    init(address: Slot, value: Slot, offset: UInt32, memory: UInt32, wide: Bool) {
        self.address = address
        self.value = value
        self.offset = offset
        self.memory = wide ? memory | Self.wide : memory
    }

    var memoryIndex: Int { Int(memory & ~Self.wide) }

    /// The address operand (an i32 for a 32-bit memory, an i64 for a 64-bit one).
    @inline(__always)
    func base(_ fp: UnsafeMutablePointer<UInt64>) -> UInt64 {
        memory & Self.wide != 0 ? fp[i64: address] : UInt64(fp[i32: address])
    }
}

/// An access to 32-bit memory 0 at `fp[base] + fp[index]` (32-bit arithmetic) plus `offset`: a memory op with the
/// `i32.add` that computed its address folded in. In the `Scaled` ops the index is first shifted left by the
/// access's size (2 for 4 bytes, 3 for 8): an array element's address, `i32.shl` by a constant folded in too.
struct IndexedAccess {
    var base: Slot
    var index: Slot
    var value: Slot
    var offset: UInt32
}

/// A 4-byte store to 32-bit memory 0 at `fp[address] + offset` of the sum `fp[lhs] + fp[rhs]`: an `i32.store` with
/// the `i32.add` that computed its value folded in.
struct StoredSum {
    var address: Slot
    var lhs: Slot
    var rhs: Slot
    var offset: UInt32
}

/// A load from 32-bit memory 0 that `i32.eqz` or a branch tests: the loaded value goes to `value`, and `then` is
/// the slot of the test's result or, in the branch forms, the jump target.
struct LoadTest {
    var address: Slot
    var offset: UInt32
    var value: Slot
    var then: Int32

    var operand: MemoryOperand {
        @inline(__always) get { MemoryOperand(address: address, value: value, offset: offset, memory: 0, wide: false) }
    }
}

/// A loop's counter step and exit test in one op: `counter = counter + step` (or `- step`), then a jump to `target`
/// if the new value compares with `bound` as the op says. A loop's `i32.add` (or `i32.sub`) and `br_if` on the sum.
struct CountedJump {
    var counter: Slot
    var step: Slot
    var bound: Slot
    var target: Int32
}

/// An `i32.load` from 32-bit memory 0 compared with slot `other` by a branch: the loaded value goes nowhere else.
struct LoadComparison {
    var address: Slot
    var offset: UInt32
    var other: Slot
    var target: Int32

    var operand: MemoryOperand {
        @inline(__always) get { MemoryOperand(address: address, value: other, offset: offset, memory: 0, wide: false) }
    }
}

/// A memory access that also names its instruction and lane (vector lanes, atomics): kept beside the code, in
/// `CompiledFunction.memoryAccesses`, so that `Op` stays small.
struct MemoryAccess {
    var operand: MemoryOperand
    var opcode: Opcode
    var lane: UInt8
}

/// The compiled form of an instruction. Operands name frame slots; a branch target is a distance in ops from the
/// op after the branch.
///
/// Ops whose operands the compiler always leaves in consecutive slots name only the first (`base`); the others
/// follow it in stack order and the result, if any, replaces the first.
///
/// No case carries more than 16 bytes (larger immediates live in side tables of `CompiledFunction`): the payload
/// is the operands of the op's threaded form (`Inst`), which has room for 16.
enum Op {
    // MARK: Control
    case unreachable
    /// Counts one unit of work against the invocation's fuel; compiled in only when the store sets a fuel limit.
    case meter
    case jump(target: Int32)
    case jumpIf(condition: Slot, target: Int32)
    case jumpIfNot(condition: Slot, target: Int32)
    /// A comparison fused with the branch that uses it: jump if `lhs <op> rhs` (i32).
    case jumpIfI32Eq(Slot, Slot, target: Int32), jumpIfI32Ne(Slot, Slot, target: Int32)
    case jumpIfI32LtS(Slot, Slot, target: Int32), jumpIfI32LtU(Slot, Slot, target: Int32)
    case jumpIfI32GtS(Slot, Slot, target: Int32), jumpIfI32GtU(Slot, Slot, target: Int32)
    case jumpIfI32LeS(Slot, Slot, target: Int32), jumpIfI32LeU(Slot, Slot, target: Int32)
    case jumpIfI32GeS(Slot, Slot, target: Int32), jumpIfI32GeU(Slot, Slot, target: Int32)
    case jumpIfI32Eqz(Slot, target: Int32)
    /// An f64 comparison fused with the branch that uses it: jump if `lhs <op> rhs` holds (or, `jumpIfNot`, fails:
    /// with a NaN operand both `<` and `>=` fail).
    case jumpIfF64Lt(Slot, Slot, target: Int32), jumpIfF64Gt(Slot, Slot, target: Int32)
    case jumpIfF64Le(Slot, Slot, target: Int32), jumpIfF64Ge(Slot, Slot, target: Int32)
    case jumpIfNotF64Lt(Slot, Slot, target: Int32), jumpIfNotF64Gt(Slot, Slot, target: Int32)
    case jumpIfNotF64Le(Slot, Slot, target: Int32), jumpIfNotF64Ge(Slot, Slot, target: Int32)
    /// An `i32.and` tested by a branch: jump if `lhs & rhs` is nonzero (or zero), a bit test.
    case jumpIfI32And(Slot, Slot, target: Int32), jumpIfNotI32And(Slot, Slot, target: Int32)
    /// An `i32.load` tested by `i32.eqz` and a branch: jump if the loaded value is zero (or not).
    case jumpIfLoadI32Eqz(LoadTest), jumpIfLoadI32Nez(LoadTest)
    /// An `i32.load8_u` tested by a branch: the byte goes to `value`, then jump if it is zero (or not).
    case jumpIfLoad8UEqz(LoadTest), jumpIfLoad8UNez(LoadTest)
    /// A copy (`local.set` of a local, say) and then a branch: jump if `condition` is nonzero (or zero).
    case copyJumpIf(from: Slot, to: Slot, condition: Slot, target: Int32)
    case copyJumpIfNot(from: Slot, to: Slot, condition: Slot, target: Int32)
    /// An `i32.load` compared by a branch: jump if `loaded <op> other`.
    case jumpIfLoadI32Eq(LoadComparison), jumpIfLoadI32Ne(LoadComparison)
    case jumpIfLoadI32LtS(LoadComparison), jumpIfLoadI32LtU(LoadComparison)
    case jumpIfLoadI32GtS(LoadComparison), jumpIfLoadI32GtU(LoadComparison)
    /// Jump to target `min(index, count - 1)` of a branch table: its count, then its targets, `Int32`s stored
    /// after the function's code, `table` of them after the op that follows this one (so the run loop finds it
    /// from its op pointer alone).
    case branchTable(index: Slot, table: UInt32)
    case `return`
    /// Call function `function` of the instance; arguments start at `base`, results replace them.
    case call(function: UInt32, base: Slot)
    /// `call` of a function the instance defines (not an import), its `defined` index: the fast path finds its
    /// code in the instance's `CompiledCode` and need not check its instance.
    case callDefined(function: UInt32, base: Slot, defined: UInt32)
    case callIndirect(table: UInt32, type: UInt32, index: Slot, base: Slot)
    case callRef(reference: Slot, base: Slot)
    case returnCall(function: UInt32, base: Slot)
    case returnCallIndirect(table: UInt32, type: UInt32, index: Slot, base: Slot)
    case returnCallRef(reference: Slot, base: Slot)
    /// Throw an exception with tag `tag`; the payload starts at `base`.
    case `throw`(tag: UInt32, base: Slot)
    case throwReference(Slot)

    // MARK: Moves and constants
    case copy(from: Slot, to: Slot)
    case copyV128(from: Slot, to: Slot)
    case const32(UInt32, Slot)
    case const64(UInt64, Slot)
    /// The constant `v128Constants[constant]`.
    case constV128(constant: UInt32, Slot)
    case select(condition: Slot, first: Slot, second: Slot, result: Slot)
    case selectV128(condition: Slot, first: Slot, second: Slot, result: Slot)
    case globalGet(global: UInt32, result: Slot)
    case globalSet(global: UInt32, value: Slot)
    case globalGetV128(global: UInt32, result: Slot)
    case globalSetV128(global: UInt32, value: Slot)

    // MARK: References
    case refFunction(function: UInt32, result: Slot)
    case refIsNull(Slot, result: Slot)
    case refAsNonNull(Slot)
    case branchOnNull(Slot, target: Int32)
    case branchOnNonNull(Slot, target: Int32)

    /// Table instructions and memory management (`BulkOp`), done by `ExecutionContext.executeBulk`.
    case bulk(BulkOp)
    /// `result = address + offset` for a static offset above `UInt32.max`; a sum past 2^64 becomes an address no
    /// memory reaches, with the sum's low bits (atomics check alignment first).
    case addressOffset(offset: UInt64, address: Slot, result: Slot)

    // MARK: Loads and stores
    case i32Load(MemoryOperand), i64Load(MemoryOperand), f32Load(MemoryOperand), f64Load(MemoryOperand)
    case i32Load8S(MemoryOperand), i32Load8U(MemoryOperand), i32Load16S(MemoryOperand), i32Load16U(MemoryOperand)
    case i64Load8S(MemoryOperand), i64Load8U(MemoryOperand), i64Load16S(MemoryOperand), i64Load16U(MemoryOperand)
    case i64Load32S(MemoryOperand), i64Load32U(MemoryOperand)
    case store8(MemoryOperand), store16(MemoryOperand), store32(MemoryOperand), store64(MemoryOperand)

    // MARK: Fused ops: two instructions in one dispatch (see `Compiler.fuse`)
    case copy2(from: Slot, to: Slot, from2: Slot, to2: Slot)
    case i32LoadIndexed(IndexedAccess), i64LoadIndexed(IndexedAccess)
    case i32Load8SIndexed(IndexedAccess), i32Load8UIndexed(IndexedAccess)
    case i32Load16SIndexed(IndexedAccess), i32Load16UIndexed(IndexedAccess)
    case store8Indexed(IndexedAccess), store16Indexed(IndexedAccess), store32Indexed(IndexedAccess)
    case store64Indexed(IndexedAccess)
    case i32LoadScaled(IndexedAccess), i64LoadScaled(IndexedAccess), store32Scaled(IndexedAccess)
    case store64Scaled(IndexedAccess)
    case store32Sum(StoredSum)
    case i32AddJumpIfNe(CountedJump), i32AddJumpIfLtU(CountedJump), i32AddJumpIfLtS(CountedJump)
    case i32AddJumpIfGtU(CountedJump), i32AddJumpIfGtS(CountedJump)
    case i32SubJumpIfNe(CountedJump), i32SubJumpIfGtU(CountedJump), i32SubJumpIfGtS(CountedJump)
    /// A counter's step and a branch on the new value: jump if it is nonzero (`bound` is not read).
    case i32AddJumpIfNez(CountedJump), i32SubJumpIfNez(CountedJump)
    /// An `i32.load` and the `i32.eqz` of its value.
    case i32LoadEqz(LoadTest)
    /// An `i32.and` and the `i32.eqz` of its value: `r = (a & b) == 0`, a bit test.
    case i32AndEqz(Slot, Slot, Slot)
    /// Two arithmetic instructions where the second takes the first's result: `r = (a op1 b) op2 c`.
    case i32AddAdd(Slot, Slot, Slot, Slot), i32MulAdd(Slot, Slot, Slot, Slot), i32ShlAdd(Slot, Slot, Slot, Slot)
    case i32XorAdd(Slot, Slot, Slot, Slot), i32RotlXor(Slot, Slot, Slot, Slot), i32AndXor(Slot, Slot, Slot, Slot)
    case i32ShrUAnd(Slot, Slot, Slot, Slot), i32ShrUXor(Slot, Slot, Slot, Slot), i32XorAnd(Slot, Slot, Slot, Slot)
    case i32SubAnd(Slot, Slot, Slot, Slot), i32AddAnd(Slot, Slot, Slot, Slot), i32XorMul(Slot, Slot, Slot, Slot)
    case f64MulAdd(Slot, Slot, Slot, Slot), f64MulMul(Slot, Slot, Slot, Slot)
    case f64MulSub(Slot, Slot, Slot, Slot), f64SubMul(Slot, Slot, Slot, Slot), f64AddMul(Slot, Slot, Slot, Slot)

    // MARK: Numeric, one case per instruction (operands: lhs, rhs, result)
    case i32Eqz(Slot, Slot), i64Eqz(Slot, Slot)
    case i32Eq(Slot, Slot, Slot), i32Ne(Slot, Slot, Slot), i32LtS(Slot, Slot, Slot), i32LtU(Slot, Slot, Slot)
    case i32GtS(Slot, Slot, Slot), i32GtU(Slot, Slot, Slot), i32LeS(Slot, Slot, Slot), i32LeU(Slot, Slot, Slot)
    case i32GeS(Slot, Slot, Slot), i32GeU(Slot, Slot, Slot)
    case i64Eq(Slot, Slot, Slot), i64Ne(Slot, Slot, Slot), i64LtS(Slot, Slot, Slot), i64LtU(Slot, Slot, Slot)
    case i64GtS(Slot, Slot, Slot), i64GtU(Slot, Slot, Slot), i64LeS(Slot, Slot, Slot), i64LeU(Slot, Slot, Slot)
    case i64GeS(Slot, Slot, Slot), i64GeU(Slot, Slot, Slot)
    case f32Eq(Slot, Slot, Slot), f32Ne(Slot, Slot, Slot), f32Lt(Slot, Slot, Slot), f32Gt(Slot, Slot, Slot)
    case f32Le(Slot, Slot, Slot), f32Ge(Slot, Slot, Slot)
    case f64Eq(Slot, Slot, Slot), f64Ne(Slot, Slot, Slot), f64Lt(Slot, Slot, Slot), f64Gt(Slot, Slot, Slot)
    case f64Le(Slot, Slot, Slot), f64Ge(Slot, Slot, Slot)
    case i32Clz(Slot, Slot), i32Ctz(Slot, Slot), i32Popcnt(Slot, Slot)
    case i32Add(Slot, Slot, Slot), i32Sub(Slot, Slot, Slot), i32Mul(Slot, Slot, Slot)
    case i32DivS(Slot, Slot, Slot), i32DivU(Slot, Slot, Slot), i32RemS(Slot, Slot, Slot), i32RemU(Slot, Slot, Slot)
    case i32And(Slot, Slot, Slot), i32Or(Slot, Slot, Slot), i32Xor(Slot, Slot, Slot)
    case i32Shl(Slot, Slot, Slot), i32ShrS(Slot, Slot, Slot), i32ShrU(Slot, Slot, Slot)
    case i32Rotl(Slot, Slot, Slot), i32Rotr(Slot, Slot, Slot)
    case i64Clz(Slot, Slot), i64Ctz(Slot, Slot), i64Popcnt(Slot, Slot)
    case i64Add(Slot, Slot, Slot), i64Sub(Slot, Slot, Slot), i64Mul(Slot, Slot, Slot)
    case i64DivS(Slot, Slot, Slot), i64DivU(Slot, Slot, Slot), i64RemS(Slot, Slot, Slot), i64RemU(Slot, Slot, Slot)
    case i64And(Slot, Slot, Slot), i64Or(Slot, Slot, Slot), i64Xor(Slot, Slot, Slot)
    case i64Shl(Slot, Slot, Slot), i64ShrS(Slot, Slot, Slot), i64ShrU(Slot, Slot, Slot)
    case i64Rotl(Slot, Slot, Slot), i64Rotr(Slot, Slot, Slot)
    case f32Abs(Slot, Slot), f32Neg(Slot, Slot), f32Ceil(Slot, Slot), f32Floor(Slot, Slot), f32Trunc(Slot, Slot)
    case f32Nearest(Slot, Slot), f32Sqrt(Slot, Slot)
    case f32Add(Slot, Slot, Slot), f32Sub(Slot, Slot, Slot), f32Mul(Slot, Slot, Slot), f32Div(Slot, Slot, Slot)
    case f32Min(Slot, Slot, Slot), f32Max(Slot, Slot, Slot), f32Copysign(Slot, Slot, Slot)
    case f64Abs(Slot, Slot), f64Neg(Slot, Slot), f64Ceil(Slot, Slot), f64Floor(Slot, Slot), f64Trunc(Slot, Slot)
    case f64Nearest(Slot, Slot), f64Sqrt(Slot, Slot)
    case f64Add(Slot, Slot, Slot), f64Sub(Slot, Slot, Slot), f64Mul(Slot, Slot, Slot), f64Div(Slot, Slot, Slot)
    case f64Min(Slot, Slot, Slot), f64Max(Slot, Slot, Slot), f64Copysign(Slot, Slot, Slot)
    /// Conversions and other unary operators that are rarer: `Opcode` says which.
    case convert(PackedOpcode, Slot, Slot)

    // MARK: Vector, by opcode (operands in consecutive slots from `base`, result replaces them)
    case v128Load(MemoryOperand)
    case v128Store(MemoryOperand)
    /// `v128.load8x8_s` and the other loads that extend, splat, zero-fill or fill one lane: `memoryAccesses[access]`.
    case v128LoadPartial(access: UInt32)
    case v128StoreLane(access: UInt32)
    case simd(PackedOpcode, base: Slot)
    case simdLane(PackedOpcode, lane: UInt8, base: Slot)
    /// `i8x16.shuffle`: the lane selectors are `v128Constants[constant]`.
    case shuffle(constant: UInt32, base: Slot)

    // MARK: Atomics (threads)
    /// The atomic access `memoryAccesses[access]`.
    case atomic(access: UInt32)
    case atomicFence
}

/// An opcode stored as its raw value, in an op's operands (`opcode` turns it back into the case).
struct PackedOpcode {
    let raw: UInt16

    init(_ opcode: Opcode) { raw = opcode.rawValue }

    var opcode: Opcode { Opcode(rawValue: raw) ?? .unreachable }
}

/// The ops of table instructions and memory management, whose operands are in consecutive slots from `base`: one
/// case of `Op` (`Op.bulk`), so that `executeBulk` switches over them all without a `default:`.
enum BulkOp {
    // MARK: Tables
    case tableGet(table: UInt32, base: Slot)
    case tableSet(table: UInt32, base: Slot)
    case tableSize(table: UInt32, result: Slot)
    case tableGrow(table: UInt32, base: Slot)
    case tableFill(table: UInt32, base: Slot)
    case tableCopy(destination: UInt32, source: UInt32, base: Slot)
    case tableInit(element: UInt32, table: UInt32, base: Slot)
    case elementDrop(UInt32)

    // MARK: Memory management
    case memorySize(memory: UInt32, result: Slot)
    case memoryGrow(memory: UInt32, base: Slot)
    case memoryFill(memory: UInt32, base: Slot)
    case memoryCopy(destination: UInt32, source: UInt32, base: Slot)
    case memoryInit(data: UInt32, memory: UInt32, base: Slot)
    case dataDrop(UInt32)
}
