import WasmInterpreter

/// The state of one running script: the store, the registered modules and the current instance.
final class SpecSession {
    let store = Store()
    lazy var context = ExecutionContext(store: store)
    var imports = Imports()
    var current: Instance?
    var named: [String: Instance] = [:]
    /// The feature a module lacked, for the current module and for named ones: their commands are unsupported too.
    var currentUnsupported: String?
    var unsupportedNames: [String: String] = [:]
    /// Modules defined with `(module definition $M ...)`, instantiated later by `instance`.
    var definitions: [String: ValidatedModule] = [:]
    let features: WasmFeatures

    init(features: WasmFeatures) {
        self.features = features
        defineSpectest()
    }

    /// The `spectest` host module (see the suite's README).
    private func defineSpectest() {
        let printTypes: [(String, [ValueType])] = [
            ("print", []), ("print_i32", [.i32]), ("print_i64", [.i64]), ("print_f32", [.f32]), ("print_f64", [.f64]),
            ("print_i32_f32", [.i32, .f32]), ("print_f64_f64", [.f64, .f64]),
        ]
        for (name, parameters) in printTypes {
            let function = store.hostFunction(HostFunction(type: FunctionType(parameters: parameters)) { _, _ in [] })
            imports.define(module: "spectest", name: name, .function(function))
        }
        let globals: [(String, ValueType, Value)] = [
            ("global_i32", .i32, .i32(666)), ("global_i64", .i64, .i64(666)),
            ("global_f32", .f32, .float(666.6)), ("global_f64", .f64, .double(666.6)),
        ]
        for (name, type, value) in globals {
            imports.define(module: "spectest", name: name,
                           .global(store.global(GlobalType(valueType: type, isMutable: false), value)))
        }
        if let table = store.table(TableType(elementType: .funcref, limits: Limits(min: 10, max: 20))) {
            imports.define(module: "spectest", name: "table", .table(table))
        }
        if let table = store.table(TableType(elementType: .funcref, limits: Limits(min: 10, max: 20, addressType: .i64))) {
            imports.define(module: "spectest", name: "table64", .table(table))
        }
        if let memory = store.memory(MemoryType(limits: Limits(min: 1, max: 2))) {
            imports.define(module: "spectest", name: "memory", .memory(memory))
        }
        if let memory = store.memory(MemoryType(limits: Limits(min: 1, max: 2, isShared: true))) {
            imports.define(module: "spectest", name: "shared_memory", .memory(memory))
        }
    }

    func instance(named name: String?) -> Instance? {
        guard let name else { return current }
        return named[name]
    }

    /// Instantiates `module`, making it current and giving it `name`.
    func instantiate(_ module: ValidatedModule, name: String?) throws -> Instance {
        let instance = try store.instantiate(module, imports: imports)
        current = instance
        currentUnsupported = nil
        if let name {
            named[name] = instance
            unsupportedNames[name] = nil
        }
        return instance
    }

    /// Records that a module needs `feature`; actions on it are then unsupported rather than failed.
    func markUnsupported(_ feature: String, name: String?) {
        current = nil
        currentUnsupported = feature
        if let name { unsupportedNames[name] = feature }
    }

    /// The missing feature of the module `action` would run in, if it lacked one.
    func unsupportedFeature(for action: SpecAction) -> String? {
        guard let name = action.module else { return current == nil ? currentUnsupported : nil }
        return named[name] == nil ? unsupportedNames[name] : nil
    }

    /// Performs an action; returns its results.
    func perform(_ action: SpecAction) throws -> [Value] {
        guard let instance = instance(named: action.module) else { throw SpecError("no module \(action.module ?? "")") }
        switch action.type {
        case "invoke":
            guard let function = instance.exportedFunction(action.field) else {
                throw SpecError("no function export \"\(action.field)\"")
            }
            var arguments: [Value] = []
            for argument in action.args ?? [] {
                guard let value = SpecValues.argument(argument) else { throw SpecError("bad argument \(argument)") }
                arguments.append(value)
            }
            return try context.invoke(function, arguments)
        case "get":
            guard let global = instance.exportedGlobal(action.field) else {
                throw SpecError("no global export \"\(action.field)\"")
            }
            return [global.value]
        default:
            throw SpecError("unknown action \(action.type)")
        }
    }
}

struct SpecError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
