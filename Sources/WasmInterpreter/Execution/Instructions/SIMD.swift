/// Vector instructions (<https://webassembly.github.io/spec/core/exec/instructions.html#vector-instructions>).
///
/// Relaxed SIMD makes a fixed, documented choice: every relaxed instruction behaves like its strict
/// counterpart (`relaxed_swizzle` as `swizzle`, `relaxed_trunc` as `trunc_sat`, `relaxed_laneselect` as
/// `bitselect`, `relaxed_min/max` as `min/max`, `relaxed_q15mulr` as `q15mulr_sat`), `relaxed_madd` and
/// `relaxed_nmadd` round twice (multiply, then add), and the relaxed dot products treat the second operand
/// as signed and wrap.
enum VectorOps {
    typealias I8 = SIMD16<Int8>
    typealias U8 = SIMD16<UInt8>
    typealias I16 = SIMD8<Int16>
    typealias U16 = SIMD8<UInt16>
    typealias I32 = SIMD4<Int32>
    typealias U32 = SIMD4<UInt32>
    typealias I64 = SIMD2<Int64>
    typealias U64 = SIMD2<UInt64>
    typealias F32 = SIMD4<Float>
    typealias F64 = SIMD2<Double>

    static func lanes<T: SIMD>(_ v: V128, _: T.Type) -> T { unsafeBitCast(v, to: T.self) }
    static func vector<T: SIMD>(_ v: T) -> V128 { unsafeBitCast(v, to: V128.self) }

    static func map<T: SIMD>(_ a: V128, _: T.Type, _ f: (T.Scalar) -> T.Scalar) -> V128 {
        var v = lanes(a, T.self)
        for i in v.indices { v[i] = f(v[i]) }
        return vector(v)
    }

    static func zip<T: SIMD>(_ a: V128, _ b: V128, _: T.Type, _ f: (T.Scalar, T.Scalar) -> T.Scalar) -> V128 {
        var v = lanes(a, T.self)
        let w = lanes(b, T.self)
        for i in v.indices { v[i] = f(v[i], w[i]) }
        return vector(v)
    }

    /// Lane-wise comparison of `T` lanes into all-ones or zero lanes of the same width `M`.
    static func compare<T: SIMD, M: SIMD>(_ a: V128, _ b: V128, _: T.Type, _: M.Type, _ f: (T.Scalar, T.Scalar) -> Bool)
        -> V128 where M.Scalar: FixedWidthInteger
    {
        let v = lanes(a, T.self), w = lanes(b, T.self)
        var r = M()
        for i in r.indices { r[i] = f(v[i], w[i]) ? ~0 : 0 }
        return vector(r)
    }

    /// Lanes built by `f(index)`, with `count` lanes of type `T`.
    static func build<T: SIMD>(_: T.Type, _ f: (Int) -> T.Scalar) -> V128 {
        var r = T()
        for i in r.indices { r[i] = f(i) }
        return vector(r)
    }

    static func saturatingAdd<T: FixedWidthInteger>(_ a: T, _ b: T) -> T {
        let (r, overflow) = a.addingReportingOverflow(b)
        return overflow ? (T.isSigned && b < 0 ? T.min : T.max) : r
    }

    static func saturatingSub<T: FixedWidthInteger>(_ a: T, _ b: T) -> T {
        let (r, overflow) = a.subtractingReportingOverflow(b)
        return overflow ? (T.isSigned && b < 0 ? T.max : T.min) : r
    }

    static func clamp<T: FixedWidthInteger>(_ x: Int64, to _: T.Type) -> T {
        T(min(max(x, Int64(T.min)), Int64(T.max)))
    }

    static func execute(_ opcode: Opcode, base: Slot, fp: UnsafeMutablePointer<UInt64>) {
        let a = fp[v128: base]
        let b = fp[v128: base + 2]
        let scalar = fp[slot: base + 2]
        let shift = Int(UInt32(truncatingIfNeeded: scalar))
        var result: V128
        switch opcode {
        // Splats
        case .i8x16Splat: result = vector(U8(repeating: UInt8(truncatingIfNeeded: fp[slot: base])))
        case .i16x8Splat: result = vector(U16(repeating: UInt16(truncatingIfNeeded: fp[slot: base])))
        case .i32x4Splat, .f32x4Splat: result = vector(U32(repeating: UInt32(truncatingIfNeeded: fp[slot: base])))
        case .i64x2Splat, .f64x2Splat: result = vector(U64(repeating: fp[slot: base]))

        // Bitwise
        case .v128Not: result = V128(low: ~a.low, high: ~a.high)
        case .v128And: result = V128(low: a.low & b.low, high: a.high & b.high)
        case .v128Andnot: result = V128(low: a.low & ~b.low, high: a.high & ~b.high)
        case .v128Or: result = V128(low: a.low | b.low, high: a.high | b.high)
        case .v128Xor: result = V128(low: a.low ^ b.low, high: a.high ^ b.high)
        case .v128Bitselect, .i8x16RelaxedLaneselect, .i16x8RelaxedLaneselect, .i32x4RelaxedLaneselect,
             .i64x2RelaxedLaneselect:
            let c = fp[v128: base + 4]
            result = V128(low: (a.low & c.low) | (b.low & ~c.low), high: (a.high & c.high) | (b.high & ~c.high))
        case .v128AnyTrue:
            fp[slot: base] = a.low | a.high != 0 ? 1 : 0
            return
        case .i8x16AllTrue, .i16x8AllTrue, .i32x4AllTrue, .i64x2AllTrue, .i8x16Bitmask, .i16x8Bitmask, .i32x4Bitmask,
             .i64x2Bitmask:
            fp[slot: base] = UInt64(test(opcode, a))
            return

        // Swizzle and narrowing
        case .i8x16Swizzle, .i8x16RelaxedSwizzle:
            let v = lanes(a, U8.self), s = lanes(b, U8.self)
            result = build(U8.self) { s[$0] < 16 ? v[Int(s[$0])] : 0 }
        case .i8x16NarrowI16x8S:
            let v = lanes(a, I16.self), w = lanes(b, I16.self)
            result = build(I8.self) { clamp(Int64($0 < 8 ? v[$0] : w[$0 - 8]), to: Int8.self) }
        case .i8x16NarrowI16x8U:
            let v = lanes(a, I16.self), w = lanes(b, I16.self)
            result = build(U8.self) { clamp(Int64($0 < 8 ? v[$0] : w[$0 - 8]), to: UInt8.self) }
        case .i16x8NarrowI32x4S:
            let v = lanes(a, I32.self), w = lanes(b, I32.self)
            result = build(I16.self) { clamp(Int64($0 < 4 ? v[$0] : w[$0 - 4]), to: Int16.self) }
        case .i16x8NarrowI32x4U:
            let v = lanes(a, I32.self), w = lanes(b, I32.self)
            result = build(U16.self) { clamp(Int64($0 < 4 ? v[$0] : w[$0 - 4]), to: UInt16.self) }

        // i8x16
        case .i8x16Eq: result = compare(a, b, U8.self, U8.self, ==)
        case .i8x16Ne: result = compare(a, b, U8.self, U8.self, !=)
        case .i8x16LtS: result = compare(a, b, I8.self, U8.self, <)
        case .i8x16LtU: result = compare(a, b, U8.self, U8.self, <)
        case .i8x16GtS: result = compare(a, b, I8.self, U8.self, >)
        case .i8x16GtU: result = compare(a, b, U8.self, U8.self, >)
        case .i8x16LeS: result = compare(a, b, I8.self, U8.self, <=)
        case .i8x16LeU: result = compare(a, b, U8.self, U8.self, <=)
        case .i8x16GeS: result = compare(a, b, I8.self, U8.self, >=)
        case .i8x16GeU: result = compare(a, b, U8.self, U8.self, >=)
        case .i8x16Abs: result = map(a, I8.self) { $0 < 0 ? 0 &- $0 : $0 }
        case .i8x16Neg: result = map(a, I8.self) { 0 &- $0 }
        case .i8x16Popcnt: result = map(a, U8.self) { UInt8($0.nonzeroBitCount) }
        case .i8x16Shl: result = map(a, U8.self) { $0 << (shift & 7) }
        case .i8x16ShrS: result = map(a, I8.self) { $0 >> (shift & 7) }
        case .i8x16ShrU: result = map(a, U8.self) { $0 >> (shift & 7) }
        case .i8x16Add: result = zip(a, b, U8.self, &+)
        case .i8x16AddSatS: result = zip(a, b, I8.self, saturatingAdd)
        case .i8x16AddSatU: result = zip(a, b, U8.self, saturatingAdd)
        case .i8x16Sub: result = zip(a, b, U8.self, &-)
        case .i8x16SubSatS: result = zip(a, b, I8.self, saturatingSub)
        case .i8x16SubSatU: result = zip(a, b, U8.self, saturatingSub)
        case .i8x16MinS: result = zip(a, b, I8.self, min)
        case .i8x16MinU: result = zip(a, b, U8.self, min)
        case .i8x16MaxS: result = zip(a, b, I8.self, max)
        case .i8x16MaxU: result = zip(a, b, U8.self, max)
        case .i8x16AvgrU: result = zip(a, b, U8.self) { UInt8((UInt16($0) + UInt16($1) + 1) / 2) }

        // i16x8
        case .i16x8Eq: result = compare(a, b, U16.self, U16.self, ==)
        case .i16x8Ne: result = compare(a, b, U16.self, U16.self, !=)
        case .i16x8LtS: result = compare(a, b, I16.self, U16.self, <)
        case .i16x8LtU: result = compare(a, b, U16.self, U16.self, <)
        case .i16x8GtS: result = compare(a, b, I16.self, U16.self, >)
        case .i16x8GtU: result = compare(a, b, U16.self, U16.self, >)
        case .i16x8LeS: result = compare(a, b, I16.self, U16.self, <=)
        case .i16x8LeU: result = compare(a, b, U16.self, U16.self, <=)
        case .i16x8GeS: result = compare(a, b, I16.self, U16.self, >=)
        case .i16x8GeU: result = compare(a, b, U16.self, U16.self, >=)
        case .i16x8Abs: result = map(a, I16.self) { $0 < 0 ? 0 &- $0 : $0 }
        case .i16x8Neg: result = map(a, I16.self) { 0 &- $0 }
        case .i16x8Q15mulrSatS, .i16x8RelaxedQ15mulrS:
            result = zip(a, b, I16.self) { clamp((Int64($0) * Int64($1) + 0x4000) >> 15, to: Int16.self) }
        case .i16x8ExtendLowI8x16S: result = extend(a, I8.self, I16.self, high: false)
        case .i16x8ExtendHighI8x16S: result = extend(a, I8.self, I16.self, high: true)
        case .i16x8ExtendLowI8x16U: result = extend(a, U8.self, U16.self, high: false)
        case .i16x8ExtendHighI8x16U: result = extend(a, U8.self, U16.self, high: true)
        case .i16x8Shl: result = map(a, U16.self) { $0 << (shift & 15) }
        case .i16x8ShrS: result = map(a, I16.self) { $0 >> (shift & 15) }
        case .i16x8ShrU: result = map(a, U16.self) { $0 >> (shift & 15) }
        case .i16x8Add: result = zip(a, b, U16.self, &+)
        case .i16x8AddSatS: result = zip(a, b, I16.self, saturatingAdd)
        case .i16x8AddSatU: result = zip(a, b, U16.self, saturatingAdd)
        case .i16x8Sub: result = zip(a, b, U16.self, &-)
        case .i16x8SubSatS: result = zip(a, b, I16.self, saturatingSub)
        case .i16x8SubSatU: result = zip(a, b, U16.self, saturatingSub)
        case .i16x8Mul: result = zip(a, b, U16.self, &*)
        case .i16x8MinS: result = zip(a, b, I16.self, min)
        case .i16x8MinU: result = zip(a, b, U16.self, min)
        case .i16x8MaxS: result = zip(a, b, I16.self, max)
        case .i16x8MaxU: result = zip(a, b, U16.self, max)
        case .i16x8AvgrU: result = zip(a, b, U16.self) { UInt16((UInt32($0) + UInt32($1) + 1) / 2) }
        case .i16x8ExtmulLowI8x16S: result = extendedMultiply(a, b, I8.self, I16.self, high: false)
        case .i16x8ExtmulHighI8x16S: result = extendedMultiply(a, b, I8.self, I16.self, high: true)
        case .i16x8ExtmulLowI8x16U: result = extendedMultiply(a, b, U8.self, U16.self, high: false)
        case .i16x8ExtmulHighI8x16U: result = extendedMultiply(a, b, U8.self, U16.self, high: true)
        case .i16x8ExtaddPairwiseI8x16S: result = pairwise(a, I8.self, I16.self)
        case .i16x8ExtaddPairwiseI8x16U: result = pairwise(a, U8.self, U16.self)

        // i32x4
        case .i32x4Eq: result = compare(a, b, U32.self, U32.self, ==)
        case .i32x4Ne: result = compare(a, b, U32.self, U32.self, !=)
        case .i32x4LtS: result = compare(a, b, I32.self, U32.self, <)
        case .i32x4LtU: result = compare(a, b, U32.self, U32.self, <)
        case .i32x4GtS: result = compare(a, b, I32.self, U32.self, >)
        case .i32x4GtU: result = compare(a, b, U32.self, U32.self, >)
        case .i32x4LeS: result = compare(a, b, I32.self, U32.self, <=)
        case .i32x4LeU: result = compare(a, b, U32.self, U32.self, <=)
        case .i32x4GeS: result = compare(a, b, I32.self, U32.self, >=)
        case .i32x4GeU: result = compare(a, b, U32.self, U32.self, >=)
        case .i32x4Abs: result = map(a, I32.self) { $0 < 0 ? 0 &- $0 : $0 }
        case .i32x4Neg: result = map(a, I32.self) { 0 &- $0 }
        case .i32x4ExtendLowI16x8S: result = extend(a, I16.self, I32.self, high: false)
        case .i32x4ExtendHighI16x8S: result = extend(a, I16.self, I32.self, high: true)
        case .i32x4ExtendLowI16x8U: result = extend(a, U16.self, U32.self, high: false)
        case .i32x4ExtendHighI16x8U: result = extend(a, U16.self, U32.self, high: true)
        case .i32x4Shl: result = map(a, U32.self) { $0 << (shift & 31) }
        case .i32x4ShrS: result = map(a, I32.self) { $0 >> (shift & 31) }
        case .i32x4ShrU: result = map(a, U32.self) { $0 >> (shift & 31) }
        case .i32x4Add: result = zip(a, b, U32.self, &+)
        case .i32x4Sub: result = zip(a, b, U32.self, &-)
        case .i32x4Mul: result = zip(a, b, U32.self, &*)
        case .i32x4MinS: result = zip(a, b, I32.self, min)
        case .i32x4MinU: result = zip(a, b, U32.self, min)
        case .i32x4MaxS: result = zip(a, b, I32.self, max)
        case .i32x4MaxU: result = zip(a, b, U32.self, max)
        case .i32x4DotI16x8S:
            let v = lanes(a, I16.self), w = lanes(b, I16.self)
            result = build(I32.self) { Int32(v[2 * $0]) &* Int32(w[2 * $0]) &+ Int32(v[2 * $0 + 1]) &* Int32(w[2 * $0 + 1]) }
        case .i32x4ExtmulLowI16x8S: result = extendedMultiply(a, b, I16.self, I32.self, high: false)
        case .i32x4ExtmulHighI16x8S: result = extendedMultiply(a, b, I16.self, I32.self, high: true)
        case .i32x4ExtmulLowI16x8U: result = extendedMultiply(a, b, U16.self, U32.self, high: false)
        case .i32x4ExtmulHighI16x8U: result = extendedMultiply(a, b, U16.self, U32.self, high: true)
        case .i32x4ExtaddPairwiseI16x8S: result = pairwise(a, I16.self, I32.self)
        case .i32x4ExtaddPairwiseI16x8U: result = pairwise(a, U16.self, U32.self)
        case .i32x4TruncSatF32x4S, .i32x4RelaxedTruncF32x4S:
            let v = lanes(a, F32.self)
            result = build(I32.self) { Numeric.saturate(v[$0], to: Int32.self) }
        case .i32x4TruncSatF32x4U, .i32x4RelaxedTruncF32x4U:
            let v = lanes(a, F32.self)
            result = build(U32.self) { Numeric.saturate(v[$0], to: UInt32.self) }
        case .i32x4TruncSatF64x2SZero, .i32x4RelaxedTruncF64x2SZero:
            let v = lanes(a, F64.self)
            result = build(I32.self) { $0 < 2 ? Numeric.saturate(v[$0], to: Int32.self) : 0 }
        case .i32x4TruncSatF64x2UZero, .i32x4RelaxedTruncF64x2UZero:
            let v = lanes(a, F64.self)
            result = build(U32.self) { $0 < 2 ? Numeric.saturate(v[$0], to: UInt32.self) : 0 }

        // i64x2
        case .i64x2Eq: result = compare(a, b, U64.self, U64.self, ==)
        case .i64x2Ne: result = compare(a, b, U64.self, U64.self, !=)
        case .i64x2LtS: result = compare(a, b, I64.self, U64.self, <)
        case .i64x2GtS: result = compare(a, b, I64.self, U64.self, >)
        case .i64x2LeS: result = compare(a, b, I64.self, U64.self, <=)
        case .i64x2GeS: result = compare(a, b, I64.self, U64.self, >=)
        case .i64x2Abs: result = map(a, I64.self) { $0 < 0 ? 0 &- $0 : $0 }
        case .i64x2Neg: result = map(a, I64.self) { 0 &- $0 }
        case .i64x2ExtendLowI32x4S: result = extend(a, I32.self, I64.self, high: false)
        case .i64x2ExtendHighI32x4S: result = extend(a, I32.self, I64.self, high: true)
        case .i64x2ExtendLowI32x4U: result = extend(a, U32.self, U64.self, high: false)
        case .i64x2ExtendHighI32x4U: result = extend(a, U32.self, U64.self, high: true)
        case .i64x2Shl: result = map(a, U64.self) { $0 << (shift & 63) }
        case .i64x2ShrS: result = map(a, I64.self) { $0 >> (shift & 63) }
        case .i64x2ShrU: result = map(a, U64.self) { $0 >> (shift & 63) }
        case .i64x2Add: result = zip(a, b, U64.self, &+)
        case .i64x2Sub: result = zip(a, b, U64.self, &-)
        case .i64x2Mul: result = zip(a, b, U64.self, &*)
        case .i64x2ExtmulLowI32x4S: result = extendedMultiply(a, b, I32.self, I64.self, high: false)
        case .i64x2ExtmulHighI32x4S: result = extendedMultiply(a, b, I32.self, I64.self, high: true)
        case .i64x2ExtmulLowI32x4U: result = extendedMultiply(a, b, U32.self, U64.self, high: false)
        case .i64x2ExtmulHighI32x4U: result = extendedMultiply(a, b, U32.self, U64.self, high: true)

        // f32x4
        case .f32x4Eq: result = compare(a, b, F32.self, U32.self, ==)
        case .f32x4Ne: result = compare(a, b, F32.self, U32.self, !=)
        case .f32x4Lt: result = compare(a, b, F32.self, U32.self, <)
        case .f32x4Gt: result = compare(a, b, F32.self, U32.self, >)
        case .f32x4Le: result = compare(a, b, F32.self, U32.self, <=)
        case .f32x4Ge: result = compare(a, b, F32.self, U32.self, >=)
        case .f32x4Abs: result = map(a, U32.self) { $0 & 0x7FFF_FFFF }
        case .f32x4Neg: result = map(a, U32.self) { $0 ^ 0x8000_0000 }
        case .f32x4Sqrt: result = map(a, F32.self) { $0.squareRoot() }
        case .f32x4Ceil: result = map(a, F32.self) { $0.rounded(.up) }
        case .f32x4Floor: result = map(a, F32.self) { $0.rounded(.down) }
        case .f32x4Trunc: result = map(a, F32.self) { $0.rounded(.towardZero) }
        case .f32x4Nearest: result = map(a, F32.self) { $0.rounded(.toNearestOrEven) }
        case .f32x4Add: result = zip(a, b, F32.self, +)
        case .f32x4Sub: result = zip(a, b, F32.self, -)
        case .f32x4Mul: result = zip(a, b, F32.self, *)
        case .f32x4Div: result = zip(a, b, F32.self, /)
        case .f32x4Min, .f32x4RelaxedMin: result = zip(a, b, F32.self, Numeric.minimum)
        case .f32x4Max, .f32x4RelaxedMax: result = zip(a, b, F32.self, Numeric.maximum)
        case .f32x4Pmin: result = zip(a, b, F32.self) { $1 < $0 ? $1 : $0 }
        case .f32x4Pmax: result = zip(a, b, F32.self) { $0 < $1 ? $1 : $0 }
        case .f32x4RelaxedMadd:
            let c = lanes(fp[v128: base + 4], F32.self), v = lanes(a, F32.self), w = lanes(b, F32.self)
            result = build(F32.self) { v[$0] * w[$0] + c[$0] }
        case .f32x4RelaxedNmadd:
            let c = lanes(fp[v128: base + 4], F32.self), v = lanes(a, F32.self), w = lanes(b, F32.self)
            result = build(F32.self) { -(v[$0] * w[$0]) + c[$0] }
        case .f32x4ConvertI32x4S: result = build(F32.self) { Float(lanes(a, I32.self)[$0]) }
        case .f32x4ConvertI32x4U: result = build(F32.self) { Float(lanes(a, U32.self)[$0]) }
        case .f32x4DemoteF64x2Zero:
            let v = lanes(a, F64.self)
            result = build(F32.self) { $0 < 2 ? Numeric.demote(v[$0]) : 0 }

        // f64x2
        case .f64x2Eq: result = compare(a, b, F64.self, U64.self, ==)
        case .f64x2Ne: result = compare(a, b, F64.self, U64.self, !=)
        case .f64x2Lt: result = compare(a, b, F64.self, U64.self, <)
        case .f64x2Gt: result = compare(a, b, F64.self, U64.self, >)
        case .f64x2Le: result = compare(a, b, F64.self, U64.self, <=)
        case .f64x2Ge: result = compare(a, b, F64.self, U64.self, >=)
        case .f64x2Abs: result = map(a, U64.self) { $0 & 0x7FFF_FFFF_FFFF_FFFF }
        case .f64x2Neg: result = map(a, U64.self) { $0 ^ 0x8000_0000_0000_0000 }
        case .f64x2Sqrt: result = map(a, F64.self) { $0.squareRoot() }
        case .f64x2Ceil: result = map(a, F64.self) { $0.rounded(.up) }
        case .f64x2Floor: result = map(a, F64.self) { $0.rounded(.down) }
        case .f64x2Trunc: result = map(a, F64.self) { $0.rounded(.towardZero) }
        case .f64x2Nearest: result = map(a, F64.self) { $0.rounded(.toNearestOrEven) }
        case .f64x2Add: result = zip(a, b, F64.self, +)
        case .f64x2Sub: result = zip(a, b, F64.self, -)
        case .f64x2Mul: result = zip(a, b, F64.self, *)
        case .f64x2Div: result = zip(a, b, F64.self, /)
        case .f64x2Min, .f64x2RelaxedMin: result = zip(a, b, F64.self, Numeric.minimum)
        case .f64x2Max, .f64x2RelaxedMax: result = zip(a, b, F64.self, Numeric.maximum)
        case .f64x2Pmin: result = zip(a, b, F64.self) { $1 < $0 ? $1 : $0 }
        case .f64x2Pmax: result = zip(a, b, F64.self) { $0 < $1 ? $1 : $0 }
        case .f64x2RelaxedMadd:
            let c = lanes(fp[v128: base + 4], F64.self), v = lanes(a, F64.self), w = lanes(b, F64.self)
            result = build(F64.self) { v[$0] * w[$0] + c[$0] }
        case .f64x2RelaxedNmadd:
            let c = lanes(fp[v128: base + 4], F64.self), v = lanes(a, F64.self), w = lanes(b, F64.self)
            result = build(F64.self) { -(v[$0] * w[$0]) + c[$0] }
        case .f64x2ConvertLowI32x4S: result = build(F64.self) { Double(lanes(a, I32.self)[$0]) }
        case .f64x2ConvertLowI32x4U: result = build(F64.self) { Double(lanes(a, U32.self)[$0]) }
        case .f64x2PromoteLowF32x4: result = build(F64.self) { Numeric.promote(lanes(a, F32.self)[$0]) }

        // Relaxed dot products
        case .i16x8RelaxedDotI8x16I7x16S:
            let v = lanes(a, I8.self), w = lanes(b, I8.self)
            result = build(I16.self) { Int16(v[2 * $0]) &* Int16(w[2 * $0]) &+ Int16(v[2 * $0 + 1]) &* Int16(w[2 * $0 + 1]) }
        case .i32x4RelaxedDotI8x16I7x16AddS:
            let v = lanes(a, I8.self), w = lanes(b, I8.self), c = lanes(fp[v128: base + 4], I32.self)
            result = build(I32.self) { i in
                (0..<4).reduce(c[i]) { $0 &+ Int32(v[4 * i + $1]) &* Int32(w[4 * i + $1]) }
            }
        default:
            return
        }
        fp[v128: base] = result
    }

    /// `all_true` and `bitmask`.
    static func test(_ opcode: Opcode, _ a: V128) -> UInt32 {
        func mask<T: SIMD>(_: T.Type) -> UInt32 where T.Scalar: FixedWidthInteger {
            let v = lanes(a, T.self)
            var bits: UInt32 = 0
            for i in v.indices where v[i] < 0 || (v[i] >> (T.Scalar.bitWidth - 1)) != 0 { bits |= 1 << UInt32(i) }
            return bits
        }
        func all<T: SIMD>(_: T.Type) -> UInt32 where T.Scalar: FixedWidthInteger {
            let v = lanes(a, T.self)
            return v.indices.allSatisfy { v[$0] != 0 } ? 1 : 0
        }
        switch opcode {
        case .i8x16AllTrue: return all(U8.self)
        case .i16x8AllTrue: return all(U16.self)
        case .i32x4AllTrue: return all(U32.self)
        case .i64x2AllTrue: return all(U64.self)
        case .i8x16Bitmask: return mask(U8.self)
        case .i16x8Bitmask: return mask(U16.self)
        case .i32x4Bitmask: return mask(U32.self)
        default: return mask(U64.self)
        }
    }

    /// Widens the low or high half of `a` from `N` lanes to `W` lanes.
    static func extend<N: SIMD, W: SIMD>(_ a: V128, _: N.Type, _: W.Type, high: Bool) -> V128
        where N.Scalar: FixedWidthInteger, W.Scalar: FixedWidthInteger
    {
        let v = lanes(a, N.self)
        let offset = high ? W.scalarCount : 0
        return build(W.self) { W.Scalar(v[$0 + offset]) }
    }

    static func extendedMultiply<N: SIMD, W: SIMD>(_ a: V128, _ b: V128, _: N.Type, _: W.Type, high: Bool) -> V128
        where N.Scalar: FixedWidthInteger, W.Scalar: FixedWidthInteger
    {
        let v = lanes(a, N.self), w = lanes(b, N.self)
        let offset = high ? W.scalarCount : 0
        return build(W.self) { W.Scalar(v[$0 + offset]) &* W.Scalar(w[$0 + offset]) }
    }

    static func pairwise<N: SIMD, W: SIMD>(_ a: V128, _: N.Type, _: W.Type) -> V128
        where N.Scalar: FixedWidthInteger, W.Scalar: FixedWidthInteger
    {
        let v = lanes(a, N.self)
        return build(W.self) { W.Scalar(v[2 * $0]) &+ W.Scalar(v[2 * $0 + 1]) }
    }

    /// `extract_lane` and `replace_lane`.
    static func executeLane(_ opcode: Opcode, lane: UInt8, base: Slot, fp: UnsafeMutablePointer<UInt64>) {
        let a = fp[v128: base]
        let i = Int(lane)
        let scalar = fp[slot: base + 2]
        switch opcode {
        case .i8x16ExtractLaneS: fp[i32: base] = UInt32(bitPattern: Int32(lanes(a, I8.self)[i]))
        case .i8x16ExtractLaneU: fp[i32: base] = UInt32(lanes(a, U8.self)[i])
        case .i16x8ExtractLaneS: fp[i32: base] = UInt32(bitPattern: Int32(lanes(a, I16.self)[i]))
        case .i16x8ExtractLaneU: fp[i32: base] = UInt32(lanes(a, U16.self)[i])
        case .i32x4ExtractLane, .f32x4ExtractLane: fp[i32: base] = lanes(a, U32.self)[i]
        case .i64x2ExtractLane, .f64x2ExtractLane: fp[i64: base] = lanes(a, U64.self)[i]
        case .i8x16ReplaceLane:
            var v = lanes(a, U8.self)
            v[i] = UInt8(truncatingIfNeeded: scalar)
            fp[v128: base] = vector(v)
        case .i16x8ReplaceLane:
            var v = lanes(a, U16.self)
            v[i] = UInt16(truncatingIfNeeded: scalar)
            fp[v128: base] = vector(v)
        case .i32x4ReplaceLane, .f32x4ReplaceLane:
            var v = lanes(a, U32.self)
            v[i] = UInt32(truncatingIfNeeded: scalar)
            fp[v128: base] = vector(v)
        case .i64x2ReplaceLane, .f64x2ReplaceLane:
            var v = lanes(a, U64.self)
            v[i] = scalar
            fp[v128: base] = vector(v)
        default:
            break
        }
    }

    static func shuffle(_ selectors: V128, base: Slot, fp: UnsafeMutablePointer<UInt64>) {
        let v = lanes(fp[v128: base], U8.self), w = lanes(fp[v128: base + 2], U8.self)
        let s = lanes(selectors, U8.self)
        fp[v128: base] = build(U8.self) { s[$0] < 16 ? v[Int(s[$0])] : w[Int(s[$0]) - 16] }
    }

    /// Loads that extend, splat, zero-fill or replace one lane.
    static func load(_ opcode: Opcode, _ o: MemoryOperand, lane: UInt8,
                     memories: UnsafeMutablePointer<UnsafeMutablePointer<MemoryState>>,
                     fp: UnsafeMutablePointer<UInt64>) throws(Trap) {
        func half<N: SIMD, W: SIMD>(_: N.Type, _: W.Type) throws(Trap) -> V128
            where N.Scalar: FixedWidthInteger, W.Scalar: FixedWidthInteger
        {
            let bits = try address(o, 8, memories, fp).loadUnaligned(as: UInt64.self)
            return extend(V128(low: bits, high: 0), N.self, W.self, high: false)
        }
        let result: V128
        switch opcode {
        case .v128Load8x8S: result = try half(I8.self, I16.self)
        case .v128Load8x8U: result = try half(U8.self, U16.self)
        case .v128Load16x4S: result = try half(I16.self, I32.self)
        case .v128Load16x4U: result = try half(U16.self, U32.self)
        case .v128Load32x2S: result = try half(I32.self, I64.self)
        case .v128Load32x2U: result = try half(U32.self, U64.self)
        case .v128Load8Splat: result = vector(U8(repeating: try address(o, 1, memories, fp).load(as: UInt8.self)))
        case .v128Load16Splat:
            result = vector(U16(repeating: try address(o, 2, memories, fp).loadUnaligned(as: UInt16.self)))
        case .v128Load32Splat:
            result = vector(U32(repeating: try address(o, 4, memories, fp).loadUnaligned(as: UInt32.self)))
        case .v128Load64Splat:
            result = vector(U64(repeating: try address(o, 8, memories, fp).loadUnaligned(as: UInt64.self)))
        case .v128Load32Zero: result = V128(low: UInt64(try address(o, 4, memories, fp).loadUnaligned(as: UInt32.self)), high: 0)
        case .v128Load64Zero: result = V128(low: try address(o, 8, memories, fp).loadUnaligned(as: UInt64.self), high: 0)
        case .v128Load8Lane:
            var v = lanes(fp[v128: o.value], U8.self)
            v[Int(lane)] = try address(o, 1, memories, fp).load(as: UInt8.self)
            fp[v128: o.address] = vector(v)
            return
        case .v128Load16Lane:
            var v = lanes(fp[v128: o.value], U16.self)
            v[Int(lane)] = try address(o, 2, memories, fp).loadUnaligned(as: UInt16.self)
            fp[v128: o.address] = vector(v)
            return
        case .v128Load32Lane:
            var v = lanes(fp[v128: o.value], U32.self)
            v[Int(lane)] = try address(o, 4, memories, fp).loadUnaligned(as: UInt32.self)
            fp[v128: o.address] = vector(v)
            return
        case .v128Load64Lane:
            var v = lanes(fp[v128: o.value], U64.self)
            v[Int(lane)] = try address(o, 8, memories, fp).loadUnaligned(as: UInt64.self)
            fp[v128: o.address] = vector(v)
            return
        default:
            return
        }
        fp[v128: o.value] = result
    }

    static func storeLane(_ opcode: Opcode, _ o: MemoryOperand, lane: UInt8,
                          memories: UnsafeMutablePointer<UnsafeMutablePointer<MemoryState>>,
                          fp: UnsafeMutablePointer<UInt64>) throws(Trap) {
        let v = fp[v128: o.value]
        let i = Int(lane)
        switch opcode {
        case .v128Store8Lane: try address(o, 1, memories, fp).storeBytes(of: lanes(v, U8.self)[i], as: UInt8.self)
        case .v128Store16Lane: try address(o, 2, memories, fp).storeBytes(of: lanes(v, U16.self)[i], as: UInt16.self)
        case .v128Store32Lane: try address(o, 4, memories, fp).storeBytes(of: lanes(v, U32.self)[i], as: UInt32.self)
        case .v128Store64Lane: try address(o, 8, memories, fp).storeBytes(of: lanes(v, U64.self)[i], as: UInt64.self)
        default: break
        }
    }
}
