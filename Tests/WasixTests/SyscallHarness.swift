#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Testing
import WasmInterpreter
@testable import Wasix

/// A seam for unit tests of single syscalls: a kernel with one process (its configuration mapping a temporary
/// sandbox directory, its stdio host pipes the test holds the other ends of) and its first thread over a tiny
/// instantiated module that exports a memory. A test calls a syscall by its table name with `[Value]` arguments,
/// as the guest would through one ABI, and then reads the errno, guest memory and the process's state.
///
/// `call` runs the row of `Syscalls.preview1`/`Syscalls.wasix` that `Registry` would link, with the namespace's
/// flavor and word size, marked as in a syscall as `Registry` marks it; it does not deliver signals afterwards
/// (`deliverSignals()` does, when a test asks), so what a call queued can be inspected.
final class SyscallHarness {
    /// How the test module imports the syscalls: the namespace `call` goes through, and the others it imports,
    /// which decide what some calls do (`fd_pipe` makes a Linux pipe for a module that imports preview1 from
    /// `wasi_snapshot_preview1`, as current wasix-libc does).
    struct ABI: Sendable, CustomTestStringConvertible {
        var name: String
        var namespace: String
        var otherImports: [String] = []

        /// A WASI preview1 program: preopens, no WASIX calls.
        static let wasi = ABI(name: "wasi_snapshot_preview1", namespace: "wasi_snapshot_preview1")
        /// A preview0 program, whose structs and whence values differ.
        static let wasiUnstable = ABI(name: "wasi_unstable", namespace: "wasi_unstable")
        /// Current wasix-libc on wasm32: preview1 from `wasi_snapshot_preview1`, the rest from `wasix_32v1`.
        static let wasix32 = ABI(name: "wasix_32v1", namespace: "wasix_32v1", otherImports: ["wasi_snapshot_preview1"])
        /// The 2022 wasix-libc: everything from `wasix_32v1`.
        static let wasix2022 = ABI(name: "wasix_32v1 (2022)", namespace: "wasix_32v1")
        /// wasm64: everything from `wasix_64v1`, on a memory64 memory.
        static let wasix64 = ABI(name: "wasix_64v1", namespace: "wasix_64v1")

        var isWasix: Bool { namespace.hasPrefix("wasix_") }
        var wordSize: UInt32 { Registry.namespaces[namespace]?.wordSize ?? 4 }
        var testDescription: String { name }
    }

    /// A mistake in a test's call, not a result of the syscall.
    struct CallError: Error, CustomStringConvertible {
        var description: String
    }

    let abi: ABI
    let kernel: Kernel
    let process: WasixProcess
    let thread: WasixThread
    let instance: Instance
    let memory: GuestMemory
    /// The host directory mapped at the guest's `/` (WASIX) or preopened as `.` (WASI), removed at the end.
    let sandbox: URL
    /// The host ends of the guest's stdio pipes: stdin's write end, stdout's and stderr's read ends.
    let stdinWriter: Int32, stdoutReader: Int32, stderrReader: Int32
    /// Where the test module's `on_signal` export logs the signals it receives: a count, then the numbers.
    static let signalLog: UInt32 = 16
    /// Bytes of guest memory (one page).
    static let memorySize: UInt32 = 65536

    private let store: Store
    private var guestEnds: [Int32] = []
    private var next: UInt32 = 1024

    /// - Parameters:
    ///   - abi: how the module imports the calls, which also decides whether the process sees a WASIX tree.
    ///   - configure: changes to the configuration before the process is made (limits, working directory).
    init(_ abi: ABI = .wasix32, arguments: [String] = ["test"], environment: [String] = [],
         configure: (inout WasixConfiguration) -> Void = { _ in }) throws {
        // As in `WasiProgram.run`: a write to a pipe without readers is `EPIPE`, not the end of the test host.
        signal(SIGPIPE, SIG_IGN)
        self.abi = abi
        sandbox = FileManager.default.temporaryDirectory.appendingPathComponent("syscalls-\(UUID())")
        try FileManager.default.createDirectory(at: sandbox, withIntermediateDirectories: true)
        var pipes: [[Int32]] = []
        for _ in 0..<3 {
            var ends: [Int32] = [0, 0]
            guard pipe(&ends) == 0 else { throw CallError(description: "pipe: \(String(cString: strerror(errno)))") }
            pipes.append(ends)
        }
        (stdinWriter, stdoutReader, stderrReader) = (pipes[0][1], pipes[1][0], pipes[2][0])
        guestEnds = [pipes[0][0], pipes[1][1], pipes[2][1]]
        for fd in [pipes[1][0], pipes[2][0]] { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }

        var configuration = WasixConfiguration(
            arguments: arguments, environment: environment,
            preopens: [.init(guestPath: abi.isWasix ? "/" : ".", hostPath: sandbox.path)])
        (configuration.stdin, configuration.stdout, configuration.stderr) = (pipes[0][0], pipes[1][1], pipes[2][1])
        configure(&configuration)
        let fileSystem = abi.isWasix ? try GuestFileSystem(mapping: configuration.preopens) : nil
        let kernel = Kernel(configuration: configuration, limits: Store.ResourceLimits(), fileSystem: fileSystem)
        let process = try kernel.add { pid in try WasixProcess(kernel: kernel, pid: pid, configuration: configuration) }
        let store = Store()
        let module = try ModuleValidator.load(Self.moduleBytes(abi))
        let instance = try store.instantiate(module, imports: Registry.imports(for: module, in: store, configuration: configuration))
        let thread = WasixThread(process: process, instance: instance, context: ExecutionContext(store: store))
        kernel.locked { process.threads[1] = thread }
        (self.kernel, self.process, self.store, self.instance, self.thread) = (kernel, process, store, instance, thread)
        memory = GuestMemory(memory: instance.memories[0])
    }

    deinit {
        // Ends the process: its descriptors close and the process and thread no longer hold each other.
        kernel.finish(process, .exited(0))
        kernel.fileSystem?.unmount()
        for fd in guestEnds + [stdinWriter, stdoutReader, stderrReader] { close(fd) }
        try? FileManager.default.removeItem(at: sandbox)
    }

    // MARK: - Calls

    /// Calls syscall `name` of `namespace` (the ABI's by default) with `arguments`, whose types must be those
    /// the table gives the call in that namespace (which also picks between rows of one name).
    /// - Returns: the errno the call returns or throws.
    /// - Throws: `CallError` if no row has that name and type; what the call throws to end the thread (`Trap`).
    @discardableResult
    func call(_ name: String, _ arguments: [Value], in namespace: String? = nil) throws -> Errno {
        let namespace = namespace ?? abi.namespace
        guard let entry = Registry.namespaces[namespace] else { throw CallError(description: "no \(namespace)") }
        let types = arguments.map(Self.type)
        let rows = entry.syscalls.filter { $0.name == name }
        guard let syscall = rows.first(where: { $0.type(wordSize: entry.wordSize)?.parameters == types }) else {
            let expected = rows.compactMap { $0.type(wordSize: entry.wordSize).map { "\($0.parameters)" } }
            throw CallError(description: "\(namespace).\(name) takes \(expected), not \(types)")
        }
        let context = SyscallContext(thread: thread, instance: instance, memory: memory, arguments: arguments,
                                     flavor: entry.flavor, wordSize: entry.wordSize)
        thread.inSyscall.store(true, ordering: .sequentiallyConsistent)
        defer { thread.inSyscall.store(false, ordering: .sequentiallyConsistent) }
        let result: UInt32
        do {
            result = try syscall.body(context)
        } catch let errno as Errno {
            result = UInt32(errno.rawValue)
        }
        guard let errno = UInt16(exactly: result).flatMap(Errno.init(rawValue:)) else {
            throw CallError(description: "\(name) returned \(result), not an errno")
        }
        return errno
    }

    /// Delivers pending signals as `Registry` does when a syscall returns: to the `callback_signal` handler, or
    /// by their default action (which throws `Termination.exit`).
    func deliverSignals() throws {
        try thread.deliverSignals(returning: [.i32(0)])
    }

    /// The signals the module's `on_signal` export has received, in order.
    func receivedSignals() throws -> [UInt32] {
        let count = try memory.load(Self.signalLog, as: UInt32.self)
        return try (0..<count).map { try memory.load(Self.signalLog + 4 + 4 * $0, as: UInt32.self) }
    }

    /// A pointer or size argument: an i32, or an i64 in `wasix_64v1`.
    func word(_ value: UInt32) -> Value {
        abi.wordSize == 8 ? .i64(UInt64(value)) : .i32(value)
    }

    // MARK: - Guest memory

    /// Reserves `count` bytes of guest memory, 8-aligned and filled with 0xAA so that a test sees which bytes a
    /// call wrote.
    func allocate(_ count: Int) throws -> UInt32 {
        let address = next
        next = (next + UInt32(count) + 7) & ~7
        guard next <= Self.memorySize else { throw CallError(description: "guest memory is full") }
        try memory.write([UInt8](repeating: 0xAA, count: count), at: address)
        return address
    }

    /// Writes `bytes` into new guest memory; returns their address.
    func put(_ bytes: [UInt8]) throws -> UInt32 {
        let address = try allocate(bytes.count)
        try memory.write(bytes, at: address)
        return address
    }

    /// Writes the UTF-8 of `text` (no NUL) into new guest memory; returns the (address, length) pair that string
    /// parameters take.
    func put(_ text: String) throws -> (address: Value, length: Value) {
        let bytes = Array(text.utf8)
        return (word(try put(bytes)), word(UInt32(bytes.count)))
    }

    /// Writes an iovec array of `buffers` (two words each); returns its address.
    func putIOVecs(_ buffers: [(address: UInt32, length: UInt32)]) throws -> UInt32 {
        let array = try allocate(buffers.count * 2 * Int(abi.wordSize))
        for (index, buffer) in buffers.enumerated() {
            let entry = array + UInt32(index) * 2 * abi.wordSize
            try storeWord(UInt64(buffer.address), at: entry)
            try storeWord(UInt64(buffer.length), at: entry + abi.wordSize)
        }
        return array
    }

    /// Writes each of `texts` into guest memory and an iovec array over them; returns the array's address.
    func putIOVecs(of texts: [String]) throws -> UInt32 {
        try putIOVecs(texts.map { (try put(Array($0.utf8)), UInt32($0.utf8.count)) })
    }

    /// Stores a pointer or size of the ABI's word size.
    func storeWord(_ value: UInt64, at address: UInt32) throws {
        if abi.wordSize == 8 {
            try memory.store(value, at: address)
        } else {
            try memory.store(UInt32(value), at: address)
        }
    }

    /// Loads a pointer or size of the ABI's word size.
    func loadWord(at address: UInt32) throws -> UInt64 {
        abi.wordSize == 8
            ? try memory.load(address, as: UInt64.self) : UInt64(try memory.load(address, as: UInt32.self))
    }

    func load<T: FixedWidthInteger>(_ address: UInt32, as type: T.Type = T.self) throws -> T {
        try memory.load(address, as: type)
    }

    func bytes(at address: UInt32, count: Int) throws -> [UInt8] {
        try memory.bytes(address, UInt32(clamping: count))
    }

    /// The NUL-terminated string at `address`.
    func cString(at address: UInt32) throws -> String {
        var bytes: [UInt8] = []
        while true {
            let byte = try memory.load(address &+ UInt32(bytes.count), as: UInt8.self)
            if byte == 0 { return String(decoding: bytes, as: UTF8.self) }
            bytes.append(byte)
        }
    }

    // MARK: - Host side

    /// What the guest has written to its stdout so far.
    func stdout() -> String { Self.readAvailable(stdoutReader) }

    /// The bytes waiting in the non-blocking host descriptor `fd`.
    static func readAvailable(_ fd: Int32) -> String {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            guard count > 0 else { return String(decoding: bytes, as: UTF8.self) }
            bytes += chunk[0..<count]
        }
    }

    /// Creates a file in the sandbox (directories on the way included).
    func createFile(_ path: String, contents: String = "") throws {
        let url = sandbox.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(contents.utf8).write(to: url)
    }

    // MARK: - The module

    private static func type(_ value: Value) -> ValueType {
        switch value {
        case .i32: .i32
        case .i64: .i64
        case .f32: .f32
        case .f64: .f64
        case .v128: .v128
        case .ref: .funcref  // no syscall takes a reference: any reference type fails the match
        }
    }

    /// The test module: it imports `sched_yield` from each of the ABI's namespaces (which is what tells the
    /// runtime which ABI a module uses), exports one page of memory (64-bit addressed for `wasix_64v1`) as
    /// `memory`, and exports `on_signal(signal: i32)`, a handler that appends the signal to `signalLog`, and
    /// `null_handler(signal: i32)`, which calls a null table slot, as current wasix-libc's `__wasm_signal` does
    /// for a signal without an action before the program's first `sigaction`.
    private static func moduleBytes(_ abi: ABI) -> [UInt8] {
        func uleb(_ value: Int) -> [UInt8] {
            var value = value
            var bytes: [UInt8] = []
            repeat {
                bytes.append(UInt8(value & 0x7F) | (value >= 0x80 ? 0x80 : 0))
                value >>= 7
            } while value != 0
            return bytes
        }
        func name(_ text: String) -> [UInt8] { uleb(text.utf8.count) + Array(text.utf8) }
        func vector(_ items: [[UInt8]]) -> [UInt8] { uleb(items.count) + items.joined() }
        func section(_ id: UInt8, _ items: [[UInt8]]) -> [UInt8] {
            let content = vector(items)
            return [id] + uleb(content.count) + content
        }
        let i32: UInt8 = 0x7F
        let namespaces = [abi.namespace] + abi.otherImports
        let is64 = abi.wordSize == 8
        // An address: i32.const, or i64.const in memory64 (both small enough for one LEB byte).
        func address(_ value: UInt8) -> [UInt8] { [is64 ? 0x42 : 0x41, value] }
        let log = UInt8(signalLog)
        let body: [UInt8] = [0x00]  // no locals
            // memory[log + 4 + 4 * count] = signal
            + address(log) + [0x28, 2, 0, 0x41, 2, 0x74] + (is64 ? [0xAD] : []) + [0x20, 0, 0x36, 2, log + 4]
            // memory[log] = count + 1
            + address(log) + address(log) + [0x28, 2, 0, 0x41, 1, 0x6A, 0x36, 2, 0] + [0x0B]
        // call_indirect (type 0) of table slot 0, which is null.
        let nullCall: [UInt8] = [0x00, 0x41, 0, 0x11, 0, 0, 0x1A, 0x0B]
        return [0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00]
            + section(1, [[0x60, 0, 1, i32], [0x60, 1, i32, 0]])
            + section(2, namespaces.map { name($0) + name("sched_yield") + [0x00, 0] })
            + section(3, [[1], [1]])
            + section(4, [[0x70, 0x00, 1]])
            + section(5, [[is64 ? 0x04 : 0x00, UInt8(memorySize >> 16)]])
            + section(7, [name("memory") + [0x02, 0], name("on_signal") + [0x00, UInt8(namespaces.count)],
                          name("null_handler") + [0x00, UInt8(namespaces.count + 1)]])
            + section(10, [uleb(body.count) + body, uleb(nullCall.count) + nullCall])
    }
}
