/// The validator's fast path: the instructions that make up most of every body (locals, constants, numeric
/// operators, loads and stores, `drop`, `select`, `br`, `br_if`, `call`), decoded and typed straight from their
/// bytes, without an `Instruction` value or the general rules' lookups (docs/RATIONALE.md, "Two passes over each
/// body").
///
/// It only ever accepts: an instruction it takes is well-formed and well-typed with every operand it pops present
/// above the current frame, and it leaves the validator as `step` would. Anything else (an unknown operand after
/// `unreachable`, a long LEB128 number, an error of any kind) it leaves unread, for `step` to decide and to report.
extension FunctionValidator {
    /// Validates the instruction at `reader`'s position and moves past it, if it is a common one that is
    /// plainly valid; returns `false`, reading nothing, otherwise.
    @inline(__always)
    mutating func acceptCommon(_ reader: inout ByteReader) -> Bool {
        let start = reader.position
        guard start < reader.limit, !frames.isEmpty else { return false }
        let entry = context.commonInstructions[Int(reader.bytes[start])]
        let next: Int?
        switch entry.kind {
        case .other:
            return false
        case .signature:
            next = acceptSignature(entry.signature, address: .i32) ? start + 1 : nil
        case .memoryAccess:
            next = acceptMemoryAccess(entry, reader.bytes, at: start + 1)
        case .localGet, .localSet, .localTee:
            next = acceptLocal(entry.kind, reader.bytes, at: start + 1)
        case .globalGet:
            guard let (index, end) = Self.u32(reader.bytes, start + 1), Int(index) < context.globals.count else {
                return false
            }
            push(context.globals[Int(index)].valueType)
            next = end
        case .globalSet:
            guard let (index, end) = Self.u32(reader.bytes, start + 1), Int(index) < context.globals.count,
                  context.globals[Int(index)].isMutable, popExactly(context.globals[Int(index)].valueType)
            else { return false }
            next = end
        case .i32Const:
            next = Self.skipLEB(reader.bytes, start + 1, maxBytes: 4).map { end in push(.i32); return end }
        case .i64Const:
            next = Self.skipLEB(reader.bytes, start + 1, maxBytes: 9).map { end in push(.i64); return end }
        case .f32Const:
            guard start + 5 <= reader.limit else { return false }
            push(.f32)
            next = start + 5
        case .f64Const:
            guard start + 9 <= reader.limit else { return false }
            push(.f64)
            next = start + 9
        case .drop:
            guard available >= 1 else { return false }
            operands.truncate(to: operands.count - 1)
            next = start + 1
        case .select:
            guard available >= 3, case .i32? = operands[fromTop: 0], let type = operands[fromTop: 1],
                  Self.same(operands[fromTop: 2], type) else { return false }
            operands.truncate(to: operands.count - 2)
            next = start + 1
        case .br, .brIf:
            // Branches to labels that carry no values: most of those compilers emit.
            guard let (depth, end) = Self.u32(reader.bytes, start + 1), Int(depth) < frames.count else { return false }
            let frame = frames.count - 1 - Int(depth)
            guard frames[frame].kind == .loop ? frames[frame].startTypes.isEmpty : frames[frame].endTypes.isEmpty
            else { return false }
            if entry.kind == .brIf {
                guard available >= 1, case .i32? = operands[fromTop: 0] else { return false }
                operands.truncate(to: operands.count - 1)
            } else {
                markUnreachable()
            }
            next = end
        case .call:
            guard let (index, end) = Self.u32(reader.bytes, start + 1), Int(index) < context.functions.count,
                  Int(context.functions[Int(index)]) < context.typeLayouts.count else { return false }
            let callee = context.typeLayouts[Int(context.functions[Int(index)])]
            guard available >= callee.parameterCount else { return false }
            for depth in 0..<callee.parameterCount {
                let parameter = context.flatTypes[callee.start + callee.parameterCount - 1 - depth]
                guard Self.same(operands[fromTop: depth], parameter) else { return false }
            }
            operands.truncate(to: operands.count - callee.parameterCount)
            for result in 0..<callee.resultCount {
                push(context.flatTypes[callee.start + callee.parameterCount + result])
            }
            next = end
        }
        guard let next else { return false }
        reader.position = next
        return true
    }

    /// How many operands the current frame has above its base.
    @inline(__always)
    private var available: Int { operands.count - frames[frames.count - 1].height }

    /// Pops `expected` if it is what is on top.
    @inline(__always)
    private mutating func popExactly(_ expected: ValueType) -> Bool {
        guard available >= 1, Self.same(operands[fromTop: 0], expected) else { return false }
        operands.truncate(to: operands.count - 1)
        return true
    }

    /// Whether `actual` is the numeric or vector type `expected` (references are left to the general rules).
    @inline(__always)
    private static func same(_ actual: ValueType?, _ expected: ValueType) -> Bool {
        switch (actual, expected) {
        case (.i32?, .i32), (.i64?, .i64), (.f32?, .f32), (.f64?, .f64), (.v128?, .v128): true
        default: false
        }
    }

    /// Pops a signature's parameters and pushes its result, if the parameters are on top.
    @inline(__always)
    private mutating func acceptSignature(_ signature: PackedSignature, address: ValueType) -> Bool {
        let count = signature.parameterCount
        guard available >= count else { return false }
        for index in 0..<count {
            guard let actual = operands[fromTop: count - 1 - index],
                  Self.matches(actual, signature.parameter(index), address: address) else { return false }
        }
        operands.truncate(to: operands.count - count)
        if let result = signature.result { push(result.valueType(address: address)) }
        return true
    }

    @inline(__always)
    private static func matches(_ type: ValueType, _ operand: OpcodeSignature.Operand, address: ValueType) -> Bool {
        switch (operand, type) {
        case (.i32, .i32), (.i64, .i64), (.f32, .f32), (.f64, .f64), (.v128, .v128): true
        case (.address, _): same(type, address)
        default: false
        }
    }

    /// A load or store of memory 0 whose memarg is short and within bounds; returns the offset after it.
    @inline(__always)
    private mutating func acceptMemoryAccess(_ entry: CommonInstruction, _ bytes: [UInt8], at position: Int) -> Int? {
        guard position < bytes.count, !context.memories.isEmpty else { return nil }
        // One byte of flags: the alignment, without bit 6 (an explicit memory index).
        let flags = bytes[position]
        guard flags < 0x40, flags <= entry.naturalAlignment,
              let end = Self.skipLEB(bytes, position + 1, maxBytes: 4) else { return nil }
        let address = context.memories[0].limits.addressType.valueType
        return acceptSignature(entry.signature, address: address) ? end : nil
    }

    /// `local.get`, `local.set` or `local.tee` of a local that is set already.
    @inline(__always)
    private mutating func acceptLocal(_ kind: CommonInstruction.Kind, _ bytes: [UInt8], at position: Int) -> Int? {
        guard let (index, end) = Self.u32(bytes, position), Int(index) < locals.count, initialized[Int(index)] else {
            return nil
        }
        let type = locals[Int(index)]
        switch kind {
        case .localGet:
            push(type)
        case .localSet:
            guard popExactly(type) else { return nil }
        default:
            guard available >= 1, Self.same(operands[fromTop: 0], type) else { return nil }
        }
        return end
    }

    /// A `u32` of at most four bytes at `position` (larger ones are left to the general reader), and the offset
    /// after it.
    @inline(__always)
    private static func u32(_ bytes: [UInt8], _ position: Int) -> (UInt32, Int)? {
        var value: UInt32 = 0
        var shift: UInt32 = 0
        var index = position
        while index < bytes.count, index < position + 4 {
            let byte = bytes[index]
            value |= UInt32(byte & 0x7F) << shift
            index += 1
            if byte < 0x80 { return (value, index) }
            shift += 7
        }
        return nil
    }

    /// The offset after a LEB128 number of at most `maxBytes` bytes at `position` (at most 63 bits, so any
    /// such encoding is valid for a 64-bit number, and with four bytes for a 32-bit one).
    @inline(__always)
    private static func skipLEB(_ bytes: [UInt8], _ position: Int, maxBytes: Int) -> Int? {
        var index = position
        while index < bytes.count, index < position + maxBytes {
            let byte = bytes[index]
            index += 1
            if byte < 0x80 { return index }
        }
        return nil
    }
}

/// What the fast path knows of an instruction from its first byte (`FunctionValidator.acceptCommon`).
struct CommonInstruction {
    enum Kind: UInt8 {
        case other, signature, memoryAccess, localGet, localSet, localTee, globalGet, globalSet
        case i32Const, i64Const, f32Const, f64Const, drop, select, br, brIf, call
    }

    var kind = Kind.other
    var signature = PackedSignature(bits: 0)
    var naturalAlignment: UInt8 = 0

    /// One entry per byte, from the opcode table.
    static let table: [CommonInstruction] = (0...255).map { byte in
        guard let opcode = Opcode.singleByte(UInt8(byte)) else { return CommonInstruction() }
        switch opcode {
        case .localGet: return CommonInstruction(kind: .localGet)
        case .localSet: return CommonInstruction(kind: .localSet)
        case .localTee: return CommonInstruction(kind: .localTee)
        case .globalGet: return CommonInstruction(kind: .globalGet)
        case .globalSet: return CommonInstruction(kind: .globalSet)
        case .i32Const: return CommonInstruction(kind: .i32Const)
        case .i64Const: return CommonInstruction(kind: .i64Const)
        case .f32Const: return CommonInstruction(kind: .f32Const)
        case .f64Const: return CommonInstruction(kind: .f64Const)
        case .drop: return CommonInstruction(kind: .drop)
        case .select: return CommonInstruction(kind: .select)
        case .br: return CommonInstruction(kind: .br)
        case .brIf: return CommonInstruction(kind: .brIf)
        case .call: return CommonInstruction(kind: .call)
        default: break
        }
        guard let signature = opcode.packedSignature else { return CommonInstruction() }
        switch opcode.immediates {
        case .none:
            return CommonInstruction(kind: .signature, signature: signature)
        case .memarg:
            return CommonInstruction(kind: .memoryAccess, signature: signature,
                                     naturalAlignment: opcode.naturalAlignment ?? 0)
        default:
            return CommonInstruction()
        }
    }
}
