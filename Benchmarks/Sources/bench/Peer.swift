import Foundation
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
            var imports = Imports()
            wasi.link(to: &imports, store: store)
            let instance = try parseWasm(bytes: bytes).instantiate(store: store, imports: imports)
            return Int32(bitPattern: try wasi.start(instance))
        }
    }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
