#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import WasmInterpreter

/// `--trace`: one line per syscall, in the style of strace, written with one `write` so that the lines of
/// parallel processes do not mix: `[pid 2 tid 1] fd_write(1, ["hi\n"], [3]) = 0 <0.000011>`. Strings and small
/// buffers are shown as text, flags by name, results written through pointers after the call.
public struct TraceOptions: Sendable {
    /// Patterns of the calls to trace, with `*` wildcards (`proc_*`); empty means every call.
    public var patterns: [String]
    /// The host descriptor the lines go to.
    public var output: Int32

    public init(patterns: [String] = [], output: Int32 = 2) {
        self.patterns = patterns
        self.output = output
    }

    /// Whether calls named `name` are traced.
    func traces(_ name: String) -> Bool {
        patterns.isEmpty || patterns.contains { fnmatch($0, name, 0) == 0 }
    }
}

/// Formats the trace line of one call.
struct TraceLine {
    let syscall: Syscall
    let context: SyscallContext
    let parameters: [Parameter]

    init(_ syscall: Syscall, _ context: SyscallContext) {
        self.syscall = syscall
        self.context = context
        parameters = syscall.parameters ?? context.arguments.map { if case .i64 = $0 { .u64 } else { .u32 } }
    }

    /// The line for a call that returned `result` (nil: it did not return) after `seconds`.
    func text(result: UInt32?, seconds: Double) -> String {
        let process = context.process
        var shown: [String] = []
        var index = 0
        while index < parameters.count {
            let (text, used) = argument(index, succeeded: result == 0)
            shown.append(text)
            index += used
        }
        let outcome: String
        switch result {
        case nil: outcome = "?"
        case let value? where syscall.name == "thread-spawn": outcome = String(Int32(bitPattern: value))
        case 0?: outcome = "0"
        case let value?:
            let name = Errno(rawValue: UInt16(truncatingIfNeeded: value)).map { String(describing: $0).uppercased() }
            outcome = name.map { "E" + $0 } ?? String(value)
        }
        let time = String(Int(seconds * 1_000_000)).leftPadded(to: 7, with: "0")
        let call = "\(syscall.name)(\(shown.joined(separator: ", ")))"
        return "[pid \(process.pid) tid \(context.thread.tid)] \(call) = \(outcome) <\(time.dropLast(6)).\(time.suffix(6))>\n"
    }

    /// Argument `index` as text, and how many parameters it took (a string takes its length too).
    private func argument(_ index: Int, succeeded: Bool) -> (String, Int) {
        let c = context
        let hasLength = index + 1 < parameters.count
        switch parameters[index] {
        case .fd, .u32: return (String(c.u32(index)), 1)
        case .u64: return (String(c.u64(index)), 1)
        case .size: return (String(c.u64(index)), 1)
        case .signal: return (Signal(c.u32(index)).map(\.name) ?? String(c.u32(index)), 1)
        case .clock: return (Self.clockName(c.u32(index)), 1)
        case .whence: return (["SET", "CUR", "END"][safe: c.u32(index)] ?? String(c.u32(index)), 1)
        case .fdflags: return (Self.flags(c.u32(index), ["APPEND", "DSYNC", "NONBLOCK", "RSYNC", "SYNC"]), 1)
        case .oflags: return (Self.flags(c.u32(index), ["CREAT", "DIRECTORY", "EXCL", "TRUNC"]), 1)
        case .lookupflags: return (Self.flags(c.u32(index), ["SYMLINK_FOLLOW"]), 1)
        case .rights: return ("0x" + String(c.u64(index), radix: 16), 1)
        case .pointer, .buffer, .iovecs: return (Self.address(c.u64(index)), 1)
        case .string:
            guard hasLength, let bytes = try? c.memory.bytes(c.u32(index), min(c.u32(index + 1), 256)) else {
                return (Self.address(c.u64(index)), 1)
            }
            return (Self.quoted(bytes, complete: c.u32(index + 1) <= 256), 2)
        case .ciovecs:
            guard hasLength, let buffers = try? c.iovecs(index) else { return (Self.address(c.u64(index)), 1) }
            var budget = 64
            let parts = buffers.map { buffer -> String in
                let bytes = [UInt8](buffer.prefix(max(budget, 0)))
                budget -= bytes.count
                return Self.quoted(bytes, complete: bytes.count == buffer.count)
            }
            return ("[" + parts.joined(separator: ", ") + "]", 2)
        case .subscriptions:
            guard index + 2 < parameters.count, let text = try? subscriptions(at: c.u32(index), count: c.u32(index + 2))
            else { return (Self.address(c.u64(index)), 1) }
            return (text, 1)
        case .out(let output):
            let address = c.u32(index)
            guard succeeded, let value = try? outputValue(output, at: address) else {
                return (Self.address(c.u64(index)), 1)
            }
            return ("[" + value + "]", 1)
        }
    }

    private func outputValue(_ output: Parameter.Output, at address: UInt32) throws(Errno) -> String {
        let memory = context.memory
        switch output {
        case .u32, .fd: return String(try memory.load(address, as: UInt32.self))
        case .u64: return String(try memory.load(address, as: UInt64.self))
        case .size: return String(try context.loadWord(at: address))
        case .optionPID:
            guard try memory.load(address, as: UInt8.self) == 1 else { return "none" }
            return "pid \(try memory.load(address &+ 4, as: UInt32.self))"
        case .joinStatus:
            switch try memory.load(address, as: UInt8.self) {
            case 1: return "exited \(try memory.load(address &+ 2, as: UInt16.self))"
            case 2: return "signaled \(Signal(UInt32(try memory.load(address &+ 4, as: UInt8.self)))?.name ?? "?")"
            case 3: return "stopped \(Signal(UInt32(try memory.load(address &+ 2, as: UInt8.self)))?.name ?? "?")"
            default: return "nothing"
            }
        }
    }

    /// Up to 16 subscriptions of `poll_oneoff` (layouts at `Syscalls.pollOneoff`): `[fd 4 read, clock
    /// MONOTONIC 5000000ns]`.
    private func subscriptions(at address: UInt32, count: UInt32) throws(Errno) -> String {
        let memory = context.memory
        let (size, clock): (UInt32, UInt32) = context.flavor == .preview1 ? (48, 16) : (56, 24)
        let shown = try (0..<min(count, 16)).map { (index: UInt32) throws(Errno) -> String in
            let base = address &+ index &* size
            switch try memory.load(base &+ 8, as: UInt8.self) {
            case 0:
                let id = try memory.load(base &+ clock, as: UInt32.self)
                let timeout = try memory.load(base &+ clock &+ 8, as: UInt64.self)
                let absolute = try memory.load(base &+ clock &+ 24, as: UInt16.self) & 1 != 0
                return "clock \(Self.clockName(id)) \(timeout)ns" + (absolute ? " absolute" : "")
            case let tag:
                let fd = try memory.load(base &+ 16, as: UInt32.self)
                return "fd \(fd) " + (tag == 1 ? "read" : tag == 2 ? "write" : "tag \(tag)")
            }
        }
        return "[" + shown.joined(separator: ", ") + (count > 16 ? ", ..." : "") + "]"
    }

    private static func clockName(_ id: UInt32) -> String {
        ["REALTIME", "MONOTONIC", "PROCESS_CPUTIME", "THREAD_CPUTIME"][safe: id] ?? String(id)
    }

    private static func address(_ value: UInt64) -> String { "0x" + String(value, radix: 16) }

    private static func flags(_ value: UInt32, _ names: [String]) -> String {
        let set = names.indices.filter { value & (1 << $0) != 0 }.map { names[$0] }
        let unknown = value & ~UInt32((1 << names.count) - 1)
        guard value != 0 else { return "0" }
        return (set + (unknown != 0 ? ["0x" + String(unknown, radix: 16)] : [])).joined(separator: "|")
    }

    /// Bytes as a C string literal, with "..." when they were cut short.
    private static func quoted(_ bytes: [UInt8], complete: Bool) -> String {
        var text = "\""
        for byte in bytes {
            switch byte {
            case 0x0A: text += "\\n"
            case 0x09: text += "\\t"
            case 0x0D: text += "\\r"
            case 0x22: text += "\\\""
            case 0x5C: text += "\\\\"
            case 0x20..<0x7F: text.unicodeScalars.append(Unicode.Scalar(byte))
            default: text += "\\x" + String(byte, radix: 16).leftPadded(to: 2, with: "0")
            }
        }
        return text + (complete ? "\"" : "\"...")
    }
}

/// Writes `text` to host descriptor `fd` with one `write` (the kernel keeps such a line whole on a pipe).
func writeAll(_ text: String, to fd: Int32) {
    let bytes = Array(text.utf8)
    _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
}

extension Signal {
    /// The signal's name, `SIGINT`.
    var name: String {
        let names = ["HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL", "USR1", "SEGV", "USR2", "PIPE",
                     "ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN", "TTOU", "URG", "XCPU", "XFSZ",
                     "VTALRM", "PROF", "WINCH", "POLL", "PWR", "SYS"]
        return "SIG" + names[Int(rawValue) - 1]
    }
}

private extension Array {
    subscript(safe index: UInt32) -> Element? { Int(index) < count ? self[Int(index)] : nil }
}

private extension String {
    func leftPadded(to length: Int, with pad: Character) -> String {
        count >= length ? self : String(repeating: pad, count: length - count) + self
    }
}
