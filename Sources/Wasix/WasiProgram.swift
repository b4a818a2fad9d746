import WasmInterpreter

/// Runs a WASI command module: instantiates it with the syscalls and calls `_start`.
public enum WasiProgram {
    /// How a run ended.
    public enum Outcome: Sendable {
        /// `_start` returned (status 0) or the guest called `proc_exit`.
        case exited(Int32)
        /// The guest trapped.
        case trapped(TrapError)
    }

    /// Runs `module` with `configuration`: calls `_start`, or `function` with `arguments` if given, and reports
    /// the results of the function through `results`.
    /// - Throws: `InstantiationError` if the module does not link, `PreopenError` if a directory cannot be opened,
    ///   `MissingExport` if the function is not exported.
    public static func run(_ module: ValidatedModule, configuration: WasixConfiguration, function: String? = nil,
                           arguments: [Value] = [], results: ((FunctionType, [Value]) -> Void)? = nil,
                           store: Store = Store()) throws -> Outcome {
        let system = try WasiSystem(configuration: configuration)
        var imports = Imports()
        Registry.define(system, in: store, into: &imports)
        let instance: Instance
        switch Result(catching: { () throws(InstantiationError) in try store.instantiate(module, imports: imports) }) {
        case .success(let value): instance = value
        case .failure(.trap(let trap)): return outcome(of: trap)
        case .failure(let error): throw error
        }
        let name = function ?? "_start"
        guard let entry = instance.exportedFunction(name) else { throw MissingExport(name: name) }
        let context = ExecutionContext(store: store)
        do {
            // A reactor (no `_start`) must have `_initialize` called before any other export.
            if instance.exportedFunction("_start") == nil, let initialize = instance.exportedFunction("_initialize") {
                _ = try context.invoke(initialize, [])
            }
            let values = try context.invoke(entry, arguments)
            results?(entry.type, values)
            return .exited(0)
        } catch {
            return outcome(of: error)
        }
    }

    private static func outcome(of error: TrapError) -> Outcome {
        if case .exit(let status) = error.trap { return .exited(status) }
        return .trapped(error)
    }
}
