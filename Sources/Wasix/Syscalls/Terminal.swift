#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The terminal: `tty_get` and `tty_set`.
extension Syscalls {
    /// tty_get(state: *tty): cols u32@0, rows u32@4, width u32@8, height u32@12, stdin_tty u8@16,
    /// stdout_tty u8@17, stderr_tty u8@18, echo u8@19, line_buffered u8@20, line_feeds u8@21. Stdio counts
    /// as a terminal when its host descriptor is one; the size is the host terminal's, or 80x25.
    static func ttyGet(_ c: SyscallContext) throws -> Errno {
        let address = c.u32(0)
        var size = winsize()
        let hostSize = [1, 0, 2].contains { ioctl(Int32($0), UInt(TIOCGWINSZ), &size) == 0 && size.ws_col > 0 }
        let terminal = c.kernel.locked { c.kernel.terminal }
        try c.memory.write([UInt8](repeating: 0, count: 24), at: address)
        try c.memory.store(UInt32(hostSize ? size.ws_col : 80), at: address)
        try c.memory.store(UInt32(hostSize ? size.ws_row : 25), at: address &+ 4)
        try c.memory.store(UInt32(size.ws_xpixel), at: address &+ 8)
        try c.memory.store(UInt32(size.ws_ypixel), at: address &+ 12)
        for fd in 0..<3 {
            let isTerminal = c.process.descriptors[UInt32(fd)].map { isatty($0.file.hostFD) != 0 } ?? false
            try c.memory.store(UInt8(isTerminal ? 1 : 0), at: address &+ 16 &+ UInt32(fd))
        }
        try c.memory.store(UInt8(terminal.echo ? 1 : 0), at: address &+ 19)
        try c.memory.store(UInt8(terminal.lineBuffered ? 1 : 0), at: address &+ 20)
        try c.memory.store(UInt8(1), at: address &+ 21)
        return .success
    }

    /// tty_set(state: *tty): takes echo and line buffering, and applies them to the host terminal if stdin
    /// is one.
    static func ttySet(_ c: SyscallContext) throws -> Errno {
        let echo = try c.memory.load(c.u32(0) &+ 19, as: UInt8.self) != 0
        let lineBuffered = try c.memory.load(c.u32(0) &+ 20, as: UInt8.self) != 0
        c.kernel.locked { c.kernel.terminal = Terminal(echo: echo, lineBuffered: lineBuffered) }
        var modes = termios()
        let stdin = c.kernel.configuration.stdin
        if isatty(stdin) != 0, tcgetattr(stdin, &modes) == 0 {
            modes.c_lflag = echo ? modes.c_lflag | tcflag_t(ECHO) : modes.c_lflag & ~tcflag_t(ECHO)
            modes.c_lflag = lineBuffered ? modes.c_lflag | tcflag_t(ICANON) : modes.c_lflag & ~tcflag_t(ICANON)
            tcsetattr(stdin, TCSANOW, &modes)
        }
        return .success
    }
}
