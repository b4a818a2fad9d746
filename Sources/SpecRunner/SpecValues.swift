import WasmInterpreter

/// Conversion of the suite's JSON values to `Value`s and matching of results against expectations.
enum SpecValues {
    /// The argument `value` as a `Value`, or `nil` if it cannot be represented.
    static func argument(_ value: SpecValue) -> Value? {
        switch value.type {
        case "i32": return value.scalar.flatMap { UInt32($0) }.map(Value.i32)
        case "i64": return value.scalar.flatMap { UInt64($0) }.map(Value.i64)
        case "f32": return value.scalar.flatMap { UInt32($0) }.map(Value.f32)
        case "f64": return value.scalar.flatMap { UInt64($0) }.map(Value.f64)
        case "v128":
            guard let lanes = value.lanes, let laneType = value.laneType else { return nil }
            return vector(lanes, laneType).map(Value.v128)
        default:
            guard let scalar = value.scalar, scalar != "null" else { return .ref(.null) }
            if value.type == "externref" || value.type == "anyref" { return UInt64(scalar).map { .ref(.extern($0)) } }
            return nil
        }
    }

    /// Packs lanes written as unsigned decimals (floats as bit patterns) into a vector.
    static func vector(_ lanes: [String], _ laneType: String) -> V128? {
        let width = laneWidth(laneType)
        var low: UInt64 = 0, high: UInt64 = 0
        for (i, lane) in lanes.enumerated() {
            guard let bits = UInt64(lane) else { return nil }
            let offset = i * width
            let masked = width == 64 ? bits : bits & ((1 << UInt64(width)) - 1)
            if offset < 64 { low |= masked << UInt64(offset) } else { high |= masked << UInt64(offset - 64) }
        }
        return V128(low: low, high: high)
    }

    static func laneWidth(_ laneType: String) -> Int {
        switch laneType {
        case "i8": 8
        case "i16": 16
        case "i32", "f32": 32
        default: 64
        }
    }

    /// Whether `actual` is what `expected` describes.
    static func matches(_ actual: Value, _ expected: SpecValue) -> Bool {
        switch (expected.type, actual) {
        case ("i32", .i32(let v)): return expected.scalar.flatMap { UInt32($0) } == v
        case ("i64", .i64(let v)): return expected.scalar.flatMap { UInt64($0) } == v
        case ("f32", .f32(let v)): return floatMatches(UInt64(v), expected.scalar, bits: 32)
        case ("f64", .f64(let v)): return floatMatches(v, expected.scalar, bits: 64)
        case ("v128", .v128(let v)):
            guard let lanes = expected.lanes, let laneType = expected.laneType else { return false }
            let width = laneWidth(laneType)
            for (i, lane) in lanes.enumerated() {
                let offset = i * width
                let word = offset < 64 ? v.low >> UInt64(offset) : v.high >> UInt64(offset - 64)
                let bits = width == 64 ? word : word & ((1 << UInt64(width)) - 1)
                if laneType.hasPrefix("f") {
                    if !floatMatches(bits, lane, bits: width) { return false }
                } else if UInt64(lane).map({ width == 64 ? $0 : $0 & ((1 << UInt64(width)) - 1) }) != bits {
                    return false
                }
            }
            return true
        case (_, .ref(let reference)):
            return referenceMatches(reference, expected)
        default:
            return false
        }
    }

    private static func referenceMatches(_ reference: Reference, _ expected: SpecValue) -> Bool {
        switch expected.type {
        case "funcref", "externref", "exnref", "anyref", "nullref", "nullfuncref", "nullexternref", "nullexnref",
             "refnull":
            break
        default:
            return false
        }
        guard let scalar = expected.scalar else {
            // No value: any non-null reference ("refnull" without value: any null).
            return expected.type == "refnull" || expected.type.hasPrefix("null") ? reference == .null : reference != .null
        }
        if scalar == "null" { return reference == .null }
        switch (expected.type, reference) {
        case ("externref", .extern(let v)), ("anyref", .extern(let v)): return UInt64(scalar) == v
        case ("funcref", .function): return true
        default: return false
        }
    }

    /// Float comparison by bit pattern, with `nan:canonical` and `nan:arithmetic`.
    private static func floatMatches(_ bits: UInt64, _ expected: String?, bits width: Int) -> Bool {
        let exponentMask: UInt64 = width == 32 ? 0x7F80_0000 : 0x7FF0_0000_0000_0000
        let quietBit: UInt64 = width == 32 ? 0x0040_0000 : 0x0008_0000_0000_0000
        let payloadMask: UInt64 = width == 32 ? 0x007F_FFFF : 0x000F_FFFF_FFFF_FFFF
        let isNaN = bits & exponentMask == exponentMask && bits & payloadMask != 0
        switch expected {
        case "nan:canonical": return isNaN && bits & payloadMask == quietBit
        case "nan:arithmetic": return isNaN && bits & quietBit != 0
        default: return expected.flatMap { UInt64($0) } == bits
        }
    }
}
