import Foundation
import Wasix

/// This runtime.
struct Ours: Contender {
    let name = "wasix-swift"

    func decode(_ bytes: [UInt8]) throws {
        _ = try ModuleValidator.load(bytes)
    }

    func load(_ bytes: [UInt8]) throws -> (UInt32) throws -> UInt32 {
        let store = Store()
        let instance = try store.instantiate(try ModuleValidator.load(bytes))
        let context = ExecutionContext(store: store)
        guard let run = instance.exportedFunction("run") else { throw MissingExport(name: "run") }
        return { n in
            guard case .i32(let result)? = try context.invoke(run, [.i32(n)]).first else { return 0 }
            _ = store
            return result
        }
    }

    func runCommand(_ bytes: [UInt8], _ command: Command) throws -> Int32 {
        var configuration = WasixConfiguration(
            arguments: command.arguments, environment: command.environment.map { "\($0.name)=\($0.value)" },
            preopens: command.preopens.map { WasixConfiguration.Preopen(guestPath: $0.guest, hostPath: $0.host) })
        configuration.stdout = command.stdout
        configuration.trapsUnknownImports = true
        var status: Int32 = 0
        let outcome = try WasiProgram.run(try ModuleValidator.load(bytes), configuration: configuration,
                                          function: command.entry) { _, results in
            if case .i32(let value)? = results.first { status = Int32(bitPattern: value) }
        }
        switch outcome {
        case .exited(let code): return command.entry == nil ? code : status
        case .trapped: return 134
        case .killed(let signal): return 128 + signal
        }
    }
}
