/// A WebAssembly value as the embedding API sees it.
public enum Value: Hashable, Sendable, CustomStringConvertible {
    case i32(UInt32)
    case i64(UInt64)
    /// An `f32` as its bit pattern, so NaN payloads survive.
    case f32(UInt32)
    /// An `f64` as its bit pattern.
    case f64(UInt64)
    case v128(V128)
    case ref(Reference)

    /// Shorthand for an `f32` from a Swift `Float`.
    public static func float(_ value: Float) -> Value { .f32(value.bitPattern) }
    /// Shorthand for an `f64` from a Swift `Double`.
    public static func double(_ value: Double) -> Value { .f64(value.bitPattern) }

    /// The default value of `type`: zero, or a null reference.
    public static func defaultValue(_ type: ValueType) -> Value {
        switch type {
        case .i32: .i32(0)
        case .i64: .i64(0)
        case .f32: .f32(0)
        case .f64: .f64(0)
        case .v128: .v128(V128(low: 0, high: 0))
        default: .ref(.null)
        }
    }

    public var description: String {
        switch self {
        case .i32(let v): "i32:\(Int32(bitPattern: v))"
        case .i64(let v): "i64:\(Int64(bitPattern: v))"
        case .f32(let v): "f32:\(Float(bitPattern: v))"
        case .f64(let v): "f64:\(Double(bitPattern: v))"
        case .v128(let v): "v128:\(String(v.high, radix: 16))_\(String(v.low, radix: 16))"
        case .ref(let r): "\(r)"
        }
    }
}

/// A reference value.
public enum Reference: Hashable, Sendable, CustomStringConvertible {
    /// A null reference of any type.
    case null
    /// A function, by its address in the store.
    case function(Int)
    /// A host value, identified by a number the embedder chooses.
    case extern(UInt64)
    /// A caught exception, by its address in the store.
    case exception(Int)

    public var description: String {
        switch self {
        case .null: "null"
        case .function(let a): "func:\(a)"
        case .extern(let v): "extern:\(v)"
        case .exception(let a): "exn:\(a)"
        }
    }
}

/// How values are kept in 64-bit stack slots: numbers by bit pattern (i32 and f32 zero-extended), references
/// as address + 1 with 0 for null, `v128` in two slots (low half first).
enum SlotEncoding {
    static func slotCount(_ type: ValueType) -> Int { type == .v128 ? 2 : 1 }

    static func slotCount(_ types: [ValueType]) -> Int { types.reduce(0) { $0 + slotCount($1) } }

    /// Writes `value` at `slots`; returns the number of slots used.
    @discardableResult
    static func write(_ value: Value, to slots: UnsafeMutablePointer<UInt64>) -> Int {
        switch value {
        case .i32(let v), .f32(let v): slots[0] = UInt64(v)
        case .i64(let v), .f64(let v): slots[0] = v
        case .v128(let v):
            slots[0] = v.low
            slots[1] = v.high
            return 2
        case .ref(let r):
            switch r {
            case .null: slots[0] = 0
            case .function(let a), .exception(let a): slots[0] = UInt64(a) + 1
            case .extern(let v): slots[0] = v &+ 1
            }
        }
        return 1
    }

    /// Reads a value of `type` from `slots`.
    static func read(_ type: ValueType, from slots: UnsafePointer<UInt64>) -> Value {
        switch type {
        case .i32: return .i32(UInt32(truncatingIfNeeded: slots[0]))
        case .i64: return .i64(slots[0])
        case .f32: return .f32(UInt32(truncatingIfNeeded: slots[0]))
        case .f64: return .f64(slots[0])
        case .v128: return .v128(V128(low: slots[0], high: slots[1]))
        case .ref(let r):
            let raw = slots[0]
            if raw == 0 { return .ref(.null) }
            switch r.heapType {
            case .abstract(.extern), .abstract(.noextern): return .ref(.extern(raw - 1))
            case .abstract(.exn), .abstract(.noexn): return .ref(.exception(Int(raw - 1)))
            default: return .ref(.function(Int(raw - 1)))
            }
        }
    }
}
