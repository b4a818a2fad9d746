/// One decoded instruction: its opcode and its immediates.
public struct Instruction: Hashable, Sendable {
    public var opcode: Opcode
    public var immediate: Immediate

    public init(_ opcode: Opcode, _ immediate: Immediate = .none) {
        self.opcode = opcode
        self.immediate = immediate
    }
}

/// The immediates of an instruction; which case appears is fixed by `Opcode.immediates`. Every case is a plain
/// value (lists stay where the body encodes them, `EncodedList`), so that an instruction copies without
/// reference counting: the decoder, validator and compiler pass one per instruction of every body.
public enum Immediate: Hashable, Sendable {
    case none
    /// `block`, `loop`, `if`.
    case block(BlockType)
    /// A single index: label, function, type, local, global, table, memory, tag, data or element segment.
    case index(UInt32)
    /// Two indices: `call_indirect` (type, table), `memory.init` (data, memory), `table.init` (element, table),
    /// `table.copy` and `memory.copy` (destination, source).
    case indexPair(UInt32, UInt32)
    /// `br_table`: the labels (`ByteReader.labels(_:)`) and the default label.
    case branchTable(EncodedList, default: LabelDepth)
    /// Loads, stores and atomics.
    case memory(MemoryArgument)
    /// `v128.loadN_lane` and `v128.storeN_lane`.
    case memoryLane(MemoryArgument, lane: UInt8)
    /// `i8x16.extract_lane_s` and the other lane accesses.
    case lane(UInt8)
    case i32(Int32)
    case i64(Int64)
    /// An `f32.const`, as its bit pattern (NaN payloads survive).
    case f32(UInt32)
    /// An `f64.const`, as its bit pattern.
    case f64(UInt64)
    /// `v128.const`, or the 16 lane indices of `i8x16.shuffle`.
    case v128(V128)
    /// `ref.null`.
    case heapType(HeapType)
    /// `select` with explicit result types (`ByteReader.valueTypes(_:)`).
    case valueTypes(EncodedList)
    /// `try_table`: block type and catch clauses (`ByteReader.catchClauses(_:)`).
    case tryTable(BlockType, EncodedList)
}

/// A list immediate left where the body encodes it: `count` elements from `offset` in the module's bytes, which
/// the decoder has checked; a `ByteReader` over those bytes reads them again.
public struct EncodedList: Hashable, Sendable {
    /// Absolute offset of the first element.
    public let offset: Int
    public let count: Int

    public init(offset: Int, count: Int) {
        self.offset = offset
        self.count = count
    }
}

/// The memory operand of a load, store or atomic (<https://webassembly.github.io/spec/core/binary/instructions.html#memory-instructions>).
public struct MemoryArgument: Hashable, Sendable {
    /// log2 of the promised alignment.
    public var alignment: UInt32
    public var memory: MemoryIndex
    public var offset: UInt64

    public init(alignment: UInt32, memory: MemoryIndex = 0, offset: UInt64) {
        self.alignment = alignment
        self.memory = memory
        self.offset = offset
    }
}

/// A handler clause of `try_table`.
public enum CatchClause: Hashable, Sendable {
    case `catch`(tag: TagIndex, label: LabelDepth)
    case catchRef(tag: TagIndex, label: LabelDepth)
    case catchAll(label: LabelDepth)
    case catchAllRef(label: LabelDepth)

    /// The label this clause branches to.
    public var label: LabelDepth {
        switch self {
        case .catch(_, let l), .catchRef(_, let l), .catchAll(let l), .catchAllRef(let l): l
        }
    }
}

/// A 128-bit vector value, little-endian: `low` holds bytes 0-7.
public struct V128: Hashable, Sendable {
    public var low: UInt64
    public var high: UInt64

    public init(low: UInt64, high: UInt64) {
        self.low = low
        self.high = high
    }

    /// Byte `index` (0-15).
    public subscript(byte index: Int) -> UInt8 {
        UInt8(truncatingIfNeeded: (index < 8 ? low : high) >> UInt64((index % 8) * 8))
    }
}

/// Operand and result types of an instruction whose typing does not depend on context, except that
/// `address` stands for the address type (i32 or i64) of the memory the instruction names.
public struct OpcodeSignature: Sendable {
    public enum Operand: Sendable {
        case i32, i64, f32, f64, v128, address

        /// The value type this operand stands for, given the address type of the memory named.
        @inline(__always)
        package func valueType(address: ValueType) -> ValueType {
            switch self {
            case .i32: .i32
            case .i64: .i64
            case .f32: .f32
            case .f64: .f64
            case .v128: .v128
            case .address: address
            }
        }
    }

    public var parameters: [Operand]
    public var results: [Operand]
}

/// An `OpcodeSignature` in 16 bits (`Opcode.packedSignature`), for the validator's and the compiler's hot paths,
/// which would otherwise copy (retain and release) two arrays per instruction. Bits 0-1 hold the parameter count,
/// bit 2 the result count, and from bit 3 on each operand takes 3 bits, parameters first (`Operand` in the order
/// of its cases). `Scripts/generate.py` packs them.
package struct PackedSignature: Sendable {
    package let bits: UInt16

    package init(bits: UInt16) { self.bits = bits }

    @inline(__always) package var parameterCount: Int { Int(bits & 3) }
    @inline(__always) package var resultCount: Int { Int(bits >> 2 & 1) }

    /// Parameter `index` (0 is the first, the deepest on the stack).
    @inline(__always) package func parameter(_ index: Int) -> OpcodeSignature.Operand {
        Self.operand(Int(bits) >> (3 + 3 * index) & 7)
    }

    /// The result, if there is one.
    @inline(__always) package var result: OpcodeSignature.Operand? {
        resultCount == 0 ? nil : Self.operand(Int(bits) >> (3 + 3 * parameterCount) & 7)
    }

    @inline(__always) private static func operand(_ code: Int) -> OpcodeSignature.Operand {
        switch code {
        case 0: .i32
        case 1: .i64
        case 2: .f32
        case 3: .f64
        case 4: .v128
        default: .address
        }
    }
}
