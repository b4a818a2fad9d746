#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The `fd_*` calls.
extension Syscalls {
    /// fd_advise(fd, offset: u64, len: u64, advice: u8)
    static func fdAdvise(_ c: SyscallContext) throws -> Errno {
        let fd = try c.fd(0)
        guard c.u32(3) <= 5 else { return .inval }
        guard fd.file.filetype == .regularFile else { return fd.file.filetype == .directory ? .badf : .spipe }
        return .success
    }

    /// fd_allocate(fd, offset: u64, len: u64)
    static func fdAllocate(_ c: SyscallContext) throws -> Errno {
        let fd = try c.fd(0)
        // posix_fallocate on Linux: a pipe or socket cannot be allocated (ESPIPE), nor can other non-files.
        switch fd.file.filetype {
        case .regularFile: break
        case .unknown, .socketStream, .socketDgram: return .spipe
        case .directory: return .isdir
        default: return .nodev
        }
        var info = stat()
        guard fstat(fd.file.hostFD, &info) == 0 else { return .current }
        let end = c.u64(1) &+ c.u64(2)
        guard end >= c.u64(1), end <= UInt64(Int64.max) else { return .fbig }
        if end > UInt64(info.st_size), ftruncate(fd.file.hostFD, off_t(end)) != 0 { return .current }
        return .success
    }

    /// fd_close(fd)
    static func fdClose(_ c: SyscallContext) throws -> Errno {
        guard c.process.descriptors.remove(c.u32(0)) != nil else { return .badf }
        return .success
    }

    /// fd_datasync(fd)
    static func fdDatasync(_ c: SyscallContext) throws -> Errno {
        let fd = try c.fd(0)
        return fdatasync(fd.file.hostFD) == 0 || fd.file.filetype == .characterDevice ? .success : .current
    }

    /// fd_sync(fd)
    static func fdSync(_ c: SyscallContext) throws -> Errno {
        let fd = try c.fd(0)
        return fsync(fd.file.hostFD) == 0 || fd.file.filetype == .characterDevice ? .success : .current
    }

    /// fd_fdstat_get(fd, stat: *fdstat): filetype u8@0, flags u16@2, rights_base u64@8, rights_inheriting u64@16
    static func fdFdstatGet(_ c: SyscallContext) throws -> Errno {
        let fd = try c.fd(0)
        let address = c.u32(1)
        let hostFlags = fcntl(fd.file.hostFD, F_GETFL)
        var flags: UInt16 = 0
        if hostFlags >= 0 {
            if hostFlags & O_APPEND != 0 { flags |= FDFlags.append }
            if hostFlags & O_NONBLOCK != 0 { flags |= FDFlags.nonblock }
            if hostFlags & O_DSYNC != 0 { flags |= FDFlags.dsync }
            if hostFlags & O_SYNC == O_SYNC { flags |= FDFlags.sync }
        }
        try c.memory.write([UInt8](repeating: 0, count: 24), at: address)
        try c.memory.store(fd.file.filetype.rawValue, at: address)
        try c.memory.store(flags, at: address &+ 2)
        try c.memory.store(fd.rightsBase, at: address &+ 8)
        try c.memory.store(fd.rightsInheriting, at: address &+ 16)
        return .success
    }

    /// fd_fdstat_set_flags(fd, flags: u16): only append and nonblock can change.
    static func fdFdstatSetFlags(_ c: SyscallContext) throws -> Errno {
        let fd = try c.fd(0)
        let flags = UInt16(truncatingIfNeeded: c.u32(1))
        guard flags & ~(FDFlags.append | FDFlags.nonblock) == 0 else { return .notsup }
        var hostFlags = fcntl(fd.file.hostFD, F_GETFL)
        guard hostFlags >= 0 else { return .current }
        hostFlags &= ~(O_APPEND | O_NONBLOCK)
        if flags & FDFlags.append != 0 { hostFlags |= O_APPEND }
        if flags & FDFlags.nonblock != 0 { hostFlags |= O_NONBLOCK }
        return fcntl(fd.file.hostFD, F_SETFL, hostFlags) == 0 ? .success : .current
    }

    /// fd_fdstat_set_rights(fd, base: u64, inheriting: u64): rights can only shrink.
    static func fdFdstatSetRights(_ c: SyscallContext) throws -> Errno {
        var fd = try c.fd(0)
        let (base, inheriting) = (c.u64(1), c.u64(2))
        guard base & ~fd.rightsBase == 0, inheriting & ~fd.rightsInheriting == 0 else { return .notcapable }
        fd.rightsBase = base
        fd.rightsInheriting = inheriting
        c.process.descriptors[c.u32(0)] = fd
        return .success
    }

    /// fd_filestat_get(fd, buf: *filestat)
    static func fdFilestatGet(_ c: SyscallContext) throws -> Errno {
        let fd = try c.fd(0)
        var info = stat()
        guard fstat(fd.file.hostFD, &info) == 0 else { return .current }
        try writeFilestat(info, filetype: fd.file.filetype, to: c.u32(1), c)
        return .success
    }

    /// fd_filestat_set_size(fd, size: u64)
    static func fdFilestatSetSize(_ c: SyscallContext) throws -> Errno {
        let fd = try c.fd(0)
        guard c.u64(1) <= UInt64(Int64.max) else { return .inval }
        return ftruncate(fd.file.hostFD, off_t(c.u64(1))) == 0 ? .success : .current
    }

    /// fd_filestat_set_times(fd, atim: u64, mtim: u64, fst_flags: u16)
    static func fdFilestatSetTimes(_ c: SyscallContext) throws -> Errno {
        let fd = try c.fd(0)
        guard !isHostDevice(fd, c) else { return .perm }
        var times = try timespecs(c.u64(1), c.u64(2), UInt16(truncatingIfNeeded: c.u32(3)))
        return futimens(fd.file.hostFD, &times) == 0 ? .success : .current
    }

    /// Whether `fd` is a device (a terminal, an entry of `/dev`, the `/dev/null` an epoll instance stands on
    /// without the host's epoll), the `/dev` directory, or an anonymous inode (the host's epoll instances and
    /// eventfds, which share one): the host's, whose times the guest may not change (as for a user who owns none
    /// of them, explicit times are `perm`).
    static func isHostDevice(_ fd: FileDescriptor, _ c: SyscallContext) -> Bool {
        if let path = fd.file.guestPath, c.kernel.fileSystem?.mounts[path]?.isDevices == true { return true }
        var info = stat()
        guard fstat(fd.file.hostFD, &info) == 0 else { return false }
        let type = info.st_mode & S_IFMT
        return type == S_IFCHR || type == S_IFBLK || type == 0
    }

    /// fd_pread(fd, iovs: *iovec, iovs_len: u32, offset: u64, nread: *u32)
    static func fdPread(_ c: SyscallContext) throws -> Errno {
        let fd = try c.fd(0)
        guard fd.file.filetype != .directory else { return .isdir }
        var offset = c.u64(3)
        let total = try transfer(try c.iovecs(1)) { pointer, count in
            let moved = pread(fd.file.hostFD, pointer, count, off_t(clamping: offset))
            if moved > 0 { offset &+= UInt64(moved) }
            return moved
        }
        try c.storeSize(total, at: c.u32(4))
        return .success
    }

    /// fd_pwrite(fd, iovs: *ciovec, iovs_len: u32, offset: u64, nwritten: *u32)
    static func fdPwrite(_ c: SyscallContext) throws -> Errno {
        let fd = try c.fd(0)
        guard fd.file.filetype != .directory else { return .isdir }
        let offset = c.u64(3)
        _ = try c.memory.buffer(c.u32(4), c.wordSize)  // a bad count pointer fails before anything is written
        let total = try c.raisingSIGPIPE { () throws(Errno) -> Int in
            try gathered(try c.iovecs(1)) { vectors, count, done in
                pwritev(fd.file.hostFD, vectors, count, off_t(clamping: offset &+ UInt64(done)))
            }
        }
        try c.storeSize(total, at: c.u32(4))
        return .success
    }

    /// fd_read(fd, iovs: *iovec, iovs_len: u32, nread: *u32)
    static func fdRead(_ c: SyscallContext) throws -> Errno {
        let fd = try c.fd(0)
        guard fd.file.filetype != .directory else { return .isdir }
        // A pipe's write end cannot be read (Linux: EBADF at once, not a wait that never ends).
        guard fd.rightsBase & Rights.fdRead != 0 else { return .badf }
        if let counter = fd.file.eventCounter { return try readEventCounter(c, fd, counter) }
        // Pipes, sockets and terminals may block: wait in a way that a signal can interrupt.
        if fd.file.filetype != .regularFile { try waitReady(c, fd, events: POLLIN) }
        let total = try transfer(try c.iovecs(1)) { read(fd.file.hostFD, $0, $1) }
        try c.storeSize(total, at: c.u32(3))
        return .success
    }

    /// fd_write(fd, iovs: *ciovec, iovs_len: u32, nwritten: *u32): one host `writev`, so that two processes
    /// sharing a terminal do not interleave inside one call (a pipe takes `PIPE_BUF` bytes at a time, which is
    /// all Linux keeps whole too: see `writeWaiting`); continued until all is written unless the host refuses
    /// more or a signal or timeout ends a wait for room.
    static func fdWrite(_ c: SyscallContext) throws -> Errno {
        let fd = try c.fd(0)
        guard fd.file.filetype != .directory else { return .isdir }
        _ = try c.memory.buffer(c.u32(3), c.wordSize)  // a bad count pointer fails before anything is written
        let total = try c.raisingSIGPIPE { () throws(Errno) -> Int in
            try gathered(try c.iovecs(1)) { vectors, count, _ in writeWaiting(c, fd, vectors, count) }
        }
        try c.storeSize(total, at: c.u32(3))
        return .success
    }

    /// fd_prestat_get(fd, buf: *prestat): tag u8@0 (0 = directory), name_len u32@4
    static func fdPrestatGet(_ c: SyscallContext) throws -> Errno {
        guard let path = try c.fd(0).preopenPath else { return .badf }
        try c.memory.store(UInt32(0), at: c.u32(1))
        try c.memory.store(UInt32(path.utf8.count), at: c.u32(1) &+ 4)
        return .success
    }

    /// fd_prestat_dir_name(fd, path: *u8, path_len: u32)
    static func fdPrestatDirName(_ c: SyscallContext) throws -> Errno {
        guard let path = try c.fd(0).preopenPath else { return .badf }
        let bytes = Array(path.utf8)
        guard c.u32(2) >= bytes.count else { return .nametoolong }
        try c.memory.write(bytes, at: c.u32(1))
        return .success
    }

    /// fd_readdir(fd, buf: *u8, buf_len: u32, cookie: u64, bufused: *u32)
    static func fdReaddir(_ c: SyscallContext) throws -> Errno {
        try readDirectory(c)
    }

    /// fd_renumber(fd, to): moves `fd` onto `to`, closing what `to` was. In a WASIX program it is libc's `dup2`
    /// and keeps `fd` open, as Linux's `dup2` does (`to` need not be open).
    static func fdRenumber(_ c: SyscallContext) throws -> Errno {
        if c.kernel.isWasix {
            try c.process.descriptors.duplicate(c.u32(0), to: c.u32(1))
            return .success
        }
        try c.process.descriptors.renumber(c.u32(0), to: c.u32(1))
        return .success
    }

    /// fd_seek(fd, offset: i64, whence: u8, newoffset: *u64)
    static func fdSeek(_ c: SyscallContext) throws -> Errno {
        let fd = try c.fd(0)
        guard fd.file.filetype != .directory else { return .badf }
        let whence: Int32
        switch (c.flavor, c.u32(2)) {
        case (.preview1, 0), (.preview0, 2): whence = SEEK_SET
        case (.preview1, 1), (.preview0, 0): whence = SEEK_CUR
        case (.preview1, 2), (.preview0, 1): whence = SEEK_END
        default: return .inval
        }
        let result = lseek(fd.file.hostFD, off_t(Int64(bitPattern: c.u64(1))), whence)
        guard result >= 0 else { return .current }
        try c.memory.store(UInt64(result), at: c.u32(3))
        return .success
    }

    /// fd_tell(fd, offset: *u64)
    static func fdTell(_ c: SyscallContext) throws -> Errno {
        let fd = try c.fd(0)
        let result = lseek(fd.file.hostFD, 0, SEEK_CUR)
        guard result >= 0 else { return .current }
        try c.memory.store(UInt64(result), at: c.u32(1))
        return .success
    }

    /// Moves data between the guest's buffers and the host, buffer by buffer, with `move(pointer, count)`
    /// (which returns the bytes moved, or a negative value with `errno` set); stops after a short move.
    /// - Returns: the bytes moved. A host error before any byte moved is thrown as its errno.
    /// Writes `buffers` with as few host calls as possible: `move(vectors, count, done)` writes the iovecs
    /// (`done` bytes in); a partial write continues with the rest. An error after some bytes counts as success.
    static func gathered(_ buffers: [UnsafeMutableRawBufferPointer],
                         _ move: (UnsafePointer<iovec>, Int32, Int) -> Int) throws(Errno) -> Int {
        var vectors = buffers.filter { $0.count > 0 }.map { iovec(iov_base: $0.baseAddress, iov_len: $0.count) }
        let size = vectors.reduce(0) { $0 + $1.iov_len }
        var total = 0
        var first = 0
        while total < size {
            let moved = vectors.withUnsafeBufferPointer { vectors in
                vectors.baseAddress.map { move($0 + first, Int32(vectors.count - first), total) } ?? 0
            }
            guard moved > 0 else {
                if total > 0 { return total }
                if moved == 0 { return 0 }
                throw .current
            }
            total += moved
            // Skip what was written: whole vectors, then part of the next one.
            var rest = moved
            while first < vectors.count, rest >= vectors[first].iov_len {
                rest -= vectors[first].iov_len
                first += 1
            }
            if rest > 0 {
                vectors[first].iov_base += rest
                vectors[first].iov_len -= rest
            }
        }
        return total
    }

    static func transfer(_ buffers: [UnsafeMutableRawBufferPointer],
                         _ move: (UnsafeMutableRawPointer?, Int) -> Int) throws(Errno) -> Int {
        var total = 0
        for buffer in buffers where buffer.count > 0 {
            let moved = move(buffer.baseAddress, buffer.count)
            guard moved >= 0 else {
                if total > 0 { return total }
                throw .current
            }
            total += moved
            if moved < buffer.count { break }
        }
        return total
    }

    /// Writes a `filestat`. Preview1: dev u64@0, ino u64@8, filetype u8@16, nlink u64@24, size u64@32, atim@40,
    /// mtim@48, ctim@56 (64 bytes). Preview0: nlink is u32@20 and the rest moves up by 8 (56 bytes).
    static func writeFilestat(_ info: stat, filetype: Filetype? = nil, to address: UInt32, _ c: SyscallContext)
        throws(Errno)
    {
        let wide = c.flavor == .preview1
        try c.memory.write([UInt8](repeating: 0, count: wide ? 64 : 56), at: address)
        try c.memory.store(UInt64(info.st_dev), at: address)
        try c.memory.store(UInt64(info.st_ino), at: address &+ 8)
        try c.memory.store((filetype ?? OpenFile.filetype(mode: info.st_mode)).rawValue, at: address &+ 16)
        if wide {
            try c.memory.store(UInt64(info.st_nlink), at: address &+ 24)
        } else {
            try c.memory.store(UInt32(truncatingIfNeeded: info.st_nlink), at: address &+ 20)
        }
        let base = address &+ (wide ? 32 : 24)
        try c.memory.store(UInt64(info.st_size), at: base)
        try c.memory.store(nanoseconds(info.st_atim), at: base &+ 8)
        try c.memory.store(nanoseconds(info.st_mtim), at: base &+ 16)
        try c.memory.store(nanoseconds(info.st_ctim), at: base &+ 24)
    }

    /// The two timespecs of `utimensat`/`futimens` for WASI's (atim, mtim, fst_flags).
    /// `utimensat`'s special nanosecond values (Linux): set to now, leave alone.
    private static let timeNow = (1 << 30) - 1
    private static let timeOmit = (1 << 30) - 2

    static func timespecs(_ atim: UInt64, _ mtim: UInt64, _ flags: UInt16) throws(Errno) -> [timespec] {
        func spec(_ time: UInt64, set: UInt16, now: UInt16) throws(Errno) -> timespec {
            if flags & set != 0 && flags & now != 0 { throw .inval }
            if flags & now != 0 { return timespec(tv_sec: 0, tv_nsec: timeNow) }
            if flags & set != 0 { return timespec(tv_sec: Int(time / 1_000_000_000), tv_nsec: Int(time % 1_000_000_000)) }
            return timespec(tv_sec: 0, tv_nsec: timeOmit)
        }
        return [try spec(atim, set: FSTFlags.atim, now: FSTFlags.atimNow),
                try spec(mtim, set: FSTFlags.mtim, now: FSTFlags.mtimNow)]
    }

    /// fd_readdir: entries are `dirent` headers (d_next u64@0, d_ino u64@8, d_namlen u32@16, d_type u8@20;
    /// 24 bytes) each followed by the name; the last entry may be cut off when the buffer is full.
    private static func readDirectory(_ c: SyscallContext) throws(Errno) -> Errno {
        let fd = try c.fd(0)
        guard fd.file.filetype == .directory else { return .notdir }
        let cookie = c.u64(3)
        let isDevices = fd.file.guestPath.map { c.kernel.fileSystem?.mounts[$0]?.isDevices == true } ?? false
        let entries = try fd.file.directoryEntries.withLock { cached throws(Errno) -> [DirectoryEntry] in
            if cookie == 0 || cached == nil {
                var entries = try listDirectory(fd.file.hostFD)
                if isDevices {
                    let shown = GuestFileSystem.devices.union([".", ".."])
                    entries.removeAll { !shown.contains(String(decoding: $0.name, as: UTF8.self)) }
                }
                cached = entries
            }
            return cached ?? []
        }
        var output: [UInt8] = []
        let capacity = Int(c.u32(2))
        var index = Int(clamping: cookie)
        while index < entries.count && output.count < capacity {
            let entry = entries[index]
            var header = [UInt8](repeating: 0, count: 24)
            withUnsafeBytes(of: UInt64(index + 1).littleEndian) { header.replaceSubrange(0..<8, with: $0) }
            withUnsafeBytes(of: entry.inode.littleEndian) { header.replaceSubrange(8..<16, with: $0) }
            withUnsafeBytes(of: UInt32(entry.name.count).littleEndian) { header.replaceSubrange(16..<20, with: $0) }
            header[20] = entry.filetype.rawValue
            output += header + entry.name
            index += 1
        }
        let used = min(output.count, capacity)
        try c.memory.write(output.prefix(used), at: c.u32(1))
        try c.storeSize(used, at: c.u32(4))
        return .success
    }

    /// The entries of a host directory, "." and ".." included.
    static func listDirectory(_ hostFD: Int32) throws(Errno) -> [DirectoryEntry] {
        let copy = openat(hostFD, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard copy >= 0, let directory = fdopendir(copy) else { throw .current }
        defer { closedir(directory) }
        var entries: [DirectoryEntry] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                Array(raw.prefix { $0 != 0 })
            }
            let filetype: Filetype
            switch Int32(entry.pointee.d_type) {
            case Int32(DT_DIR): filetype = .directory
            case Int32(DT_REG): filetype = .regularFile
            case Int32(DT_LNK): filetype = .symbolicLink
            case Int32(DT_CHR): filetype = .characterDevice
            case Int32(DT_BLK): filetype = .blockDevice
            case Int32(DT_SOCK): filetype = .socketStream
            default: filetype = .unknown
            }
            entries.append(DirectoryEntry(name: name, inode: UInt64(entry.pointee.d_ino), filetype: filetype))
        }
        return entries
    }
}
