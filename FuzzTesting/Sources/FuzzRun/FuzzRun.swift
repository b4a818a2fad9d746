import FuzzSupport
import WasmInterpreter

/// libFuzzer entry: instantiates arbitrary modules that validate (with host functions for any function imports)
/// and calls every exported function with zero arguments, under fuel, a timeout (which also ends atomic waits),
/// call-depth, memory and table limits. A
/// trap or a link error is fine; a crash, hang or sanitizer report is a bug.
func fuzzRun(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard let module = try? ModuleValidator.load(Array(UnsafeBufferPointer(start: data, count: size))) else { return 0 }
    var limits = Store.ResourceLimits()
    limits.fuel = 100_000
    limits.timeout = .seconds(1)
    limits.callDepth = 1_000
    limits.stackSlots = 1 << 16
    limits.memoryPages = 256
    limits.tableElements = 10_000
    let store = Store(limits: limits)
    var imports = Imports()
    for entry in module.module.imports {
        guard case .function(let index) = entry.descriptor, Int(index) < module.module.types.count else { continue }
        let type = module.module.types[Int(index)].functionType
        let function = store.hostFunction(HostFunction(type: type) { _, _ in type.results.map(Value.defaultValue) })
        imports.define(module: entry.module, name: entry.name, .function(function))
    }
    guard let instance = try? store.instantiate(module, imports: imports) else { return 0 }
    let context = ExecutionContext(store: store)
    for (_, value) in instance.exports {
        guard case .function(let function) = value else { continue }
        _ = try? context.invoke(function, function.type.parameters.map(Value.defaultValue))
    }
    return 0
}

@main
enum Main {
    static func main() {
        runFuzzer { data, size in data.map { fuzzRun($0, size) } ?? 0 }
    }
}
