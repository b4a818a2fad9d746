#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The WASIX descriptor calls: pipes, `dup` and close-on-exec.
extension Syscalls {
    /// fd_pipe(fd0: *fd, fd1: *fd): two ends of a duplex channel; each reads what the other writes.
    static func fdPipe(_ c: SyscallContext) throws -> Errno {
        var ends: [Int32] = [0, 0]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &ends) == 0 else {
            return .current
        }
        let rights = Rights.fdRead | Rights.fdWrite | Rights.fdFdstatSetFlags | Rights.pollFdReadwrite
            | Rights.fdFilestatGet
        let first = FileDescriptor(file: OpenFile(hostFD: ends[0], filetype: .unknown), rightsBase: rights,
                                   rightsInheriting: 0)
        let second = FileDescriptor(file: OpenFile(hostFD: ends[1], filetype: .unknown), rightsBase: rights,
                                    rightsInheriting: 0)
        let (fd0, fd1) = try c.process.descriptors.insertPair(first, second)
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
