/// Blocks, branches, calls and exceptions.
extension Compiler {
    func blockType(_ type: BlockType) -> FunctionType {
        switch type {
        case .empty: FunctionType()
        case .value(let t): FunctionType(results: [t])
        case .type(let index): module.types[Int(index)].functionType
        }
    }

    mutating func beginBlock(_ kind: Block.Kind, _ type: FunctionType) {
        // A label may be placed here: no op before it may be rewritten by what follows.
        placeLabel()
        let parameterCount = type.parameters.count
        let base = parameterCount == 0 ? height : Int(stack[stack.count - parameterCount].slot)
        var block = Block(kind: kind, parameters: type.parameters, results: type.results,
                          stackCount: stack.count - parameterCount, baseSlot: base)
        block.loopStart = code.count
        block.tryStart = code.count
        blocks.append(block)
        if kind == .loop, instance.store?.limits.metersExecution == true { emit(.meter) }
    }

    mutating func compileIf(_ type: FunctionType) {
        let condition = pop()
        materializeAll()
        // The jump to the else branch, taken when the condition fails.
        let jump: (Int32) -> Op
        if let compare = fusableComparison(condition) {
            code.removeLast()
            if case .i32Eqz(let tested, _) = compare, let fused = testJump(after: tested, negated: false) {
                code.removeLast()
                jump = fused
            } else {
                jump = { Self.jump(when: compare, negated: true, target: $0) ?? .unreachable }
            }
        } else {
            let slot = read(condition)
            if let fused = testJump(after: slot, negated: true) {
                code.removeLast()
                jump = fused
            } else {
                jump = { .jumpIfNot(condition: slot, target: $0) }
            }
        }
        let fixup = code.count
        emit(jump(-1))
        beginBlock(.if, type)
        blocks[blocks.count - 1].elseFixup = fixup
    }

    mutating func compileElse() {
        placeLabel()
        let index = blocks.count - 1
        if !blocks[index].unreachable {
            blocks[index].fixups.append(.op(code.count))
            emit(.jump(target: -1))
        }
        if let fixup = blocks[index].elseFixup {
            code[fixup] = Self.retarget(code[fixup], Int32(code.count))
            blocks[index].elseFixup = nil
        }
        let block = blocks[index]
        truncate(to: block.stackCount, height: block.baseSlot)
        for parameter in block.parameters { push(parameter) }
        blocks[index].kind = .else
        blocks[index].unreachable = false
    }

    mutating func compileEnd() {
        let block = blocks.removeLast()
        // No branch reaches the function's end (branches to the function's label return), so its result can
        // still be computed straight into place.
        if block.kind == .function {
            if !block.unreachable { emitReturn() }
            return
        }
        // Branches may arrive here with their values in the block's slots: the last op is no longer the only
        // way the result is computed.
        placeLabel()
        if block.kind == .tryTable {
            for i in block.handlerIndices { handlers[i].range = Int32(block.tryStart)..<Int32(code.count) }
        }
        if let fixup = block.elseFixup {
            code[fixup] = Self.retarget(code[fixup], Int32(code.count))
        }
        resolve(block.fixups)
        truncate(to: block.stackCount, height: block.baseSlot)
        for result in block.results { push(result) }
    }

    mutating func compileBranchIf(_ depth: Int) {
        let operand = pop()
        materializeAll()
        let index = blocks.count - 1 - depth
        if branchIsInPlace(depth), let compare = fusableComparison(operand) {
            code.removeLast()
            // A loop's counter step, or a load of the compared value, just before with no label between: one op.
            if lastOpIsFusable, let fused = Self.countedJump(stepping: code[code.count - 1], when: compare)
                ?? loadComparison(loading: code[code.count - 1], when: compare) {
                code.removeLast()
                emitJump(to: index, fused)
            } else if case .i32Eqz(let tested, _) = compare, let fused = testJump(after: tested, negated: true) {
                code.removeLast()
                emitJump(to: index, fused)
            } else {
                emitJump(to: index) { Self.jump(when: compare, negated: false, target: $0) ?? .unreachable }
            }
            return
        }
        let condition = read(operand)
        if branchIsInPlace(depth) {
            if let fused = testJump(after: condition, negated: false) {
                code.removeLast()
                emitJump(to: index, fused)
            } else {
                emitJump(to: index) { .jumpIf(condition: condition, target: $0) }
            }
        } else {
            let skip = code.count
            emit(.jumpIfNot(condition: condition, target: -1))
            emitBranch(depth)
            placeLabel()
            code[skip] = Self.retarget(code[skip], Int32(code.count))
        }
    }

    mutating func compileBranchTable(_ labels: [LabelDepth], default defaultLabel: LabelDepth) {
        // The index is read where it is (a local, say), the values below it go where the branches expect them.
        let operand = pop()
        materializeAll()
        let index = read(operand)
        let table = branchTables.count
        let all = labels + [defaultLabel]
        // The run loop finds the table by its offset in the flattened tables: a count, then the targets.
        let offset = branchTables.reduce(0) { $0 + 1 + $1.count }
        branchTables.append([Int32](repeating: -1, count: all.count))
        branchTableSites.append(code.count)
        emit(.branchTable(index: index, table: UInt32(offset)))
        var pads: [(entry: Int, depth: Int)] = []
        for (entry, label) in all.enumerated() {
            let depth = Int(label)
            let blockIndex = blocks.count - 1 - depth
            if branchIsInPlace(depth) {
                if blocks[blockIndex].kind == .loop {
                    branchTables[table][entry] = Int32(blocks[blockIndex].loopStart)
                } else {
                    blocks[blockIndex].fixups.append(.tableEntry(table: table, entry: entry))
                }
            } else {
                pads.append((entry, depth))
            }
        }
        for pad in pads {
            placeLabel()
            branchTables[table][pad.entry] = Int32(code.count)
            emitBranch(pad.depth)
        }
        markUnreachable()
    }

    /// The i32 comparison that the previous op computed into `condition`, if a jump can do it instead.
    func fusableComparison(_ condition: Operand) -> Op? {
        guard condition.source == .own, let last = lastResult, last.index == code.count - 1,
              last.slot == condition.slot else { return nil }
        // Fusable exactly when `jump(when:)` has a jump for it: the one list of such comparisons.
        return Self.jump(when: code[last.index], negated: false, target: 0) == nil ? nil : code[last.index]
    }

    /// The jump op (given its target) on `condition` being nonzero (or, `negated`, zero) that also does the op
    /// just before, if one can do both: a copy; a load or a counter's step that wrote `condition`.
    func testJump(after condition: Slot, negated: Bool) -> ((Int32) -> Op)? {
        guard lastOpIsFusable else { return nil }
        let test = { (o: MemoryOperand, target: Int32) in
            LoadTest(address: o.address, offset: o.offset, value: o.value, then: target)
        }
        switch code[code.count - 1] {
        case .copy(let from, let to):
            return {
                negated ? .copyJumpIfNot(from: from, to: to, condition: condition, target: $0)
                        : .copyJumpIf(from: from, to: to, condition: condition, target: $0)
            }
        case .i32Load(let o) where o.value == condition && o.memory == 0:
            return { negated ? .jumpIfLoadI32Eqz(test(o, $0)) : .jumpIfLoadI32Nez(test(o, $0)) }
        case .i32Load8U(let o) where o.value == condition && o.memory == 0:
            return { negated ? .jumpIfLoad8UEqz(test(o, $0)) : .jumpIfLoad8UNez(test(o, $0)) }
        case .i32Add(let a, let b, let r) where r == a && a == condition && !negated:
            return { .i32AddJumpIfNez(CountedJump(counter: a, step: b, bound: a, target: $0)) }
        case .i32Sub(let a, let b, let r) where r == a && a == condition && !negated:
            return { .i32SubJumpIfNez(CountedJump(counter: a, step: b, bound: a, target: $0)) }
        default:
            return nil
        }
    }

    /// The compare-and-jump op for comparison `compare`, jumping when it holds (or fails, if `negated`); nil if
    /// `compare` is no comparison that a jump can do (`fusableComparison` asks).
    static func jump(when compare: Op, negated: Bool, target: Int32) -> Op? {
        switch (compare, negated) {
        case (.i32Eq(let a, let b, _), false), (.i32Ne(let a, let b, _), true): .jumpIfI32Eq(a, b, target: target)
        case (.i32Ne(let a, let b, _), false), (.i32Eq(let a, let b, _), true): .jumpIfI32Ne(a, b, target: target)
        case (.i32LtS(let a, let b, _), false), (.i32GeS(let a, let b, _), true): .jumpIfI32LtS(a, b, target: target)
        case (.i32LtU(let a, let b, _), false), (.i32GeU(let a, let b, _), true): .jumpIfI32LtU(a, b, target: target)
        case (.i32GtS(let a, let b, _), false), (.i32LeS(let a, let b, _), true): .jumpIfI32GtS(a, b, target: target)
        case (.i32GtU(let a, let b, _), false), (.i32LeU(let a, let b, _), true): .jumpIfI32GtU(a, b, target: target)
        case (.i32LeS(let a, let b, _), false), (.i32GtS(let a, let b, _), true): .jumpIfI32LeS(a, b, target: target)
        case (.i32LeU(let a, let b, _), false), (.i32GtU(let a, let b, _), true): .jumpIfI32LeU(a, b, target: target)
        case (.i32GeS(let a, let b, _), false), (.i32LtS(let a, let b, _), true): .jumpIfI32GeS(a, b, target: target)
        case (.i32GeU(let a, let b, _), false), (.i32LtU(let a, let b, _), true): .jumpIfI32GeU(a, b, target: target)
        case (.i32Eqz(let a, _), false): .jumpIfI32Eqz(a, target: target)
        case (.i32Eqz(let a, _), true): .jumpIf(condition: a, target: target)
        case (.i32LoadEqz(var t), false): { t.then = target; return .jumpIfLoadI32Eqz(t) }()
        case (.i32LoadEqz(var t), true): { t.then = target; return .jumpIfLoadI32Nez(t) }()
        case (.i32And(let a, let b, _), false): .jumpIfI32And(a, b, target: target)
        case (.i32And(let a, let b, _), true), (.i32AndEqz(let a, let b, _), false):
            .jumpIfNotI32And(a, b, target: target)
        case (.i32AndEqz(let a, let b, _), true): .jumpIfI32And(a, b, target: target)
        case (.f64Lt(let a, let b, _), false): .jumpIfF64Lt(a, b, target: target)
        case (.f64Gt(let a, let b, _), false): .jumpIfF64Gt(a, b, target: target)
        case (.f64Le(let a, let b, _), false): .jumpIfF64Le(a, b, target: target)
        case (.f64Ge(let a, let b, _), false): .jumpIfF64Ge(a, b, target: target)
        case (.f64Lt(let a, let b, _), true): .jumpIfNotF64Lt(a, b, target: target)
        case (.f64Gt(let a, let b, _), true): .jumpIfNotF64Gt(a, b, target: target)
        case (.f64Le(let a, let b, _), true): .jumpIfNotF64Le(a, b, target: target)
        case (.f64Ge(let a, let b, _), true): .jumpIfNotF64Ge(a, b, target: target)
        default: nil
        }
    }

    /// An i32 comparison seen from one of its operands (`b < a` is `a > b`).
    enum SlotTest { case eq, ne, ltS, ltU, gtS, gtU }

    /// How `compare` tests `slot`: the test with `slot` on the left, and the slot it is compared with; nil if
    /// `compare` is no such comparison or `slot` is on neither side.
    static func test(of slot: Slot, in compare: Op) -> (SlotTest, other: Slot)? {
        switch compare {
        case .i32Eq(slot, let b, _), .i32Eq(let b, slot, _): (.eq, b)
        case .i32Ne(slot, let b, _), .i32Ne(let b, slot, _): (.ne, b)
        case .i32LtS(slot, let b, _), .i32GtS(let b, slot, _): (.ltS, b)
        case .i32LtU(slot, let b, _), .i32GtU(let b, slot, _): (.ltU, b)
        case .i32GtS(slot, let b, _), .i32LtS(let b, slot, _): (.gtS, b)
        case .i32GtU(slot, let b, _), .i32LtU(let b, slot, _): (.gtU, b)
        default: nil
        }
    }

    /// The `CountedJump` op (given its target) for `step`, an `i32.add` or `i32.sub` that updates a slot in place,
    /// and `compare`, a comparison of that slot's new value; nil if no op does both.
    static func countedJump(stepping step: Op, when compare: Op) -> ((Int32) -> Op)? {
        let (counter, amount, adds): (Slot, Slot, Bool)
        switch step {
        case .i32Add(let a, let b, let r) where r == a: (counter, amount, adds) = (a, b, true)
        case .i32Add(let a, let b, let r) where r == b: (counter, amount, adds) = (b, a, true)
        case .i32Sub(let a, let b, let r) where r == a: (counter, amount, adds) = (a, b, false)
        default: return nil
        }
        guard let (test, bound) = Self.test(of: counter, in: compare) else { return nil }
        let make: ((CountedJump) -> Op)? = switch (adds, test) {
        case (true, .ne): Op.i32AddJumpIfNe
        case (true, .ltU): Op.i32AddJumpIfLtU
        case (true, .ltS): Op.i32AddJumpIfLtS
        case (true, .gtU): Op.i32AddJumpIfGtU
        case (true, .gtS): Op.i32AddJumpIfGtS
        case (false, .ne): Op.i32SubJumpIfNe
        case (false, .gtU): Op.i32SubJumpIfGtU
        case (false, .gtS): Op.i32SubJumpIfGtS
        default: nil
        }
        guard let make else { return nil }
        return { make(CountedJump(counter: counter, step: amount, bound: bound, target: $0)) }
    }

    /// The compare-and-jump op (given its target) for `load`, an `i32.load` into a temporary, and `compare`, a
    /// comparison of the loaded value with another slot; nil if no op does both. The loaded value is then
    /// written nowhere: the comparison was its only reader.
    func loadComparison(loading load: Op, when compare: Op) -> ((Int32) -> Op)? {
        guard case .i32Load(let operand) = load, operand.memory == 0, operand.value >= firstTemporary else {
            return nil
        }
        let loaded = operand.value
        guard let (test, other) = Self.test(of: loaded, in: compare), other != loaded else { return nil }
        let make: (LoadComparison) -> Op = switch test {
        case .eq: Op.jumpIfLoadI32Eq
        case .ne: Op.jumpIfLoadI32Ne
        case .ltS: Op.jumpIfLoadI32LtS
        case .ltU: Op.jumpIfLoadI32LtU
        case .gtS: Op.jumpIfLoadI32GtS
        case .gtU: Op.jumpIfLoadI32GtU
        }
        return { make(LoadComparison(address: operand.address, offset: operand.offset, other: other, target: $0)) }
    }

    /// The slot of the first of the top `count` operands (the top slot if `count` is 0).
    func base(ofTop count: Int) -> Slot {
        count == 0 ? top : stack[stack.count - count].slot
    }

    mutating func compileCall(_ callee: FunctionType, _ op: (Slot) -> Op, tail: Bool = false) {
        let base = base(ofTop: callee.parameters.count)
        emit(op(base))
        pop(callee.parameters.count)
        if tail {
            markUnreachable()
        } else {
            for result in callee.results { push(result) }
        }
    }

    mutating func compileTryTable(_ type: FunctionType, _ clauses: [CatchClause]) {
        var clauseHandlers: [ExceptionHandler] = []
        var clauseFixups: [(handler: Int, block: Int)] = []
        for clause in clauses {
            let blockIndex = blocks.count - 1 - Int(clause.label)
            let block = blocks[blockIndex]
            let kind: ExceptionHandler.Kind
            switch clause {
            case .catch(let tag, _), .catchRef(let tag, _): kind = .tag(tag)
            case .catchAll, .catchAllRef: kind = .all
            }
            let passesReference = switch clause {
            case .catchRef, .catchAllRef: true
            default: false
            }
            let depth = blocks.filter { $0.kind == .tryTable }.count + 1
            var handler = ExceptionHandler(range: 0..<0, depth: depth, kind: kind, passesReference: passesReference,
                                           base: Slot(block.baseSlot), target: -1)
            switch block.kind {
            case .function:
                handler.base = 0
                handler.target = ExceptionHandler.returnTarget
            case .loop:
                handler.target = Int32(block.loopStart)
            default:
                clauseFixups.append((handlers.count + clauseHandlers.count, blockIndex))
            }
            clauseHandlers.append(handler)
        }
        let first = handlers.count
        handlers += clauseHandlers
        for fixup in clauseFixups { blocks[fixup.block].fixups.append(.handler(fixup.handler)) }
        beginBlock(.tryTable, type)
        blocks[blocks.count - 1].handlerIndices = Array(first..<handlers.count)
        // Make sure a throw at the very start of the body has a code index inside the range.
        blocks[blocks.count - 1].tryStart = code.count
    }
}
