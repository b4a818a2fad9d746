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
}
