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

    var process: WasixProcess { thread.process }
    var kernel: Kernel { thread.process.kernel }

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

    /// The string passed as (pointer, length) in arguments `index` and `index + 1`.
    func string(_ index: Int) throws(Errno) -> String {
        try memory.string(u32(index), u32(index + 1))
    }
}

/// One syscall: its import name, wasm signature and implementation.
struct Syscall: Sendable {
    let name: String
    let parameters: [ValueType]
    /// `[.i32]` for every call except those that do not return.
    let results: [ValueType]
    /// Returns the call's i32 result: an errno for all but a few calls (wasi-threads' `thread-spawn` returns a
    /// thread id).
    let body: @Sendable (SyscallContext) throws -> UInt32

    var type: FunctionType { FunctionType(parameters: parameters, results: results) }

    init(name: String, parameters: [ValueType], results: [ValueType], body: @escaping @Sendable (SyscallContext) throws -> UInt32) {
        self.name = name
        self.parameters = parameters
        self.results = results
        self.body = body
    }

    /// A call that returns an errno.
    init(_ name: String, _ parameters: [ValueType], returns results: [ValueType] = [.i32],
         _ body: @escaping @Sendable (SyscallContext) throws -> Errno) {
        self.name = name
        self.parameters = parameters
        self.results = results
        self.body = { UInt32(try body($0).rawValue) }
    }

    /// A call that returns an i32 other than an errno.
    init(_ name: String, _ parameters: [ValueType], value body: @escaping @Sendable (SyscallContext) throws -> UInt32) {
        self.name = name
        self.parameters = parameters
        self.results = [.i32]
        self.body = body
    }
}
