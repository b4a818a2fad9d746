/// Turning fuzz bytes into a WASI/WASIX command module: a `_start` that calls a sequence of imported syscalls with
/// constant arguments (and a short second sequence for spawned threads), with its paths, iovecs and structures in
/// a passive data segment. Every byte string makes a valid module; an exhausted input reads as zeros.

/// How the module imports the syscalls (the ABIs of `Tests/WasixTests/SyscallHarness.swift`).
enum ABI: CaseIterable {
    /// WASI preview1: the program sees preopened directories.
    case wasi
    /// `wasi_unstable`: preview1's calls with preview0's struct layouts.
    case wasiUnstable
    /// Current wasix-libc on wasm32: preview1 from `wasi_snapshot_preview1` or `wasix_32v1`, the rest from the
    /// latter, on an imported shared memory.
    case wasix32
    /// The 2022 wasix-libc: everything from `wasix_32v1`.
    case wasix2022
    /// wasm64: everything from `wasix_64v1`, on an imported shared 64-bit memory.
    case wasix64

    var isWasix: Bool { self == .wasix32 || self == .wasix2022 || self == .wasix64 }
    var is64: Bool { self == .wasix64 }
    var wordSize: UInt32 { is64 ? 8 : 4 }

    /// The calls the ABI offers, with the namespace each comes from.
    var rows: [(namespace: String, row: Row)] { Self.table[self]! }

    private static let table = Dictionary(uniqueKeysWithValues: allCases.map { ($0, $0.makeRows()) })

    private func makeRows() -> [(namespace: String, row: Row)] {
        switch self {
        case .wasi: Row.preview1.map { ("wasi_snapshot_preview1", $0) }
        case .wasiUnstable: Row.preview1.map { ("wasi_unstable", $0) }
        case .wasix32, .wasix2022:
            Row.preview1.map { ("wasix_32v1", $0) } + Row.wasix.map { ("wasix_32v1", $0) } + Row.wasiThreads.map { ("wasi", $0) }
        case .wasix64:
            (Row.preview1 + Row.wasix).map { ("wasix_64v1", $0) } + Row.wasiThreads.map { ("wasi", $0) }
        }
    }
}

/// What a syscall parameter is, for choosing a value for it. A pair kind (`string`, `buffer`, `iovecs`) stands
/// for two wasm parameters, an address and a length or count.
enum Kind {
    case fd, u32, u64, signal, clock, whence, fdflags, oflags, lookupflags, rights
    /// A pid or tid: small numbers mostly.
    case id
    /// A timeout or interval in nanoseconds: mostly below 1.3 ms.
    case duration
    /// A `size_t` on its own.
    case size
    /// A structure the call reads: bytes of the input, in the data segment.
    case input
    /// Where the call writes a structure or bytes: the scratch area.
    case output
    /// Where the call writes a number: a result slot; descriptors go to the two fd slots, which later fd
    /// arguments may load.
    case result, resultFD, resultFD2
    /// A path, name or argument list; a buffer in the scratch area; an iovec array over the scratch area.
    case string, buffer, iovecs
    /// poll_oneoff's subscriptions (plausible ones: short clocks, small descriptors) and their count.
    case subscriptions, subscriptionCount
    /// A futex word.
    case futex

    /// The wasm types it takes in an ABI whose pointers and sizes have `wordSize` bytes.
    func valueTypes(is64: Bool) -> [UInt8] {
        let word: UInt8 = is64 ? i64 : i32
        switch self {
        case .fd, .u32, .signal, .clock, .whence, .fdflags, .oflags, .lookupflags, .id: return [i32]
        case .u64, .rights, .duration: return [i64]
        case .size, .input, .output, .result, .resultFD, .resultFD2, .subscriptions, .subscriptionCount, .futex:
            return [word]
        case .string, .buffer, .iovecs: return [word, word]
        }
    }
}

let i32: UInt8 = 0x7F, i64: UInt8 = 0x7E

/// One row of the syscall table: a copy of `Sources/Wasix/Syscalls/Table.swift` (which is internal) with the
/// parameters as `Kind`s. `Harness.checkTable()` links every row at start, so a drift shows at once.
struct Row {
    let name: String
    let kinds: [Kind]
    /// Whether the call returns an i32 (all but those that do not return).
    let returns: Bool

    init(_ name: String, _ kinds: [Kind], returns: Bool = true) {
        self.name = name
        self.kinds = kinds
        self.returns = returns
    }

    /// Its wasm type: parameter bytes and result bytes.
    func type(is64: Bool) -> [[UInt8]] {
        [kinds.flatMap { $0.valueTypes(is64: is64) }, returns ? [i32] : []]
    }

    static let preview1: [Row] = [
        Row("args_sizes_get", [.result, .result]),
        Row("args_get", [.output, .output]),
        Row("environ_sizes_get", [.result, .result]),
        Row("environ_get", [.output, .output]),
        Row("clock_res_get", [.clock, .result]),
        Row("clock_time_get", [.clock, .u64, .result]),
        Row("fd_advise", [.fd, .u64, .u64, .u32]),
        Row("fd_allocate", [.fd, .u64, .u64]),
        Row("fd_close", [.fd]),
        Row("fd_datasync", [.fd]),
        Row("fd_sync", [.fd]),
        Row("fd_fdstat_get", [.fd, .output]),
        Row("fd_fdstat_set_flags", [.fd, .fdflags]),
        Row("fd_fdstat_set_rights", [.fd, .rights, .rights]),
        Row("fd_filestat_get", [.fd, .output]),
        Row("fd_filestat_set_size", [.fd, .u64]),
        Row("fd_filestat_set_times", [.fd, .u64, .u64, .u32]),
        Row("fd_pread", [.fd, .iovecs, .u64, .result]),
        Row("fd_pwrite", [.fd, .iovecs, .u64, .result]),
        Row("fd_read", [.fd, .iovecs, .result]),
        Row("fd_write", [.fd, .iovecs, .result]),
        Row("fd_prestat_get", [.fd, .output]),
        Row("fd_prestat_dir_name", [.fd, .buffer]),
        Row("fd_readdir", [.fd, .buffer, .u64, .result]),
        Row("fd_renumber", [.fd, .fd]),
        Row("fd_seek", [.fd, .u64, .whence, .result]),
        Row("fd_tell", [.fd, .result]),
        Row("path_create_directory", [.fd, .string]),
        Row("path_filestat_get", [.fd, .lookupflags, .string, .output]),
        Row("path_filestat_set_times", [.fd, .lookupflags, .string, .u64, .u64, .u32]),
        Row("path_link", [.fd, .lookupflags, .string, .fd, .string]),
        Row("path_open", [.fd, .lookupflags, .string, .oflags, .rights, .rights, .fdflags, .resultFD]),
        Row("path_readlink", [.fd, .string, .buffer, .result]),
        Row("path_remove_directory", [.fd, .string]),
        Row("path_rename", [.fd, .string, .fd, .string]),
        Row("path_symlink", [.string, .fd, .string]),
        Row("path_unlink_file", [.fd, .string]),
        Row("poll_oneoff", [.subscriptions, .output, .subscriptionCount, .result]),
        Row("proc_exit", [.u32], returns: false),
        Row("proc_raise", [.signal]),
        Row("sched_yield", []),
        Row("random_get", [.buffer]),
        Row("sock_accept", [.fd, .fdflags, .resultFD]),
        Row("sock_recv", [.fd, .iovecs, .u32, .result, .result]),
        Row("sock_send", [.fd, .iovecs, .u32, .result]),
        Row("sock_shutdown", [.fd, .u32]),
    ]

    static let wasix: [Row] = [
        Row("fd_pipe", [.resultFD, .resultFD2]),
        Row("fd_dup", [.fd, .resultFD]),
        Row("fd_dup2", [.fd, .fd, .u32, .resultFD]),
        Row("fd_fdflags_get", [.fd, .result]),
        Row("fd_fdflags_set", [.fd, .u32]),
        Row("path_open2", [.fd, .lookupflags, .string, .oflags, .rights, .rights, .fdflags, .u32, .resultFD]),
        Row("getcwd", [.output, .input]),
        Row("chdir", [.string]),
        Row("proc_fork", [.u32, .result]),
        Row("proc_fork_env", [.result]),
        Row("proc_join", [.result, .result]),
        Row("proc_join", [.input, .u32, .output]),
        Row("proc_exit2", [.u32], returns: false),
        Row("proc_id", [.result]),
        Row("proc_parent", [.id, .result]),
        Row("proc_exec", [.string, .string], returns: false),
        Row("proc_exec2", [.string, .string, .string], returns: false),
        Row("proc_exec3", [.string, .string, .string, .u32, .string]),
        Row("proc_spawn2", [.string, .string, .string, .input, .size, .input, .size, .u32, .string, .result]),
        Row("proc_signals_sizes_get", [.result]),
        Row("proc_signals_get", [.output]),
        Row("callback_signal", [.string], returns: false),
        Row("proc_signal", [.id, .signal]),
        Row("thread_signal", [.id, .signal]),
        Row("proc_raise_interval", [.signal, .duration, .u32]),
        Row("stack_checkpoint", [.output, .result]),
        Row("stack_restore", [.output, .u64], returns: false),
        Row("tty_get", [.output]),
        Row("tty_set", [.input]),
        Row("thread_spawn", [.u64, .u64, .u64, .u32, .result]),
        Row("thread_spawn", [.input, .result]),
        Row("thread_spawn_v2", [.input, .result]),
        Row("thread_join", [.id]),
        Row("thread_exit", [.u32], returns: false),
        Row("thread_id", [.result]),
        Row("thread_parallelism", [.result]),
        Row("thread_sleep", [.duration]),
        Row("futex_wait", [.futex, .u32, .input, .result]),
        Row("futex_wake", [.futex, .result]),
        Row("futex_wake_all", [.futex, .result]),
        Row("thread_local_create", [.u64, .result]),
        Row("thread_local_destroy", [.u32]),
        Row("thread_local_set", [.u32, .u64]),
        Row("thread_local_get", [.u32, .result]),
        Row("sock_open", [.u32, .u32, .u32, .resultFD]),
        Row("sock_pair", [.u32, .u32, .u32, .resultFD, .resultFD2]),
        Row("sock_bind", [.fd, .input]),
        Row("sock_listen", [.fd, .u32]),
        Row("sock_accept", [.fd, .fdflags, .resultFD, .output]),
        Row("sock_accept_v2", [.fd, .fdflags, .resultFD, .output]),
        Row("sock_connect", [.fd, .input]),
        Row("sock_recv_from", [.fd, .iovecs, .u32, .result, .result, .output]),
        Row("sock_send_to", [.fd, .iovecs, .u32, .input, .result]),
        Row("sock_addr_local", [.fd, .output]),
        Row("sock_addr_peer", [.fd, .output]),
        Row("sock_status", [.fd, .result]),
        Row("sock_set_opt_flag", [.fd, .u32, .u32]),
        Row("sock_get_opt_flag", [.fd, .u32, .result]),
        Row("sock_set_opt_size", [.fd, .u32, .u64]),
        Row("sock_get_opt_size", [.fd, .u32, .result]),
        Row("sock_set_opt_time", [.fd, .u32, .input]),
        Row("sock_get_opt_time", [.fd, .u32, .output]),
        Row("resolve", [.string, .u32, .buffer, .result]),
        Row("sock_send_file", [.fd, .fd, .u64, .u64, .result]),
        Row("fd_event", [.u64, .u32, .resultFD]),
        Row("epoll_create", [.resultFD]),
        Row("epoll_ctl", [.fd, .u32, .fd, .input]),
        Row("epoll_wait", [.fd, .output, .size, .duration, .result]),
    ]

    /// wasi-threads, from module `wasi`.
    static let wasiThreads: [Row] = [Row("thread-spawn", [.u32])]
}

/// The guest memory's layout (one 64 KiB page).
enum Layout {
    /// Where `on_signal` stores the last signal it received.
    static let signalSlot: UInt32 = 0x08
    /// Where calls write the descriptors they make (a second one: `fd_pipe`, `sock_pair`).
    static let fdSlots: [UInt32] = [0x10, 0x14]
    /// The futex word.
    static let futex: UInt32 = 0x18
    /// Where calls write numbers: a slot of 8 bytes per parameter position.
    static let results: UInt32 = 0x20
    /// Where the data segment goes, and its end.
    static let data: UInt32 = 0x100, dataEnd: UInt32 = 0x8000
    /// The scratch area that buffers, iovecs and output structures point into.
    static let scratch: UInt32 = 0x8000, scratchEnd: UInt32 = 0x10000
}

/// The fuzz bytes, read front to back; past the end every read is zero.
struct Input {
    let bytes: [UInt8]
    var position = 0

    var isAtEnd: Bool { position >= bytes.count }

    mutating func byte() -> UInt8 {
        guard position < bytes.count else { return 0 }
        defer { position += 1 }
        return bytes[position]
    }

    mutating func bytes(_ count: Int) -> [UInt8] { (0..<count).map { _ in byte() } }

    mutating func u32() -> UInt32 { bytes(4).reversed().reduce(0) { $0 << 8 | UInt32($1) } }

    mutating func u64() -> UInt64 { bytes(8).reversed().reduce(0) { $0 << 8 | UInt64($1) } }

    /// One of `choices`.
    mutating func pick<T>(_ choices: [T]) -> T { choices[Int(byte()) % choices.count] }
}

/// Builds the module for one input: reads the ABI and the filesystem layout, then the calls, and writes the
/// binary.
struct ProgramBuilder {
    /// What the program runs in, read from the first two bytes.
    let abi: ABI
    let layout: Int
    /// Paths and names that strings are drawn from (the harness adds host paths of things outside).
    let strings: [String]
    private var input: Input
    /// The imports, by function index.
    private var imports: [(namespace: String, row: Row)] = []
    /// The data segment, at `Layout.data`.
    private var data: [UInt8] = []
    /// How many subscriptions the last `subscriptions` argument wrote.
    private var subscriptionCount: UInt64 = 1

    /// The most calls of `_start`, and of the thread entry.
    static let maxCalls = 24, maxThreadCalls = 4

    init(_ bytes: [UInt8], strings: [String]) {
        input = Input(bytes: bytes)
        abi = ABI.allCases[Int(input.byte()) % ABI.allCases.count]
        layout = Int(input.byte()) % 3
        self.strings = strings
    }

    /// The module's bytes.
    mutating func build() -> [UInt8] {
        let threadCount = Int(input.byte()) % (Self.maxThreadCalls + 1)
        let threadBody = calls(threadCount)
        let mainBody = calls(Self.maxCalls)
        return assemble(main: mainBody, thread: threadBody)
    }

    /// A module that imports every row of the ABI whose name and type it has not imported yet (the second
    /// `proc_join`, `thread_spawn` and `sock_accept` need a module of their own), calls none and returns.
    static func linkCheck(_ abi: ABI, variant: Int) -> [UInt8] {
        var builder = ProgramBuilder([], strings: [])
        var seen: [String: Int] = [:]
        for (namespace, row) in abi.rows {
            let key = namespace + "." + row.name
            seen[key, default: 0] += 1
            if seen[key] == variant + 1 { builder.imports.append((namespace, row)) }
        }
        return builder.assemble(main: [], thread: [], abi: abi)
    }

    // MARK: Calls

    /// Up to `limit` calls, while the input lasts.
    private mutating func calls(_ limit: Int) -> [UInt8] {
        var code: [UInt8] = []
        var count = 0
        while count < limit, !input.isAtEnd {
            code += call()
            count += 1
        }
        return code
    }

    /// One call: a row of the ABI (for current wasix-libc, a preview1 call comes from either namespace), its
    /// arguments, and a drop of its result.
    private mutating func call() -> [UInt8] {
        let rows = abi.rows
        let selector = input.byte()
        let index = Int(selector & 0x7F) % rows.count
        var (namespace, row) = rows[index]
        if abi == .wasix32, selector & 0x80 == 0, index < Row.preview1.count {
            namespace = "wasi_snapshot_preview1"
        }
        // A module imports a name once: a second row of the name (another type) becomes the first one again.
        if let earlier = imports.first(where: { $0.namespace == namespace && $0.row.name == row.name }) {
            row = earlier.row
        }
        var code: [UInt8] = []
        for (position, kind) in row.kinds.enumerated() { code += argument(kind, position: position) }
        code += [0x10] + uleb(UInt64(function(namespace, row)))
        if row.returns { code.append(0x1A) }
        return code
    }

    /// The function index of the import of `row`, added if new.
    private mutating func function(_ namespace: String, _ row: Row) -> Int {
        if let index = imports.firstIndex(where: { $0.namespace == namespace && $0.row.name == row.name }) { return index }
        imports.append((namespace, row))
        return imports.count - 1
    }

    // MARK: Arguments

    /// The code that pushes a value of `kind`; `position` picks the result slot.
    private mutating func argument(_ kind: Kind, position: Int) -> [UInt8] {
        switch kind {
        case .fd:
            let choice = input.byte()
            if choice < 200 { return i32Const(UInt32(choice % 10)) }
            if choice < 240 { return word(UInt64(Layout.fdSlots[Int(choice & 1)])) + [0x28, 2, 0] }  // i32.load
            return i32Const(input.u32())
        case .u32: return i32Const(number32())
        case .id:
            let choice = input.byte()
            return i32Const(choice < 240 ? UInt32(choice % 8) : input.u32())
        case .signal:
            let choice = input.byte()
            return i32Const(choice < 240 ? UInt32(choice % 33) : input.u32())
        case .clock:
            let choice = input.byte()
            return i32Const(choice < 240 ? UInt32(choice % 5) : input.u32())
        case .whence:
            let choice = input.byte()
            return i32Const(choice < 240 ? UInt32(choice % 4) : input.u32())
        case .fdflags: return i32Const(UInt32(input.byte() & 0x1F))
        case .oflags: return i32Const(UInt32(input.byte() & 0x0F))
        case .lookupflags: return i32Const(UInt32(input.byte() & 0x01))
        case .u64: return i64Const(number64())
        case .rights: return i64Const(input.pick([UInt64.max, 0, 0x3F, 0x2 | 0x40, 0x1FFF_FFFF]))
        case .duration:
            let choice = input.byte()
            if choice < 128 { return i64Const(UInt64(choice) * 10_000) }
            return i64Const(choice < 240 ? 0 : input.u64())
        case .size: return word(UInt64(number32()))
        case .input:
            let choice = input.byte()
            if choice >= 248 { return word(badAddress()) }
            return word(put(input.bytes(Int(choice % 64))))
        case .output: return word(outputAddress())
        case .result:
            return word(input.byte() < 248 ? UInt64(Layout.results + 8 * UInt32(position)) : badAddress())
        case .resultFD, .resultFD2:
            let slot = Layout.fdSlots[kind == .resultFD ? 0 : 1]
            return word(input.byte() < 248 ? UInt64(slot) : badAddress())
        case .futex: return word(input.byte() < 248 ? UInt64(Layout.futex) : badAddress())
        case .string: return stringArgument()
        case .buffer:
            let address = outputAddress()
            let choice = input.byte()
            let length: UInt64 = choice < 240 ? UInt64(choice) * 16 : choice < 250 ? 0x8000 : UInt64(input.u32())
            return word(address) + word(length)
        case .iovecs: return iovecs()
        case .subscriptions: return subscriptions()
        case .subscriptionCount:
            let choice = input.byte()
            return word(choice < 240 ? subscriptionCount : UInt64(input.u32()))
        }
    }

    /// A 32-bit number: small mostly, else a boundary value or any.
    private mutating func number32() -> UInt32 {
        let choice = input.byte()
        if choice < 224 { return UInt32(choice % 16) }
        if choice < 240 { return [UInt32.max, 0x8000_0000, 0x7FFF_FFFF, 0x3FFF_FFFF, 64, 255, 256, 4096][Int(choice % 8)] }
        return input.u32()
    }

    /// A 64-bit number: small mostly, else a boundary value or any.
    private mutating func number64() -> UInt64 {
        let choice = input.byte()
        if choice < 192 { return UInt64(choice % 64) }
        if choice < 240 {
            return [0, 1 << 63, .max, .max - 1, 1 << 32, 1 << 40, 4096, 65536, 1 << 62, UInt64(Int64.max)][Int(choice % 10)]
        }
        return input.u64()
    }

    /// A place in the scratch area (or, rarely, a bad address).
    private mutating func outputAddress() -> UInt64 {
        let choice = input.byte()
        return choice < 248 ? UInt64(Layout.scratch + UInt32(choice % 32) * 0x400) : badAddress()
    }

    /// An address that is out of bounds or straddles the end of memory.
    private mutating func badAddress() -> UInt64 {
        var choices: [UInt64] = [0xFFFF_FFFF, 0xFFFF_FFF0, UInt64(Layout.scratchEnd - 2), UInt64(Layout.scratchEnd), 0]
        if abi.is64 { choices += [1 << 32 | 0x100, .max] }
        return input.pick(choices)
    }

    /// A path or name: one of `strings`, two of them joined by a slash, or bytes of the input; its length is
    /// the right one, mostly.
    private mutating func stringArgument() -> [UInt8] {
        let choice = input.byte()
        var bytes: [UInt8]
        if choice < 200 || strings.isEmpty {
            bytes = strings.isEmpty ? [] : Array(strings[Int(choice) % strings.count].utf8)
        } else if choice < 230 {
            bytes = Array((input.pick(strings) + "/" + input.pick(strings)).utf8)
        } else {
            bytes = input.bytes(Int(input.byte() % 32))
        }
        let address = put(bytes)
        let twist = input.byte()
        let length: UInt64 = switch twist {
        case 252: UInt64(bytes.count) + 1
        case 253: 0
        case 254: 0xFFFF_FFFF
        case 255: UInt64(bytes.count / 2)
        default: UInt64(bytes.count)
        }
        return word(address) + word(length)
    }

    /// An iovec array of up to three buffers in the scratch area (its count, rarely, a huge one).
    private mutating func iovecs() -> [UInt8] {
        let choice = input.byte()
        let count = Int(choice % 4)
        var array: [UInt8] = []
        for _ in 0..<count {
            let address = outputAddress()
            let size = input.byte()
            let length: UInt64 = size < 240 ? UInt64(size) * 8 : size < 250 ? 0x4000 : UInt64(input.u32())
            array += littleEndian(address, bytes: Int(abi.wordSize)) + littleEndian(length, bytes: Int(abi.wordSize))
        }
        let reported: UInt64 = choice < 248 ? UInt64(count) : [1000, 0xFFFF_FFFF][Int(choice & 1)]
        return word(put(array)) + word(reported)
    }

    /// poll_oneoff subscriptions: one to three, each a clock (relative or absolute, at most 2.6 ms away) or a
    /// read or write of a small descriptor. Preview1 lays them out in 48 bytes; preview0 in 56, with an
    /// identifier before the clock.
    private mutating func subscriptions() -> [UInt8] {
        let count = 1 + Int(input.byte() % 3)
        let preview0 = abi == .wasiUnstable
        var bytes: [UInt8] = []
        for index in 0..<count {
            var entry = [UInt8](repeating: 0, count: preview0 ? 56 : 48)
            entry.replaceSubrange(0..<8, with: littleEndian(UInt64(index), bytes: 8))
            let choice = input.byte()
            let tag = choice % 3
            entry[8] = tag
            if tag == 0 {
                let clock = preview0 ? 24 : 16
                entry[clock] = input.pick([1, 0, 2, 9])
                entry.replaceSubrange(clock + 8..<clock + 16, with: littleEndian(UInt64(input.byte()) * 10_000, bytes: 8))
                entry[clock + 24] = choice >> 7  // abstime
            } else {
                entry[16] = input.byte() % 10
            }
            bytes += entry
        }
        subscriptionCount = UInt64(count)
        return word(put(bytes))
    }

    /// Appends `bytes` to the data segment (8-aligned); returns their address (a bad one once it is full).
    private mutating func put(_ bytes: [UInt8]) -> UInt64 {
        let address = Layout.data + UInt32(data.count)
        guard address + UInt32(bytes.count) <= Layout.dataEnd else { return UInt64(Layout.scratchEnd) }
        data += bytes + [UInt8](repeating: 0, count: (8 - bytes.count % 8) % 8)
        return UInt64(address)
    }

    // MARK: The binary

    private func word(_ value: UInt64) -> [UInt8] {
        abi.is64 ? i64Const(value) : i32Const(UInt32(truncatingIfNeeded: value))
    }

    /// The module: the imports, a memory (imported shared from `env` for WASIX, so that threads can be
    /// spawned; 64-bit for `wasix_64v1`), `_start` (which first copies the data segment to `Layout.data`), the
    /// thread entries `wasi_thread_start` and `_start_thread`, `on_signal` (stores the signal at
    /// `Layout.signalSlot`) and an empty `_thread_local_destroy`.
    private func assemble(main: [UInt8], thread: [UInt8], abi: ABI? = nil) -> [UInt8] {
        let abi = abi ?? self.abi
        var types: [[[UInt8]]] = []
        func typeIndex(_ type: [[UInt8]]) -> UInt64 {
            if let index = types.firstIndex(of: type) { return UInt64(index) }
            types.append(type)
            return UInt64(types.count - 1)
        }
        var importSection: [[UInt8]] = imports.map { namespace, row in
            name(namespace) + name(row.name) + [0x00] + uleb(typeIndex(row.type(is64: abi.is64)))
        }
        // Memory limits: 1 page, maximum 1 (shared needs one); flag 0x04 is 64-bit addressing.
        let limits: [UInt8] = abi.isWasix ? [abi.is64 ? 0x07 : 0x03, 1, 1] : [abi.is64 ? 0x04 : 0x00, 1]
        if abi.isWasix { importSection.append(name("env") + name("memory") + [0x02] + limits) }
        let functions: [(name: String, type: [[UInt8]], body: [UInt8])] = [
            ("_start", [[], []], address(Layout.data, abi) + i32Const(0) + i32Const(UInt32(data.count))
                + [0xFC, 0x08, 0x00, 0x00] + main),
            ("on_signal", [[i32], []], address(Layout.signalSlot, abi) + [0x20, 0, 0x36, 2, 0]),
            ("wasi_thread_start", [[i32, i32], []], thread),
            ("_start_thread", [[i32, i32], []], thread),
            ("_thread_local_destroy", [[i32, i32, i32, i32], []], []),
        ]
        let functionSection = functions.map { uleb(typeIndex($0.type)) }
        let exports = [name("memory") + [0x02, 0]] + functions.enumerated().map { index, function in
            name(function.name) + [0x00] + uleb(UInt64(imports.count + index))
        }
        let code = functions.map { function in
            let body = [0x00] + function.body + [0x0B]
            return uleb(UInt64(body.count)) + body
        }
        var module: [UInt8] = [0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00]
        module += section(1, types.map { [0x60] + vector($0[0].map { [$0] }) + vector($0[1].map { [$0] }) })
        module += section(2, importSection)
        module += section(3, functionSection)
        if !abi.isWasix { module += section(5, [limits]) }
        module += section(7, exports)
        module += [12] + uleb(1) + [1]  // data count: one segment
        module += section(10, code)
        module += section(11, [[0x01] + uleb(UInt64(data.count)) + data])  // passive
        return module
    }
}

// MARK: Encoding

/// An address operand: i32.const, or i64.const for a 64-bit memory.
private func address(_ value: UInt32, _ abi: ABI) -> [UInt8] {
    abi.is64 ? i64Const(UInt64(value)) : i32Const(value)
}

func i32Const(_ value: UInt32) -> [UInt8] { [0x41] + sleb(Int64(Int32(bitPattern: value))) }
func i64Const(_ value: UInt64) -> [UInt8] { [0x42] + sleb(Int64(bitPattern: value)) }

func uleb(_ value: UInt64) -> [UInt8] {
    var value = value
    var bytes: [UInt8] = []
    repeat {
        bytes.append(UInt8(value & 0x7F) | (value >= 0x80 ? 0x80 : 0))
        value >>= 7
    } while value != 0
    return bytes
}

func sleb(_ value: Int64) -> [UInt8] {
    var value = value
    var bytes: [UInt8] = []
    while true {
        let low = UInt8(truncatingIfNeeded: value & 0x7F)
        value >>= 7
        if (value == 0 && low & 0x40 == 0) || (value == -1 && low & 0x40 != 0) { return bytes + [low] }
        bytes.append(low | 0x80)
    }
}

func littleEndian(_ value: UInt64, bytes count: Int) -> [UInt8] {
    (0..<count).map { UInt8(truncatingIfNeeded: value >> (8 * UInt64($0))) }
}

func name(_ text: String) -> [UInt8] { uleb(UInt64(text.utf8.count)) + Array(text.utf8) }

func vector(_ items: [[UInt8]]) -> [UInt8] { uleb(UInt64(items.count)) + items.joined() }

func section(_ id: UInt8, _ items: [[UInt8]]) -> [UInt8] {
    let content = vector(items)
    return [id] + uleb(UInt64(content.count)) + content
}

/// The program `exec` and `spawn` find (`/prog.wasm` in the sandbox, and the command `prog`): a WASIX command
/// that yields once and returns.
func commandModule() -> [UInt8] {
    let body: [UInt8] = [0x00, 0x10, 0, 0x1A, 0x0B]  // call sched_yield; drop
    return [0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00]
        + section(1, [[0x60, 0, 1, i32], [0x60, 0, 0]])
        + section(2, [name("wasix_32v1") + name("sched_yield") + [0x00, 0]])
        + section(3, [[1]])
        + section(5, [[0x00, 1]])
        + section(7, [name("memory") + [0x02, 0], name("_start") + [0x00, 1]])
        + section(10, [uleb(UInt64(body.count)) + body])
}
