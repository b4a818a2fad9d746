/// Numeric and vector instructions typed by their signature.
extension Compiler {
    /// Compiles an instruction that the opcode table types: scalar arithmetic gets its own op with explicit
    /// slots, conversions share `convert`, vector instructions share `simd`.
    mutating func compileNumeric(_ opcode: Opcode) {
        switch opcode {
        case .i32Eqz:
            unary { operand, result in
                // Fused with the load that produced the operand, if it did just before.
                if lastOpIsFusable, case .i32Load(let o) = code[code.count - 1], o.memory == 0, o.value == operand {
                    code.removeLast()
                    return .i32LoadEqz(LoadTest(address: o.address, offset: o.offset, value: o.value, then: Int32(result)))
                }
                // A temporary's value is read once: this `i32.eqz` is its only reader.
                if operand >= firstTemporary, let last = lastResult, last.index == code.count - 1, last.slot == operand,
                   case .i32And(let a, let b, _) = code[last.index] {
                    code.removeLast()
                    return .i32AndEqz(a, b, result)
                }
                return .i32Eqz(operand, result)
            }
        case .i64Eqz: unary { .i64Eqz($0, $1) }
        case .i32Eq: binary { .i32Eq($0, $1, $2) }
        case .i32Ne: binary { .i32Ne($0, $1, $2) }
        case .i32LtS: binary { .i32LtS($0, $1, $2) }
        case .i32LtU: binary { .i32LtU($0, $1, $2) }
        case .i32GtS: binary { .i32GtS($0, $1, $2) }
        case .i32GtU: binary { .i32GtU($0, $1, $2) }
        case .i32LeS: binary { .i32LeS($0, $1, $2) }
        case .i32LeU: binary { .i32LeU($0, $1, $2) }
        case .i32GeS: binary { .i32GeS($0, $1, $2) }
        case .i32GeU: binary { .i32GeU($0, $1, $2) }
        case .i64Eq: binary { .i64Eq($0, $1, $2) }
        case .i64Ne: binary { .i64Ne($0, $1, $2) }
        case .i64LtS: binary { .i64LtS($0, $1, $2) }
        case .i64LtU: binary { .i64LtU($0, $1, $2) }
        case .i64GtS: binary { .i64GtS($0, $1, $2) }
        case .i64GtU: binary { .i64GtU($0, $1, $2) }
        case .i64LeS: binary { .i64LeS($0, $1, $2) }
        case .i64LeU: binary { .i64LeU($0, $1, $2) }
        case .i64GeS: binary { .i64GeS($0, $1, $2) }
        case .i64GeU: binary { .i64GeU($0, $1, $2) }
        case .f32Eq: binary { .f32Eq($0, $1, $2) }
        case .f32Ne: binary { .f32Ne($0, $1, $2) }
        case .f32Lt: binary { .f32Lt($0, $1, $2) }
        case .f32Gt: binary { .f32Gt($0, $1, $2) }
        case .f32Le: binary { .f32Le($0, $1, $2) }
        case .f32Ge: binary { .f32Ge($0, $1, $2) }
        case .f64Eq: binary { .f64Eq($0, $1, $2) }
        case .f64Ne: binary { .f64Ne($0, $1, $2) }
        case .f64Lt: binary { .f64Lt($0, $1, $2) }
        case .f64Gt: binary { .f64Gt($0, $1, $2) }
        case .f64Le: binary { .f64Le($0, $1, $2) }
        case .f64Ge: binary { .f64Ge($0, $1, $2) }
        case .i32Clz: unary { .i32Clz($0, $1) }
        case .i32Ctz: unary { .i32Ctz($0, $1) }
        case .i32Popcnt: unary { .i32Popcnt($0, $1) }
        case .i32Add: binary { .i32Add($0, $1, $2) }
        case .i32Sub: binary { .i32Sub($0, $1, $2) }
        case .i32Mul: binary { .i32Mul($0, $1, $2) }
        case .i32DivS: binary { .i32DivS($0, $1, $2) }
        case .i32DivU: binary { .i32DivU($0, $1, $2) }
        case .i32RemS: binary { .i32RemS($0, $1, $2) }
        case .i32RemU: binary { .i32RemU($0, $1, $2) }
        case .i32And: binary { .i32And($0, $1, $2) }
        case .i32Or: binary { .i32Or($0, $1, $2) }
        case .i32Xor: binary { .i32Xor($0, $1, $2) }
        case .i32Shl: binary { .i32Shl($0, $1, $2) }
        case .i32ShrS: binary { .i32ShrS($0, $1, $2) }
        case .i32ShrU: binary { .i32ShrU($0, $1, $2) }
        case .i32Rotl: binary { .i32Rotl($0, $1, $2) }
        case .i32Rotr: binary { .i32Rotr($0, $1, $2) }
        case .i64Clz: unary { .i64Clz($0, $1) }
        case .i64Ctz: unary { .i64Ctz($0, $1) }
        case .i64Popcnt: unary { .i64Popcnt($0, $1) }
        case .i64Add: binary { .i64Add($0, $1, $2) }
        case .i64Sub: binary { .i64Sub($0, $1, $2) }
        case .i64Mul: binary { .i64Mul($0, $1, $2) }
        case .i64DivS: binary { .i64DivS($0, $1, $2) }
        case .i64DivU: binary { .i64DivU($0, $1, $2) }
        case .i64RemS: binary { .i64RemS($0, $1, $2) }
        case .i64RemU: binary { .i64RemU($0, $1, $2) }
        case .i64And: binary { .i64And($0, $1, $2) }
        case .i64Or: binary { .i64Or($0, $1, $2) }
        case .i64Xor: binary { .i64Xor($0, $1, $2) }
        case .i64Shl: binary { .i64Shl($0, $1, $2) }
        case .i64ShrS: binary { .i64ShrS($0, $1, $2) }
        case .i64ShrU: binary { .i64ShrU($0, $1, $2) }
        case .i64Rotl: binary { .i64Rotl($0, $1, $2) }
        case .i64Rotr: binary { .i64Rotr($0, $1, $2) }
        case .f32Abs: unary { .f32Abs($0, $1) }
        case .f32Neg: unary { .f32Neg($0, $1) }
        case .f32Ceil: unary { .f32Ceil($0, $1) }
        case .f32Floor: unary { .f32Floor($0, $1) }
        case .f32Trunc: unary { .f32Trunc($0, $1) }
        case .f32Nearest: unary { .f32Nearest($0, $1) }
        case .f32Sqrt: unary { .f32Sqrt($0, $1) }
        case .f32Add: binary { .f32Add($0, $1, $2) }
        case .f32Sub: binary { .f32Sub($0, $1, $2) }
        case .f32Mul: binary { .f32Mul($0, $1, $2) }
        case .f32Div: binary { .f32Div($0, $1, $2) }
        case .f32Min: binary { .f32Min($0, $1, $2) }
        case .f32Max: binary { .f32Max($0, $1, $2) }
        case .f32Copysign: binary { .f32Copysign($0, $1, $2) }
        case .f64Abs: unary { .f64Abs($0, $1) }
        case .f64Neg: unary { .f64Neg($0, $1) }
        case .f64Ceil: unary { .f64Ceil($0, $1) }
        case .f64Floor: unary { .f64Floor($0, $1) }
        case .f64Trunc: unary { .f64Trunc($0, $1) }
        case .f64Nearest: unary { .f64Nearest($0, $1) }
        case .f64Sqrt: unary { .f64Sqrt($0, $1) }
        case .f64Add: binary { .f64Add($0, $1, $2) }
        case .f64Sub: binary { .f64Sub($0, $1, $2) }
        case .f64Mul: binary { .f64Mul($0, $1, $2) }
        case .f64Div: binary { .f64Div($0, $1, $2) }
        case .f64Min: binary { .f64Min($0, $1, $2) }
        case .f64Max: binary { .f64Max($0, $1, $2) }
        case .f64Copysign: binary { .f64Copysign($0, $1, $2) }
        default:
            guard let signature = opcode.packedSignature else {
                emit(.unreachable)
                return
            }
            if opcode.feature == .simd || opcode.feature == .relaxedSimd {
                compileBySignature(opcode) { .simd(PackedOpcode(opcode), base: $0) }
            } else if signature.parameterCount == 1 {
                unary { .convert(PackedOpcode(opcode), $0, $1) }
            } else {
                compileBySignature(opcode) { .simd(PackedOpcode(opcode), base: $0) }
            }
        }

        func resultType() -> ValueType {
            switch opcode.packedSignature?.result {
            case .i64?: .i64
            case .f32?: .f32
            case .f64?: .f64
            case .v128?: .v128
            default: .i32
            }
        }

        /// `op(operand, result)`.
        func unary(_ op: (Slot, Slot) -> Op) {
            let operand = pop()
            let source = read(operand)
            push(resultType())
            emit(op(source, operand.slot))
            emitted(result: operand.slot)
        }

        /// `op(lhs, rhs, result)`, or one op with the previous one if that computed an operand and they fuse.
        func binary(_ op: (Slot, Slot, Slot) -> Op) {
            let rhs = pop()
            let lhs = pop()
            let (a, b) = (read(lhs), read(rhs))
            push(resultType())
            if let last = lastResult, last.index == code.count - 1 {
                let computed = { (operand: Operand) in operand.source == .own && operand.slot == last.slot }
                let other = computed(lhs) ? b : computed(rhs) ? a : nil
                if let other,
                   let fused = Self.fuse(code[last.index], opcode, other, lhs.slot, firstIsLeft: computed(lhs)) {
                    code[last.index] = fused
                    emitted(result: lhs.slot)
                    return
                }
            }
            emit(op(a, b, lhs.slot))
            emitted(result: lhs.slot)
        }
    }

    /// `first` and then `second`, which takes `first`'s result (its left operand if `firstIsLeft`) and `other`, as
    /// one op, if there is such an op (see `Op.i32AddAdd`).
    static func fuse(_ first: Op, _ second: Opcode, _ other: Slot, _ result: Slot, firstIsLeft: Bool) -> Op? {
        switch (first, second) {
        case (.f64Mul(let a, let b, _), .f64Sub) where firstIsLeft: .f64MulSub(a, b, other, result)
        case (.f64Sub(let a, let b, _), .f64Mul): .f64SubMul(a, b, other, result)
        case (.f64Add(let a, let b, _), .f64Mul): .f64AddMul(a, b, other, result)
        case (.i32Add(let a, let b, _), .i32Add): .i32AddAdd(a, b, other, result)
        case (.i32Mul(let a, let b, _), .i32Add): .i32MulAdd(a, b, other, result)
        case (.i32Shl(let a, let b, _), .i32Add): .i32ShlAdd(a, b, other, result)
        case (.i32Xor(let a, let b, _), .i32Add): .i32XorAdd(a, b, other, result)
        case (.i32Rotl(let a, let b, _), .i32Xor): .i32RotlXor(a, b, other, result)
        case (.i32And(let a, let b, _), .i32Xor): .i32AndXor(a, b, other, result)
        case (.i32ShrU(let a, let b, _), .i32And): .i32ShrUAnd(a, b, other, result)
        case (.i32ShrU(let a, let b, _), .i32Xor): .i32ShrUXor(a, b, other, result)
        case (.i32Xor(let a, let b, _), .i32And): .i32XorAnd(a, b, other, result)
        case (.i32Sub(let a, let b, _), .i32And): .i32SubAnd(a, b, other, result)
        case (.i32Add(let a, let b, _), .i32And): .i32AddAnd(a, b, other, result)
        case (.i32Xor(let a, let b, _), .i32Mul): .i32XorMul(a, b, other, result)
        case (.f64Mul(let a, let b, _), .f64Add): .f64MulAdd(a, b, other, result)
        case (.f64Mul(let a, let b, _), .f64Mul): .f64MulMul(a, b, other, result)
        default: nil
        }
    }

    /// A numeric op with its result slot replaced (see `withResult`).
    static func withNumericResult(_ op: Op, _ slot: Slot) -> Op? {
        switch op {
        case .i32Eqz(let a, _): .i32Eqz(a, slot)
        case .i64Eqz(let a, _): .i64Eqz(a, slot)
        case .i32Eq(let a, let b, _): .i32Eq(a, b, slot)
        case .i32Ne(let a, let b, _): .i32Ne(a, b, slot)
        case .i32LtS(let a, let b, _): .i32LtS(a, b, slot)
        case .i32LtU(let a, let b, _): .i32LtU(a, b, slot)
        case .i32GtS(let a, let b, _): .i32GtS(a, b, slot)
        case .i32GtU(let a, let b, _): .i32GtU(a, b, slot)
        case .i32LeS(let a, let b, _): .i32LeS(a, b, slot)
        case .i32LeU(let a, let b, _): .i32LeU(a, b, slot)
        case .i32GeS(let a, let b, _): .i32GeS(a, b, slot)
        case .i32GeU(let a, let b, _): .i32GeU(a, b, slot)
        case .i64Eq(let a, let b, _): .i64Eq(a, b, slot)
        case .i64Ne(let a, let b, _): .i64Ne(a, b, slot)
        case .i64LtS(let a, let b, _): .i64LtS(a, b, slot)
        case .i64LtU(let a, let b, _): .i64LtU(a, b, slot)
        case .i64GtS(let a, let b, _): .i64GtS(a, b, slot)
        case .i64GtU(let a, let b, _): .i64GtU(a, b, slot)
        case .i64LeS(let a, let b, _): .i64LeS(a, b, slot)
        case .i64LeU(let a, let b, _): .i64LeU(a, b, slot)
        case .i64GeS(let a, let b, _): .i64GeS(a, b, slot)
        case .i64GeU(let a, let b, _): .i64GeU(a, b, slot)
        case .f32Eq(let a, let b, _): .f32Eq(a, b, slot)
        case .f32Ne(let a, let b, _): .f32Ne(a, b, slot)
        case .f32Lt(let a, let b, _): .f32Lt(a, b, slot)
        case .f32Gt(let a, let b, _): .f32Gt(a, b, slot)
        case .f32Le(let a, let b, _): .f32Le(a, b, slot)
        case .f32Ge(let a, let b, _): .f32Ge(a, b, slot)
        case .f64Eq(let a, let b, _): .f64Eq(a, b, slot)
        case .f64Ne(let a, let b, _): .f64Ne(a, b, slot)
        case .f64Lt(let a, let b, _): .f64Lt(a, b, slot)
        case .f64Gt(let a, let b, _): .f64Gt(a, b, slot)
        case .f64Le(let a, let b, _): .f64Le(a, b, slot)
        case .f64Ge(let a, let b, _): .f64Ge(a, b, slot)
        case .i32Clz(let a, _): .i32Clz(a, slot)
        case .i32Ctz(let a, _): .i32Ctz(a, slot)
        case .i32Popcnt(let a, _): .i32Popcnt(a, slot)
        case .i32Add(let a, let b, _): .i32Add(a, b, slot)
        case .i32Sub(let a, let b, _): .i32Sub(a, b, slot)
        case .i32Mul(let a, let b, _): .i32Mul(a, b, slot)
        case .i32DivS(let a, let b, _): .i32DivS(a, b, slot)
        case .i32DivU(let a, let b, _): .i32DivU(a, b, slot)
        case .i32RemS(let a, let b, _): .i32RemS(a, b, slot)
        case .i32RemU(let a, let b, _): .i32RemU(a, b, slot)
        case .i32And(let a, let b, _): .i32And(a, b, slot)
        case .i32Or(let a, let b, _): .i32Or(a, b, slot)
        case .i32Xor(let a, let b, _): .i32Xor(a, b, slot)
        case .i32Shl(let a, let b, _): .i32Shl(a, b, slot)
        case .i32ShrS(let a, let b, _): .i32ShrS(a, b, slot)
        case .i32ShrU(let a, let b, _): .i32ShrU(a, b, slot)
        case .i32Rotl(let a, let b, _): .i32Rotl(a, b, slot)
        case .i32Rotr(let a, let b, _): .i32Rotr(a, b, slot)
        case .i64Clz(let a, _): .i64Clz(a, slot)
        case .i64Ctz(let a, _): .i64Ctz(a, slot)
        case .i64Popcnt(let a, _): .i64Popcnt(a, slot)
        case .i64Add(let a, let b, _): .i64Add(a, b, slot)
        case .i64Sub(let a, let b, _): .i64Sub(a, b, slot)
        case .i64Mul(let a, let b, _): .i64Mul(a, b, slot)
        case .i64DivS(let a, let b, _): .i64DivS(a, b, slot)
        case .i64DivU(let a, let b, _): .i64DivU(a, b, slot)
        case .i64RemS(let a, let b, _): .i64RemS(a, b, slot)
        case .i64RemU(let a, let b, _): .i64RemU(a, b, slot)
        case .i64And(let a, let b, _): .i64And(a, b, slot)
        case .i64Or(let a, let b, _): .i64Or(a, b, slot)
        case .i64Xor(let a, let b, _): .i64Xor(a, b, slot)
        case .i64Shl(let a, let b, _): .i64Shl(a, b, slot)
        case .i64ShrS(let a, let b, _): .i64ShrS(a, b, slot)
        case .i64ShrU(let a, let b, _): .i64ShrU(a, b, slot)
        case .i64Rotl(let a, let b, _): .i64Rotl(a, b, slot)
        case .i64Rotr(let a, let b, _): .i64Rotr(a, b, slot)
        case .f32Abs(let a, _): .f32Abs(a, slot)
        case .f32Neg(let a, _): .f32Neg(a, slot)
        case .f32Ceil(let a, _): .f32Ceil(a, slot)
        case .f32Floor(let a, _): .f32Floor(a, slot)
        case .f32Trunc(let a, _): .f32Trunc(a, slot)
        case .f32Nearest(let a, _): .f32Nearest(a, slot)
        case .f32Sqrt(let a, _): .f32Sqrt(a, slot)
        case .f32Add(let a, let b, _): .f32Add(a, b, slot)
        case .f32Sub(let a, let b, _): .f32Sub(a, b, slot)
        case .f32Mul(let a, let b, _): .f32Mul(a, b, slot)
        case .f32Div(let a, let b, _): .f32Div(a, b, slot)
        case .f32Min(let a, let b, _): .f32Min(a, b, slot)
        case .f32Max(let a, let b, _): .f32Max(a, b, slot)
        case .f32Copysign(let a, let b, _): .f32Copysign(a, b, slot)
        case .f64Abs(let a, _): .f64Abs(a, slot)
        case .f64Neg(let a, _): .f64Neg(a, slot)
        case .f64Ceil(let a, _): .f64Ceil(a, slot)
        case .f64Floor(let a, _): .f64Floor(a, slot)
        case .f64Trunc(let a, _): .f64Trunc(a, slot)
        case .f64Nearest(let a, _): .f64Nearest(a, slot)
        case .f64Sqrt(let a, _): .f64Sqrt(a, slot)
        case .f64Add(let a, let b, _): .f64Add(a, b, slot)
        case .f64Sub(let a, let b, _): .f64Sub(a, b, slot)
        case .f64Mul(let a, let b, _): .f64Mul(a, b, slot)
        case .f64Div(let a, let b, _): .f64Div(a, b, slot)
        case .f64Min(let a, let b, _): .f64Min(a, b, slot)
        case .f64Max(let a, let b, _): .f64Max(a, b, slot)
        case .f64Copysign(let a, let b, _): .f64Copysign(a, b, slot)
        case .i32AddAdd(let a, let b, let c, _): .i32AddAdd(a, b, c, slot)
        case .i32MulAdd(let a, let b, let c, _): .i32MulAdd(a, b, c, slot)
        case .i32ShlAdd(let a, let b, let c, _): .i32ShlAdd(a, b, c, slot)
        case .i32XorAdd(let a, let b, let c, _): .i32XorAdd(a, b, c, slot)
        case .i32RotlXor(let a, let b, let c, _): .i32RotlXor(a, b, c, slot)
        case .i32AndXor(let a, let b, let c, _): .i32AndXor(a, b, c, slot)
        case .i32ShrUAnd(let a, let b, let c, _): .i32ShrUAnd(a, b, c, slot)
        case .i32ShrUXor(let a, let b, let c, _): .i32ShrUXor(a, b, c, slot)
        case .i32XorAnd(let a, let b, let c, _): .i32XorAnd(a, b, c, slot)
        case .i32SubAnd(let a, let b, let c, _): .i32SubAnd(a, b, c, slot)
        case .i32AddAnd(let a, let b, let c, _): .i32AddAnd(a, b, c, slot)
        case .i32XorMul(let a, let b, let c, _): .i32XorMul(a, b, c, slot)
        case .f64MulAdd(let a, let b, let c, _): .f64MulAdd(a, b, c, slot)
        case .f64MulSub(let a, let b, let c, _): .f64MulSub(a, b, c, slot)
        case .f64SubMul(let a, let b, let c, _): .f64SubMul(a, b, c, slot)
        case .f64AddMul(let a, let b, let c, _): .f64AddMul(a, b, c, slot)
        case .f64MulMul(let a, let b, let c, _): .f64MulMul(a, b, c, slot)
        case .i32LoadEqz(var t): { t.then = Int32(slot); return .i32LoadEqz(t) }()
        case .i32AndEqz(let a, let b, _): .i32AndEqz(a, b, slot)
        default: nil
        }
    }
}
