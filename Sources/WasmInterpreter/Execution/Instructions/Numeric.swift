/// Integer and floating-point operations with WebAssembly's semantics
/// (<https://webassembly.github.io/spec/core/exec/numerics.html>).
enum Numeric {
    @inline(__always)
    static func divS<T: FixedWidthInteger & UnsignedInteger>(_ a: T, _ b: T) throws(Trap) -> T {
        guard b != 0 else { throw .integerDivideByZero }
        let (lhs, rhs) = (T.Magnitude(a), T.Magnitude(b))
        let signBit = T(1) << (T.bitWidth - 1)
        guard !(lhs == signBit && rhs == T.max) else { throw .integerOverflow }
        let negative = (a & signBit) != (b & signBit)
        let quotient = magnitude(a) / magnitude(b)
        return negative ? 0 &- quotient : quotient
    }

    @inline(__always)
    static func remS<T: FixedWidthInteger & UnsignedInteger>(_ a: T, _ b: T) throws(Trap) -> T {
        guard b != 0 else { throw .integerDivideByZero }
        let signBit = T(1) << (T.bitWidth - 1)
        let remainder = magnitude(a) % magnitude(b)
        return a & signBit != 0 ? 0 &- remainder : remainder
    }

    /// The absolute value of a two's complement number held in an unsigned type.
    @inline(__always)
    private static func magnitude<T: FixedWidthInteger & UnsignedInteger>(_ a: T) -> T {
        a & (T(1) << (T.bitWidth - 1)) != 0 ? 0 &- a : a
    }

    @inline(__always)
    static func divU<T: FixedWidthInteger & UnsignedInteger>(_ a: T, _ b: T) throws(Trap) -> T {
        guard b != 0 else { throw .integerDivideByZero }
        return a / b
    }

    @inline(__always)
    static func remU<T: FixedWidthInteger & UnsignedInteger>(_ a: T, _ b: T) throws(Trap) -> T {
        guard b != 0 else { throw .integerDivideByZero }
        return a % b
    }

    @inline(__always)
    static func rotateLeft<T: FixedWidthInteger & UnsignedInteger>(_ a: T, _ b: T) -> T {
        let k = Int(truncatingIfNeeded: b) & (T.bitWidth - 1)
        return k == 0 ? a : (a << k) | (a >> (T.bitWidth - k))
    }

    @inline(__always)
    static func rotateRight<T: FixedWidthInteger & UnsignedInteger>(_ a: T, _ b: T) -> T {
        let k = Int(truncatingIfNeeded: b) & (T.bitWidth - 1)
        return k == 0 ? a : (a >> k) | (a << (T.bitWidth - k))
    }

    /// `fmin`: NaN if either is NaN, and -0 below +0.
    @inline(__always)
    static func minimum<T: BinaryFloatingPoint>(_ a: T, _ b: T) -> T {
        if a.isNaN || b.isNaN { return a + b }
        if a == b { return a.sign == .minus ? a : b }
        return a < b ? a : b
    }

    /// `fmax`: NaN if either is NaN, and +0 above -0.
    @inline(__always)
    static func maximum<T: BinaryFloatingPoint>(_ a: T, _ b: T) -> T {
        if a.isNaN || b.isNaN { return a + b }
        if a == b { return a.sign == .minus ? b : a }
        return a > b ? a : b
    }

    /// Truncation to an integer that traps on NaN ("invalid conversion to integer") and out of range
    /// ("integer overflow"). `lower` and `upper` are the exclusive bounds of the valid range.
    static func truncate<F: BinaryFloatingPoint>(_ x: F, lower: F, upper: F) throws(Trap) -> F {
        guard !x.isNaN else { throw .invalidConversionToInteger }
        let t = x.rounded(.towardZero)
        guard t > lower && t < upper else { throw .integerOverflow }
        return t
    }

    /// Saturating truncation: NaN is 0, out-of-range values clamp.
    static func saturate<F: BinaryFloatingPoint, I: FixedWidthInteger>(_ x: F, to: I.Type) -> I {
        if x.isNaN { return 0 }
        if x <= F(I.min) { return I.min }
        if x >= F(I.max) { return I.max }
        return I(x.rounded(.towardZero))
    }

    /// Conversions, sign extensions and the other single-operand instructions that `Op.convert` carries.
    static func convert(_ opcode: Opcode, _ v: UInt64) throws(Trap) -> UInt64 {
        let i32 = UInt32(truncatingIfNeeded: v)
        let f32 = Float(bitPattern: i32)
        let f64 = Double(bitPattern: v)
        switch opcode {
        case .i32WrapI64: return UInt64(i32)
        case .i32TruncF32S: return UInt64(UInt32(bitPattern: Int32(try truncate(f32, lower: -2147483904, upper: 2147483648))))
        case .i32TruncF32U: return UInt64(UInt32(try truncate(f32, lower: -1, upper: 4294967296)))
        case .i32TruncF64S: return UInt64(UInt32(bitPattern: Int32(try truncate(f64, lower: -2147483649, upper: 2147483648))))
        case .i32TruncF64U: return UInt64(UInt32(try truncate(f64, lower: -1, upper: 4294967296)))
        case .i64ExtendI32S: return UInt64(bitPattern: Int64(Int32(bitPattern: i32)))
        case .i64ExtendI32U: return UInt64(i32)
        case .i64TruncF32S:
            return UInt64(bitPattern: Int64(try truncate(f32, lower: -9223373136366403584, upper: 9223372036854775808)))
        case .i64TruncF32U: return UInt64(try truncate(f32, lower: -1, upper: 18446744073709551616))
        case .i64TruncF64S:
            return UInt64(bitPattern: Int64(try truncate(f64, lower: -9223372036854777856, upper: 9223372036854775808)))
        case .i64TruncF64U: return UInt64(try truncate(f64, lower: -1, upper: 18446744073709551616))
        case .f32ConvertI32S: return UInt64(Float(Int32(bitPattern: i32)).bitPattern)
        case .f32ConvertI32U: return UInt64(Float(i32).bitPattern)
        case .f32ConvertI64S: return UInt64(Float(Int64(bitPattern: v)).bitPattern)
        case .f32ConvertI64U: return UInt64(Float(v).bitPattern)
        case .f32DemoteF64: return UInt64(demote(f64).bitPattern)
        case .f64ConvertI32S: return Double(Int32(bitPattern: i32)).bitPattern
        case .f64ConvertI32U: return Double(i32).bitPattern
        case .f64ConvertI64S: return Double(Int64(bitPattern: v)).bitPattern
        case .f64ConvertI64U: return Double(v).bitPattern
        case .f64PromoteF32: return promote(f32).bitPattern
        case .i32ReinterpretF32, .f32ReinterpretI32: return UInt64(i32)
        case .i64ReinterpretF64, .f64ReinterpretI64: return v
        case .i32Extend8S: return UInt64(UInt32(bitPattern: Int32(Int8(truncatingIfNeeded: v))))
        case .i32Extend16S: return UInt64(UInt32(bitPattern: Int32(Int16(truncatingIfNeeded: v))))
        case .i64Extend8S: return UInt64(bitPattern: Int64(Int8(truncatingIfNeeded: v)))
        case .i64Extend16S: return UInt64(bitPattern: Int64(Int16(truncatingIfNeeded: v)))
        case .i64Extend32S: return UInt64(bitPattern: Int64(Int32(truncatingIfNeeded: v)))
        case .i32TruncSatF32S: return UInt64(UInt32(bitPattern: saturate(f32, to: Int32.self)))
        case .i32TruncSatF32U: return UInt64(saturate(f32, to: UInt32.self))
        case .i32TruncSatF64S: return UInt64(UInt32(bitPattern: saturate(f64, to: Int32.self)))
        case .i32TruncSatF64U: return UInt64(saturate(f64, to: UInt32.self))
        case .i64TruncSatF32S: return UInt64(bitPattern: saturate(f32, to: Int64.self))
        case .i64TruncSatF32U: return saturate(f32, to: UInt64.self)
        case .i64TruncSatF64S: return UInt64(bitPattern: saturate(f64, to: Int64.self))
        case .i64TruncSatF64U: return saturate(f64, to: UInt64.self)
        default: throw .host("no conversion \(opcode.mnemonic)")
        }
    }

    /// `f32.demote_f64`, with NaNs made quiet (arithmetic) as the spec requires.
    static func demote(_ x: Double) -> Float {
        x.isNaN ? Float(bitPattern: 0x7FC0_0000 | (x.sign == .minus ? 0x8000_0000 : 0)) : Float(x)
    }

    /// `f64.promote_f32`, with NaNs made quiet.
    static func promote(_ x: Float) -> Double {
        x.isNaN ? Double(bitPattern: 0x7FF8_0000_0000_0000 | (x.sign == .minus ? 0x8000_0000_0000_0000 : 0)) : Double(x)
    }
}
