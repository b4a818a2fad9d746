#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The working directory (`getcwd`, `chdir`) and `path_open2`.
extension Syscalls {
    /// path_open2(fd, dirflags, path, path_len, oflags, rights_base: u64, rights_inheriting: u64, fdflags,
    /// fdflagsext, fd: *fd): path_open with close-on-exec (fdflagsext bit 0).
    static func pathOpen2(_ c: SyscallContext) throws -> Errno {
        try open(c, closeOnExec: c.u32(8) & 1 != 0, resultIndex: 9)
    }

    /// getcwd(buf: *u8, len: *size): `*len` is the capacity in and the length out; too small is `overflow`,
    /// with the size needed (terminating NUL included) in `*len`.
    static func getcwd(_ c: SyscallContext) throws -> Errno {
        let path = Array(c.process.workingDirectory.utf8)
        let capacity = try c.loadWord(at: c.u32(1))
        // Too small: ERANGE as on Linux (and what wasix-libc's getcwd(NULL, 0) retries on), with the size
        // the path needs, its NUL included.
        guard capacity > path.count else {
            try c.storeSize(path.count + 1, at: c.u32(1))
            return .range
        }
        try c.memory.write(path + [0], at: c.u32(0))
        try c.storeSize(path.count, at: c.u32(1))
        return .success
    }

    /// chdir(path: string): the directory must exist inside a preopened one.
    static func chdir(_ c: SyscallContext) throws -> Errno {
        let path = c.process.absolutePath(try c.string(0))
        c.process.workingDirectory = try c.process.openGuestPath(path, flags: O_RDONLY | O_DIRECTORY) { fd, resolved in
            close(fd)
            return resolved
        }
        return .success
    }
}

extension WasixProcess {
    /// `path` made absolute against the working directory, with `.`, `..` and repeated slashes resolved.
    func absolutePath(_ path: String) -> String {
        GuestFileSystem.normalized(path, in: workingDirectory)
    }

    /// Opens the file at absolute guest path `path` with host `flags`, by the same rules as `path_open`.
    /// - Returns: the host descriptor, which the caller closes.
    func openGuestPath(_ path: String, flags: Int32) throws(Errno) -> Int32 {
        try openGuestPath(path, flags: flags) { fd, _ in fd }
    }

    /// Opens the file at absolute guest path `path` with host `flags` and passes the host descriptor and the
    /// path with symlinks resolved to `body`: in the rooted tree of a WASIX program, or else inside the preopened
    /// directory whose guest path is the longest prefix of it (a relative preopen such as `.` counts as mounted
    /// at `/`).
    func openGuestPath<T>(_ path: String, flags: Int32, _ body: (Int32, String) -> T) throws(Errno) -> T {
        if let fileSystem = kernel.fileSystem {
            let resolved = try fileSystem.resolve(path, followFinal: true)
            let fd = if let stdio = resolved.stdio {
                dup(try descriptors.get(stdio).file.hostFD)
            } else {
                openat(resolved.parent, resolved.name, flags | O_CLOEXEC | O_NOFOLLOW, 0o666)
            }
            guard fd >= 0 else { throw Errno.current }
            return body(fd, resolved.guestPath ?? path)
        }
        var best: (fd: Int32, rest: String, length: Int)?
        for (_, descriptor) in descriptors.entries {
            guard let preopen = descriptor.preopenPath else { continue }
            let mount = absolutePath("/" + preopen)
            let prefix = mount == "/" ? "/" : mount + "/"
            guard path == mount || path.hasPrefix(prefix), mount.count >= (best?.length ?? -1) else { continue }
            best = (descriptor.file.hostFD, String(path.dropFirst(min(prefix.count, path.count))), mount.count)
        }
        guard let best else { throw .noent }
        let resolved = try SandboxPath.resolve(best.rest.isEmpty ? "." : best.rest, in: best.fd, followFinal: true)
        let fd = openat(resolved.parent, resolved.name, flags | O_CLOEXEC | O_NOFOLLOW, 0o666)
        guard fd >= 0 else { throw Errno.current }
        return body(fd, path)
    }
}
