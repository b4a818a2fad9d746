#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Preview1's socket calls, on sockets the host handed to the guest (`sock_accept`, `sock_recv`, `sock_send`,
/// `sock_shutdown`). Opening sockets is WASIX (issue 7).
extension Syscalls {
    static let socket: [Syscall] = [
        /// sock_accept(fd, flags: fdflags, result: *fd)
        Syscall("sock_accept", [.i32, .i32, .i32]) { c in
            let fd = try socketDescriptor(c)
            let accepted = accept(fd.file.hostFD, nil, nil)
            guard accepted >= 0 else { return .current }
            if c.u32(1) & UInt32(FDFlags.nonblock) != 0 { _ = fcntl(accepted, F_SETFL, O_NONBLOCK) }
            let new = try c.process.descriptors.insert(FileDescriptor(
                file: OpenFile(hostFD: accepted, filetype: .socketStream), rightsBase: Rights.characterDevice,
                rightsInheriting: 0))
            try c.memory.store(new, at: c.u32(2))
            return .success
        },
        /// sock_recv(fd, ri_data: *iovec, ri_data_len, ri_flags: u16, ro_datalen: *u32, ro_flags: *u16)
        Syscall("sock_recv", [.i32, .i32, .i32, .i32, .i32, .i32]) { c in
            let fd = try socketDescriptor(c)
            var flags: Int32 = 0
            if c.u32(3) & 1 != 0 { flags |= Int32(MSG_PEEK) }
            if c.u32(3) & 2 != 0 { flags |= Int32(MSG_WAITALL) }
            let total = try transfer(try c.iovecs(1)) { recv(fd.file.hostFD, $0, $1, flags) }
            try c.storeSize(total, at: c.u32(4))
            try c.memory.store(UInt16(0), at: c.u32(5))
            return .success
        },
        /// sock_send(fd, si_data: *ciovec, si_data_len, si_flags: u16, so_datalen: *u32)
        Syscall("sock_send", [.i32, .i32, .i32, .i32, .i32]) { c in
            let fd = try socketDescriptor(c)
            let total = try transfer(try c.iovecs(1)) {
                send(fd.file.hostFD, $0, $1, Int32(MSG_NOSIGNAL))
            }
            try c.storeSize(total, at: c.u32(4))
            return .success
        },
        /// sock_shutdown(fd, how: sdflags) — 1 = RD, 2 = WR.
        Syscall("sock_shutdown", [.i32, .i32]) { c in
            let fd = try socketDescriptor(c)
            let how: Int32
            switch c.u32(1) {
            case 1: how = Int32(SHUT_RD)
            case 2: how = Int32(SHUT_WR)
            case 3: how = Int32(SHUT_RDWR)
            default: return .inval
            }
            return shutdown(fd.file.hostFD, how) == 0 ? .success : .current
        },
    ]

    private static func socketDescriptor(_ c: SyscallContext) throws(Errno) -> FileDescriptor {
        let fd = try c.fd(0)
        guard fd.file.filetype == .socketStream || fd.file.filetype == .socketDgram else { throw .notsock }
        return fd
    }
}
