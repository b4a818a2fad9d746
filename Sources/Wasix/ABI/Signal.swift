import WasmInterpreter

/// A WASIX signal number: Linux numbering (preview1 has no `STKFLT`, so its numbers from 16 on are one lower).
struct Signal: RawRepresentable, Hashable, Sendable {
    var rawValue: UInt8

    static let hup = Signal(rawValue: 1), int = Signal(rawValue: 2), quit = Signal(rawValue: 3)
    static let abrt = Signal(rawValue: 6), kill = Signal(rawValue: 9), usr1 = Signal(rawValue: 10)
    static let ill = Signal(rawValue: 4), fpe = Signal(rawValue: 8), segv = Signal(rawValue: 11)
    static let pipe = Signal(rawValue: 13), alrm = Signal(rawValue: 14), term = Signal(rawValue: 15)
    static let chld = Signal(rawValue: 17), cont = Signal(rawValue: 18), stop = Signal(rawValue: 19)
    static let urg = Signal(rawValue: 23), winch = Signal(rawValue: 28)
    /// The highest signal number.
    static let last: UInt8 = 31

    /// A WASIX signal number, if it is one (0 means "no signal" and is not).
    init?(_ number: UInt32) {
        guard number >= 1, number <= UInt32(Signal.last) else { return nil }
        rawValue = UInt8(number)
    }

    init(rawValue: UInt8) { self.rawValue = rawValue }

    /// The signal a preview1 (`wasi_snapshot_preview1`, `wasi_unstable`) number stands for.
    init?(preview1 number: UInt32) {
        guard number >= 1, number <= 30 else { return nil }
        rawValue = UInt8(number >= 16 ? number + 1 : number)
    }

    /// The signal that ends a native build of the program where the guest traps: SIGFPE for an integer
    /// division fault, SIGSEGV for a bad memory or table access and for stack exhaustion, SIGABRT for the rest
    /// (`unreachable` is what wasi-libc's `abort()` and Rust's panics compile to).
    init(trap: Trap) {
        switch trap {
        case .integerDivideByZero, .integerOverflow: self = .fpe
        case .outOfBoundsMemoryAccess, .outOfBoundsTableAccess, .undefinedElement, .uninitializedElement,
             .indirectCallTypeMismatch, .nullFunctionReference, .nullReference, .callStackExhausted: self = .segv
        default: self = .abrt
        }
    }

    /// Whether the default action is to ignore the signal (CHLD, CONT, which also continues a stopped process,
    /// URG, WINCH).
    var isIgnoredByDefault: Bool { [17, 18, 23, 28].contains(rawValue) }

    /// Whether the default action is to stop the process (STOP, TSTP, TTIN, TTOU).
    var isStop: Bool { (19...22).contains(rawValue) }

    /// Whether no handler can take the signal: SIGKILL and SIGSTOP always have their default action.
    var isUncatchable: Bool { self == .kill || self == .stop }
}
