#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The `path_*` calls. Every path is resolved inside its directory descriptor by `SandboxPath`.
extension Syscalls {
    /// path_create_directory(fd, path, path_len)
    static func pathCreateDirectory(_ c: SyscallContext) throws -> Errno {
        let path = try resolve(c, fd: 0, path: 1, follow: false).changeable()
        return mkdirat(path.parent, path.name, 0o777) == 0 ? .success : .current
    }

    /// path_filestat_get(fd, flags: lookupflags, path, path_len, buf: *filestat)
    static func pathFilestatGet(_ c: SyscallContext) throws -> Errno {
        let path = try resolve(c, fd: 0, path: 2, follow: c.u32(1) & LookupFlags.symlinkFollow != 0)
        var info = stat()
        if let stdio = path.stdio {
            guard fstat(try c.process.descriptors.get(stdio).file.hostFD, &info) == 0 else { return .current }
        } else {
            guard fstatat(path.parent, path.name, &info, AT_SYMLINK_NOFOLLOW) == 0 else { return .current }
        }
        try writeFilestat(info, to: c.u32(4), c)
        return .success
    }

    /// path_filestat_set_times(fd, flags, path, path_len, atim: u64, mtim: u64, fst_flags: u16)
    static func pathFilestatSetTimes(_ c: SyscallContext) throws -> Errno {
        let path = try resolve(c, fd: 0, path: 2, follow: c.u32(1) & LookupFlags.symlinkFollow != 0)
        // `/dev` and its devices are the host's (as for a user who owns none of them, explicit times are `perm`).
        guard !path.inDevices else { return .perm }
        var times = try timespecs(c.u64(4), c.u64(5), UInt16(truncatingIfNeeded: c.u32(6)))
        return utimensat(path.parent, path.name, &times, AT_SYMLINK_NOFOLLOW) == 0 ? .success : .current
    }

    /// path_link(old_fd, old_flags, old_path, old_path_len, new_fd, new_path, new_path_len)
    static func pathLink(_ c: SyscallContext) throws -> Errno {
        let source = try resolve(c, fd: 0, path: 2, follow: c.u32(1) & LookupFlags.symlinkFollow != 0)
        // Not even where `/dev` shares a filesystem with a mapped directory: a link there would make a host device
        // the guest's to touch.
        guard !source.inDevices else { return .xdev }
        let target = try resolve(c, fd: 4, path: 5, follow: false).changeable()
        return linkat(source.parent, source.name, target.parent, target.name, 0) == 0 ? .success : .current
    }

    /// path_open(fd, dirflags, path, path_len, oflags: u16, rights_base: u64, rights_inheriting: u64,
    ///           fdflags: u16, opened_fd: *fd)
    static func pathOpen(_ c: SyscallContext) throws -> Errno {
        try open(c)
    }

    /// path_readlink(fd, path, path_len, buf: *u8, buf_len: u32, bufused: *u32)
    static func pathReadlink(_ c: SyscallContext) throws -> Errno {
        let path = try resolve(c, fd: 0, path: 1, follow: false)
        let target = Array(try SandboxPath.readLink(path.name, in: path.parent).utf8)
        let count = min(target.count, Int(c.u32(4)))
        try c.memory.write(target.prefix(count), at: c.u32(3))
        try c.storeSize(count, at: c.u32(5))
        return .success
    }

    /// path_remove_directory(fd, path, path_len)
    static func pathRemoveDirectory(_ c: SyscallContext) throws -> Errno {
        let path = try resolve(c, fd: 0, path: 1, follow: false).changeable()
        guard path.name != "." else { return .inval }
        return unlinkat(path.parent, path.name, AT_REMOVEDIR) == 0 ? .success : .current
    }

    /// path_rename(fd, old_path, old_path_len, new_fd, new_path, new_path_len)
    static func pathRename(_ c: SyscallContext) throws -> Errno {
        let source = try resolve(c, fd: 0, path: 1, follow: false).changeable()
        let target = try resolve(c, fd: 3, path: 4, follow: false).changeable()
        guard source.name != ".", target.name != "." else { return .busy }
        return renameat(source.parent, source.name, target.parent, target.name) == 0 ? .success : .current
    }

    /// path_symlink(old_path, old_path_len, fd, new_path, new_path_len): an absolute target is `perm`;
    /// a relative one is stored as given, and resolution refuses it later if it leads outside.
    static func pathSymlink(_ c: SyscallContext) throws -> Errno {
        let target = try c.string(0)
        // In a rooted tree an absolute target stays inside it; among preopens it would lead outside.
        guard !target.hasPrefix("/") || c.kernel.isWasix else { return .perm }
        let link = try resolve(c, fd: 2, path: 3, follow: false).changeable()
        return symlinkat(target, link.parent, link.name) == 0 ? .success : .current
    }

    /// path_unlink_file(fd, path, path_len)
    static func pathUnlinkFile(_ c: SyscallContext) throws -> Errno {
        let path = try resolve(c, fd: 0, path: 1, follow: false).changeable()
        if path.mustBeDirectory {
            // `unlink("d/")`: EISDIR for a directory, ENOTDIR for anything else, as on Linux.
            var info = stat()
            guard fstatat(path.parent, path.name, &info, AT_SYMLINK_NOFOLLOW) == 0 else { return .current }
            return info.st_mode & S_IFMT == S_IFDIR ? .isdir : .notdir
        }
        return unlinkat(path.parent, path.name, 0) == 0 ? .success : .current
    }

    /// Resolves the path in arguments `path`, `path + 1` inside the directory descriptor in argument `fd`.
    /// In a WASIX program's rooted tree, an absolute path starts at the guest root whatever the descriptor, and
    /// a relative one given with the root preopen starts at the working directory: the 2022 libc passes cwd-
    /// relative names that way (the current one makes them absolute first); other descriptors are `openat`'s.
    static func resolve(_ c: SyscallContext, fd: Int, path: Int, follow: Bool) throws(Errno) -> SandboxPath {
        let directory = try c.fd(fd)
        let text = try c.string(path)
        if let fileSystem = c.kernel.fileSystem {
            guard !text.isEmpty else { throw .noent }
            if text.hasPrefix("/") { return try fileSystem.resolve(text, followFinal: follow) }
            guard directory.file.filetype == .directory, let base = directory.file.guestPath else { throw .notdir }
            let start = directory.preopenPath == "/" ? c.process.workingDirectory : base
            return try fileSystem.resolve(start + "/" + text, followFinal: follow)
        }
        guard directory.file.filetype == .directory else { throw .notdir }
        return try SandboxPath.resolve(text, in: directory.file.hostFD, followFinal: follow)
    }

    /// path_open, and path_open2 with its `fdflagsext` (close-on-exec) before the result pointer.
    static func open(_ c: SyscallContext, closeOnExec: Bool = false, resultIndex: Int = 8) throws(Errno) -> Errno {
        let path = try resolve(c, fd: 0, path: 2, follow: c.u32(1) & LookupFlags.symlinkFollow != 0)
        var oflags = UInt16(truncatingIfNeeded: c.u32(4))
        if let stdio = path.stdio {
            // /dev/stdout and its kin are the guest's own descriptors, as on Linux.
            var copy = try c.process.descriptors.get(stdio)
            copy.closeOnExec = closeOnExec
            copy.preopenPath = nil
            try c.memory.store(try c.process.descriptors.insert(copy), at: c.u32(resultIndex))
            return .success
        }
        // Devices exist already: creating or truncating one opens it.
        if path.inDevices { oflags &= ~(OpenFlags.creat | OpenFlags.excl | OpenFlags.trunc) }
        if oflags & OpenFlags.creat != 0 { _ = try path.changeable() }
        let fdflags = UInt16(truncatingIfNeeded: c.u32(7))
        // Rights are not a limit (later WASI versions dropped them): what the host allows is granted.
        let requested = c.u64(5)
        var flags = O_CLOEXEC | O_NOFOLLOW
        if oflags & OpenFlags.creat != 0 { flags |= O_CREAT }
        if oflags & OpenFlags.excl != 0 { flags |= O_EXCL }
        if oflags & OpenFlags.trunc != 0 { flags |= O_TRUNC }
        if oflags & OpenFlags.directory != 0 || path.mustBeDirectory { flags |= O_DIRECTORY }
        if fdflags & FDFlags.append != 0 { flags |= O_APPEND }
        if fdflags & FDFlags.nonblock != 0 { flags |= O_NONBLOCK }
        if fdflags & FDFlags.dsync != 0 { flags |= O_DSYNC }
        if fdflags & (FDFlags.sync | FDFlags.rsync) != 0 { flags |= O_SYNC }
        let writes = requested & Rights.writing != 0 || oflags & OpenFlags.trunc != 0
        let reads = requested & (Rights.fdRead | Rights.fdReaddir) != 0 || !writes
        flags |= writes ? (reads ? O_RDWR : O_WRONLY) : O_RDONLY
        var hostFD = openat(path.parent, path.name, flags, 0o666)
        if hostFD < 0 && errno == EISDIR && writes && oflags & (OpenFlags.creat | OpenFlags.trunc) == 0 {
            // A directory opened with write rights it will never use (as wasi-libc's open does): open it read-only.
            hostFD = openat(path.parent, path.name, (flags & ~(O_RDWR | O_WRONLY)) | O_RDONLY)
        }
        guard hostFD >= 0 else { return errno == ELOOP ? .loop : .current }
        let (filetype, allowed) = OpenFile.describe(hostFD: hostFD)
        let descriptor = FileDescriptor(
            file: OpenFile(hostFD: hostFD, filetype: filetype,
                           guestPath: filetype == .directory ? path.guestPath : nil), rightsBase: requested & allowed,
            rightsInheriting: c.u64(6), closeOnExec: closeOnExec)
        let fd = try c.process.descriptors.insert(descriptor)
        try c.memory.store(fd, at: c.u32(resultIndex))
        return .success
    }
}
