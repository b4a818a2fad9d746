import WasmInterpreter

/// What a syscall implementation receives: the calling thread and instance, its memory and the arguments.
struct SyscallContext {
    let thread: WasixThread
    let instance: Instance
    let memory: GuestMemory
    let arguments: [Value]
    /// Which ABI the call came through; `wasi_unstable` lays some structs out differently.
    let flavor: Flavor

    enum Flavor { case preview0, preview1 }

    /// Bytes of a pointer or size: 4, or 8 in `wasix_64v1`.
    let wordSize: UInt32
    /// The process the call is made for: the thread's own, or the vfork child it acts as (`proc_fork_env`).
    let process: WasixProcess

    var kernel: Kernel { thread.process.kernel }

    /// Whether the module was built against the current WASIX ABI, which imports the preview1 calls from
    /// `wasi_snapshot_preview1` (wasm64 has no other), rather than the 2022 one, which imports them from
    /// `wasix_32v1` too and whose libc expects wasmer's behaviour of then: duplex pipes, event descriptors
    /// reported once per change.
    var isCurrentABI: Bool {
        wordSize == 8 || instance.module.module.imports.contains { $0.module == "wasi_snapshot_preview1" }
    }

    init(thread: WasixThread, instance: Instance, memory: GuestMemory, arguments: [Value], flavor: Flavor,
         wordSize: UInt32) {
        self.thread = thread
        self.instance = instance
        self.memory = memory
        self.arguments = arguments
        self.flavor = flavor
        self.wordSize = wordSize
        process = thread.currentProcess
    }

    /// Argument `index` as an unsigned 32-bit value (i32 parameters: pointers, lengths, fds, flags).
    func u32(_ index: Int) -> UInt32 {
        if case .i32(let v) = arguments[index] { return v }
        // A wasix_64v1 pointer beyond 4 GiB becomes an address no memory access accepts (EFAULT).
        if case .i64(let v) = arguments[index] { return UInt32(clamping: v) }
        return 0
    }

    /// Argument `index` as an unsigned 64-bit value (i64 parameters: offsets, timestamps, rights).
    func u64(_ index: Int) -> UInt64 {
        if case .i64(let v) = arguments[index] { return v }
        if case .i32(let v) = arguments[index] { return UInt64(v) }
        return 0
    }

    /// The descriptor named by argument `index`.
    func fd(_ index: Int) throws(Errno) -> FileDescriptor {
        try process.descriptors.get(u32(index))
    }

    /// Stores a size (`size_t`) result: 4 bytes, or 8 in `wasix_64v1`.
    func storeSize<T: BinaryInteger>(_ value: T, at address: UInt32) throws(Errno) {
        if wordSize == 8 { try memory.store(UInt64(value), at: address) } else { try memory.store(UInt32(truncatingIfNeeded: value), at: address) }
    }

    /// Loads a pointer or size field.
    func loadWord(at address: UInt32) throws(Errno) -> UInt32 {
        wordSize == 8 ? UInt32(truncatingIfNeeded: try memory.load(address, as: UInt64.self)) : try memory.load(address, as: UInt32.self)
    }

    /// The buffers of the iovec array in arguments `index` and `index + 1`.
    func iovecs(_ index: Int) throws(Errno) -> [UnsafeMutableRawBufferPointer] {
        try memory.iovecs(u32(index), u32(index + 1), wordSize: wordSize)
    }

    /// Runs a write; its `EPIPE` (no reader left) also sends SIGPIPE to the calling thread, as Linux does, in a
    /// WASIX program (WASI has no signals: it sees `EPIPE` alone, as in wasmtime).
    func raisingSIGPIPE(_ write: () throws(Errno) -> Int) throws(Errno) -> Int {
        do {
            return try write()
        } catch .pipe {
            if kernel.isWasix { kernel.locked { kernel.queue(.pipe, to: process, thread: thread) } }
            throw .pipe
        }
    }

    /// The string passed as (pointer, length) in arguments `index` and `index + 1`.
    func string(_ index: Int) throws(Errno) -> String {
        try memory.string(u32(index), u32(index + 1))
    }
}

/// What a syscall parameter is. The kind gives its wasm type in each ABI (pointers and sizes are i64 in
/// `wasix_64v1`) and how `--trace` shows it.
enum Parameter: Sendable, Equatable {
    /// A descriptor.
    case fd
    /// A 32-bit number: a count, a boolean, an enumeration, a pid.
    case u32
    /// A 64-bit number: an offset, a timestamp, user data.
    case u64
    /// A WASIX (Linux-numbered) signal.
    case signal
    /// A clock id, whence, or a set of flags, shown by name.
    case clock, whence, fdflags, oflags, lookupflags
    /// 64-bit rights.
    case rights
    /// An address the call reads or writes a structure at.
    case pointer
    /// A `size_t`.
    case size
    /// A string's address; its length is the next parameter.
    case string
    /// A buffer's address; its length is the next parameter.
    case buffer
    /// An iovec array the call writes from (`ciovec`) or reads into; its count is the next parameter.
    case ciovecs, iovecs
    /// `poll_oneoff`'s subscriptions; their count is the parameter after the next.
    case subscriptions
    /// The address of a result the call writes, shown after the call.
    case out(Output)

    enum Output: Sendable, Equatable { case u32, u64, size, fd, optionPID, joinStatus }

    /// The wasm type of the parameter in an ABI whose pointers have `wordSize` bytes.
    func valueType(wordSize: UInt32) -> ValueType {
        switch self {
        case .u64, .rights: .i64
        case .pointer, .size, .string, .buffer, .ciovecs, .iovecs, .subscriptions, .out: wordSize == 8 ? .i64 : .i32
        case .fd, .u32, .signal, .clock, .whence, .fdflags, .oflags, .lookupflags: .i32
        }
    }
}

/// One row of the syscall table: an import name, its parameters, and the function that implements it.
struct Syscall: Sendable {
    let name: String
    /// `nil` for a call we do not implement: it takes whatever type the module imports it with.
    let parameters: [Parameter]?
    /// `[.i32]` for every call except those that do not return.
    let results: [ValueType]
    /// Returns the call's i32 result: an errno for all but a few calls (wasi-threads' `thread-spawn` returns a
    /// thread id).
    let body: @Sendable (SyscallContext) throws -> UInt32

    /// Whether signals are delivered when the call returns. Not for writes: libc's handler export flushes its
    /// stdio buffers when a handler returns, and a write returning is where libc has sent a buffer but not yet
    /// marked it sent, so that flush would send it again (see docs/RATIONALE.md). A SIGPIPE the write raised
    /// itself is delivered there all the same.
    var deliversSignals: Bool { !Self.writes.contains(name) }

    private static let writes: Set<String> = ["fd_write", "fd_pwrite", "sock_send", "sock_send_to"]

    /// The call's wasm type in an ABI whose pointers have `wordSize` bytes.
    func type(wordSize: UInt32) -> FunctionType? {
        parameters.map { FunctionType(parameters: $0.map { $0.valueType(wordSize: wordSize) }, results: results) }
    }

    /// A call that returns an errno (or nothing, with `returns: []`).
    init(_ name: String, _ parameters: [Parameter], returns results: [ValueType] = [.i32],
         _ body: @escaping @Sendable (SyscallContext) throws -> Errno) {
        self.name = name
        self.parameters = parameters
        self.results = results
        self.body = { UInt32(try body($0).rawValue) }
    }

    /// A call that returns an i32 other than an errno.
    init(_ name: String, _ parameters: [Parameter], value body: @escaping @Sendable (SyscallContext) throws -> UInt32) {
        self.name = name
        self.parameters = parameters
        self.results = [.i32]
        self.body = body
    }

    /// A call we do not implement: it answers `notsup`, as whatever type the module imports it with, so that
    /// binaries importing it still link and see a clean error if they call it.
    init(unsupported name: String) {
        self.name = name
        parameters = nil
        results = [.i32]
        body = { _ in UInt32(Errno.notsup.rawValue) }
    }
}
