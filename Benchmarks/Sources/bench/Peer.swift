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
            try Self.defineTrappingFunctions(for: command, in: &imports, store: store)
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
    /// `command.unknownImports`, as functions that trap when called: what `WasixConfiguration.trapsUnknownImports`
    /// does on our side.
    static func defineTrappingFunctions(for command: Command, in imports: inout WasmKit.Imports,
                                        store: WasmKit.Store) throws {
        func kind(_ type: Wasix.ValueType) throws -> WasmKit.ValueType {
            switch type {
            case .i32: .i32
            case .i64: .i64
            case .f32: .f32
            case .f64: .f64
            default: throw BenchError("an unknown import with a \(type) parameter or result")
            }
        }
        for entry in command.unknownImports {
            let name = "\(entry.module).\(entry.name)"
            imports.define(module: entry.module, name: entry.name, WasmKit.Function(
                store: store, parameters: try entry.type.parameters.map(kind), results: try entry.type.results.map(kind)
            ) { _, _ in
                throw BenchError("unknown import \(name) was called")
            })
        }
    }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
