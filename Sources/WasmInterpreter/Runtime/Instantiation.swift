/// Instantiation (<https://webassembly.github.io/spec/core/exec/modules.html#instantiation>).
extension Store {
    /// Links `module` against `imports`, initialises its tables and memories and runs its start function.
    ///
    /// Writes that segment initialisation made to imported tables and memories before a trap stay, as the
    /// spec requires.
    /// - Throws: `InstantiationError`.
    public func instantiate(_ module: ValidatedModule, imports: Imports = Imports()) throws(InstantiationError)
        -> Instance
    {
        let instance = Instance(module: module, store: self)
        let m = module.module
        var canonical: [Int] = []
        for (index, type) in m.types.enumerated() {
            canonical.append(typeID(type.functionType, canonical: canonical, selfIndex: index))
        }
        instance.typeIDs = canonical

        try resolveImports(of: instance, from: imports)
        for (index, typeIndex) in m.functionTypeIndices.enumerated() {
            let function = Function(type: m.types[Int(typeIndex)].functionType, typeID: canonical[Int(typeIndex)],
                                    body: .wasm(instance: Unmanaged.passUnretained(instance), index: index))
            register(function)
            instance.functions.append(function)
        }
        for memoryType in m.memories {
            guard memoryType.limits.min <= limits.memoryPages else {
                throw .resourceExhausted("memory of \(memoryType.limits.min) pages, above the limit memoryPages = "
                    + "\(limits.memoryPages)")
            }
            guard let memory = Memory(type: memoryType, pageLimit: limits.memoryPages, budget: limits.memoryBudget,
                                      copyOnWrite: limits.copyOnWriteMemories) else {
                throw .resourceExhausted("memory of \(memoryType.limits.min) pages"
                    + (limits.memoryBudget.map { ", beyond the memory budget of \($0.limit) bytes" } ?? ""))
            }
            instance.memories.append(memory)
        }
        for global in m.globals {
            instance.globals.append(Global(type: global.type, value: evaluate(global.initializer, in: instance)))
        }
        for table in m.tables {
            guard table.type.limits.min <= limits.tableElements else {
                throw .resourceExhausted("table of \(table.type.limits.min) elements, above the limit tableElements = "
                    + "\(limits.tableElements)")
            }
            var initial: UInt64 = 0
            if let initializer = table.initializer {
                let slots = UnsafeMutablePointer<UInt64>.allocate(capacity: 2)
                defer { slots.deallocate() }
                SlotEncoding.write(evaluate(initializer, in: instance), to: slots)
                initial = slots[0]
            }
            instance.tables.append(Table(type: table.type, initial: initial, elementLimit: limits.tableElements))
        }
        for tag in m.tags { instance.tags.append(Tag(type: m.types[Int(tag.typeIndex)].functionType)) }
        for export in m.exports {
            let value: ExternalValue
            switch export.descriptor {
            case .function(let i): value = .function(instance.functions[Int(i)])
            case .table(let i): value = .table(instance.tables[Int(i)])
            case .memory(let i): value = .memory(instance.memories[Int(i)])
            case .global(let i): value = .global(instance.globals[Int(i)])
            case .tag(let i): value = .tag(instance.tags[Int(i)])
            }
            instance.exportsByName[Array(export.name.utf8)] = value
        }
        instance.elements = m.elements.map { segment in
            switch segment.items {
            case .functions(let indices): return indices.map { UInt64(instance.functions[Int($0)].address) + 1 }
            case .expressions(let expressions):
                let slots = UnsafeMutablePointer<UInt64>.allocate(capacity: 2)
                defer { slots.deallocate() }
                return expressions.map {
                    SlotEncoding.write(evaluate($0, in: instance), to: slots)
                    return slots[0]
                }
            }
        }
        instance.data = m.data.map(\.bytes)
        instance.finishLinking()
        instances.append(instance)

        do {
            try initializeSegments(of: instance)
        } catch {
            throw .trap(TrapError(trap: error, backtrace: []))
        }
        if let start = m.start {
            let context = ExecutionContext(store: self)
            do {
                _ = try context.invoke(instance.functions[Int(start)], [])
            } catch {
                throw .trap(error)
            }
        }
        return instance
    }

    private func resolveImports(of instance: Instance, from imports: Imports) throws(InstantiationError) {
        let m = instance.module.module
        for entry in m.imports {
            func fail(_ message: String) -> InstantiationError {
                .link(LinkError(message: message, module: entry.module, name: entry.name))
            }
            var typeID: Int?
            if case .function(let t) = entry.descriptor, Int(t) < instance.typeIDs.count { typeID = instance.typeIDs[Int(t)] }
            guard let value = imports.lookup(module: entry.module, name: entry.name, typeID: typeID) else {
                throw fail("unknown import")
            }
            switch (entry.descriptor, value) {
            case (.function(let t), .function(let f)):
                guard f.typeID == instance.typeIDs[Int(t)] else { throw fail("incompatible import type") }
                instance.functions.append(f)
            case (.table(let expected), .table(let table)):
                guard table.type.elementType == expected.elementType,
                      Self.matches(table.type.limits, current: UInt64(table.count), expected.limits)
                else { throw fail("incompatible import type") }
                instance.tables.append(table)
            case (.memory(let expected), .memory(let memory)):
                guard Self.matches(memory.type.limits, current: memory.pageCount, expected.limits) else {
                    throw fail("incompatible import type")
                }
                instance.memories.append(memory)
            case (.global(let expected), .global(let global)):
                guard global.type.isMutable == expected.isMutable,
                      global.type.isMutable ? global.type.valueType == expected.valueType
                                            : Self.valueTypeMatches(global.type.valueType, expected.valueType)
                else { throw fail("incompatible import type") }
                instance.globals.append(global)
            case (.tag(let expected), .tag(let tag)):
                guard tag.type == m.types[Int(expected.typeIndex)].functionType else {
                    throw fail("incompatible import type")
                }
                instance.tags.append(tag)
            default:
                throw fail("incompatible import type")
            }
        }
    }

    /// Import matching of limits: at least the expected minimum, and within the expected maximum if any.
    private static func matches(_ actual: WasmDecoder.Limits, current: UInt64, _ expected: WasmDecoder.Limits) -> Bool {
        guard actual.addressType == expected.addressType, actual.isShared == expected.isShared,
              max(actual.min, current) >= expected.min else { return false }
        guard let expectedMax = expected.max else { return true }
        guard let actualMax = actual.max else { return false }
        return actualMax <= expectedMax
    }

    private static func valueTypeMatches(_ actual: ValueType, _ expected: ValueType) -> Bool {
        guard case .ref(let a) = actual, case .ref(let e) = expected else { return actual == expected }
        if a.isNullable && !e.isNullable { return false }
        switch (a.heapType, e.heapType) {
        case (.abstract(let x), .abstract(let y)): return x == y || (x == x.bottom && x.top == y.top)
        case (.concrete, .abstract(let y)): return y == .func
        default: return a.heapType == e.heapType
        }
    }

    /// Evaluates a validated constant expression.
    func evaluate(_ expression: ConstantExpression, in instance: Instance) -> Value {
        var stack: [Value] = []
        for instruction in expression.instructions {
            switch (instruction.opcode, instruction.immediate) {
            case (.i32Const, .i32(let v)): stack.append(.i32(UInt32(bitPattern: v)))
            case (.i64Const, .i64(let v)): stack.append(.i64(UInt64(bitPattern: v)))
            case (.f32Const, .f32(let v)): stack.append(.f32(v))
            case (.f64Const, .f64(let v)): stack.append(.f64(v))
            case (.v128Const, .v128(let v)): stack.append(.v128(v))
            case (.refNull, _): stack.append(.ref(.null))
            case (.refFunc, .index(let f)): stack.append(.ref(.function(instance.functions[Int(f)].address)))
            case (.globalGet, .index(let g)): stack.append(instance.globals[Int(g)].value)
            default:
                guard stack.count >= 2 else { return .i32(0) }
                let rhs = stack.removeLast(), lhs = stack.removeLast()
                switch (instruction.opcode, lhs, rhs) {
                case (.i32Add, .i32(let a), .i32(let b)): stack.append(.i32(a &+ b))
                case (.i32Sub, .i32(let a), .i32(let b)): stack.append(.i32(a &- b))
                case (.i32Mul, .i32(let a), .i32(let b)): stack.append(.i32(a &* b))
                case (.i64Add, .i64(let a), .i64(let b)): stack.append(.i64(a &+ b))
                case (.i64Sub, .i64(let a), .i64(let b)): stack.append(.i64(a &- b))
                case (.i64Mul, .i64(let a), .i64(let b)): stack.append(.i64(a &* b))
                default: return .i32(0)
                }
            }
        }
        return stack.last ?? .i32(0)
    }

    /// Runs active element and data segments in order, then drops them and the declarative ones.
    private func initializeSegments(of instance: Instance) throws(Trap) {
        let m = instance.module.module
        for (index, segment) in m.elements.enumerated() {
            switch segment.mode {
            case .active(let table, let offset):
                let start = evaluate(offset, in: instance).addressValue
                try instance.initializeTable(Int(table), from: index, destination: start, source: 0,
                                             count: UInt64(instance.elements[index].count))
                instance.elements[index] = []
            case .declarative:
                instance.elements[index] = []
            case .passive:
                break
            }
        }
        for (index, segment) in m.data.enumerated() {
            guard case .active(let memory, let offset) = segment.mode else { continue }
            let start = evaluate(offset, in: instance).addressValue
            try instance.initializeMemory(Int(memory), from: index, destination: start, source: 0,
                                          count: UInt64(instance.data[index].count))
            instance.data[index] = []
        }
    }
}

extension Value {
    /// An i32 or i64 as an unsigned 64-bit address.
    var addressValue: UInt64 {
        switch self {
        case .i32(let v): UInt64(v)
        case .i64(let v): v
        default: 0
        }
    }
}
