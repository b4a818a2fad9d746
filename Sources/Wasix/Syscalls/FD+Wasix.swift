#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The WASIX descriptor calls: pipes, `dup` and close-on-exec.
extension Syscalls {
    /// fd_pipe(fd0: *fd, fd1: *fd): a pipe, read end first (current ABI), or two ends of a duplex channel,
    /// each reading what the other writes (the 2022 ABI).
    static func fdPipe(_ c: SyscallContext) throws -> Errno {
        var ends: [Int32] = [0, 0]
        // Current libc's pipe() is a Linux pipe: the first end reads, the second writes (writing to the read end
        // is `badf`). The 2022 libc wants a duplex channel.
        let created = c.isCurrentABI ? pipe(&ends)
            : socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &ends)
        guard created == 0 else { return .current }
        for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        // Either way the guest sees a pipe (`unknown`), not a socket.
        func end(_ hostFD: Int32) -> FileDescriptor {
            let (_, rights) = OpenFile.describe(hostFD: hostFD)
            return FileDescriptor(file: OpenFile(hostFD: hostFD, filetype: .unknown), rightsBase: rights,
                                  rightsInheriting: 0)
        }
        let (fd0, fd1) = try c.process.descriptors.insertPair(end(ends[0]), end(ends[1]))
        try c.memory.store(fd0, at: c.u32(0))
        try c.memory.store(fd1, at: c.u32(1))
        return .success
    }

    /// fd_dup(fd, new: *fd): the lowest free descriptor, sharing the open file.
    static func fdDup(_ c: SyscallContext) throws -> Errno {
        var copy = try c.fd(0)
        copy.closeOnExec = false
        copy.preopenPath = nil
        try c.memory.store(try c.process.descriptors.insert(copy), at: c.u32(1))
        return .success
    }

    /// fd_dup2(fd, min_result_fd, cloexec: bool, new: *fd): the lowest free descriptor from `min_result_fd` on.
    static func fdDup2(_ c: SyscallContext) throws -> Errno {
        var copy = try c.fd(0)
        copy.closeOnExec = c.u32(2) != 0
        copy.preopenPath = nil
        try c.memory.store(try c.process.descriptors.insert(copy, minimum: c.u32(1)), at: c.u32(3))
        return .success
    }

    /// fd_fdflags_get(fd, flags: *fdflagsext): bit 0 is close-on-exec.
    static func fdFdflagsGet(_ c: SyscallContext) throws -> Errno {
        try c.memory.store(UInt16(try c.fd(0).closeOnExec ? 1 : 0), at: c.u32(1))
        return .success
    }

    /// fd_fdflags_set(fd, flags: fdflagsext)
    static func fdFdflagsSet(_ c: SyscallContext) throws -> Errno {
        var descriptor = try c.fd(0)
        descriptor.closeOnExec = c.u32(1) & 1 != 0
        c.process.descriptors[c.u32(0)] = descriptor
        return .success
    }
}
