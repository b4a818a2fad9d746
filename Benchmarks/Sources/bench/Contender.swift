/// A runtime under test: it loads a module and calls its `run(n)` export, or runs a WASI command.
protocol Contender {
    var name: String { get }
    /// Decodes and validates `bytes` (the decode benchmark).
    func decode(_ bytes: [UInt8]) throws
    /// Instantiates a freestanding workload module; the result calls `run(n)`.
    func load(_ bytes: [UInt8]) throws -> (UInt32) throws -> UInt32
    /// Instantiates a WASI command and runs it to completion with stdout discarded; returns its exit code.
    func runCommand(_ bytes: [UInt8]) throws -> Int32
}
