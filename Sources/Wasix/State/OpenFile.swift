#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// An open file description: a host file descriptor that one or more guest descriptors share, as `dup` would.
final class OpenFile: @unchecked Sendable {
    let hostFD: Int32
    let filetype: Filetype
    /// Whether closing the description closes the host descriptor (not for inherited stdio).
    let ownsHostFD: Bool
    /// A directory's path in the guest's rooted tree (WASIX), which paths relative to it start from.
    let guestPath: String?
    /// Directory entries read for `fd_readdir`, kept between calls so that cookies stay stable. Locked: the
    /// threads of a process, and forked processes, share a description and may read it at once.
    let directoryEntries = Mutex<[DirectoryEntry]?>(nil)
    /// The interest list, if this is an epoll instance.
    var epoll: EpollInterest?
    /// The counter's state, if this is an `fd_event` descriptor.
    var eventCounter: EventCounter?

    init(hostFD: Int32, filetype: Filetype, ownsHostFD: Bool = true, guestPath: String? = nil) {
        self.hostFD = hostFD
        self.filetype = filetype
        self.ownsHostFD = ownsHostFD
        self.guestPath = guestPath
    }

    deinit {
        if ownsHostFD { close(hostFD) }
    }

    /// A host descriptor as WASI describes it: its file type, and the rights its kind and access mode allow. A
    /// terminal is a character device without seek and tell rights (what libc's `isatty` looks for); any other
    /// character device (`/dev/null`) keeps them, a pipe is `unknown` and a socket a socket.
    static func describe(hostFD: Int32) -> (filetype: Filetype, rights: UInt64) {
        var info = stat()
        guard fstat(hostFD, &info) == 0 else { return (.unknown, Rights.characterDevice) }
        var (filetype, rights): (Filetype, UInt64) = switch info.st_mode & S_IFMT {
        case S_IFREG: (.regularFile, Rights.file)
        case S_IFDIR: (.directory, Rights.directory)
        case S_IFCHR where isatty(hostFD) != 0: (.characterDevice, Rights.characterDevice)
        case S_IFCHR: (.characterDevice, Rights.characterDevice | Rights.fdSeek | Rights.fdTell)
        case S_IFSOCK: (socketType(hostFD), Rights.socket)
        default: (.unknown, Rights.characterDevice)
        }
        if filetype == .directory { return (filetype, rights) }
        switch fcntl(hostFD, F_GETFL) & O_ACCMODE {
        case O_RDONLY: rights &= ~Rights.writing
        case O_WRONLY: rights &= ~(Rights.fdRead | Rights.fdReaddir)
        default: break
        }
        return (filetype, rights)
    }

    /// A host socket's type: stream or datagram.
    private static func socketType(_ hostFD: Int32) -> Filetype {
        var type: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        let isDatagram = getsockopt(hostFD, SOL_SOCKET, SO_TYPE, &type, &length) == 0 && type == Int32(SOCK_DGRAM.rawValue)
        return isDatagram ? .socketDgram : .socketStream
    }

    /// The WASI file type of a host `st_mode`.
    static func filetype(mode: mode_t) -> Filetype {
        switch mode & S_IFMT {
        case S_IFREG: .regularFile
        case S_IFDIR: .directory
        case S_IFCHR: .characterDevice
        case S_IFBLK: .blockDevice
        case S_IFLNK: .symbolicLink
        case S_IFSOCK: .socketStream
        default: .unknown
        }
    }
}

/// One entry of a directory listing.
struct DirectoryEntry {
    var name: [UInt8]
    var inode: UInt64
    var filetype: Filetype
}

/// A guest file descriptor: the shared open file plus per-descriptor rights.
struct FileDescriptor {
    var file: OpenFile
    var rightsBase: UInt64
    var rightsInheriting: UInt64
    /// The guest path of a preopened directory.
    var preopenPath: String?
    /// Whether `exec` closes it (WASIX `fdflagsext` CLOEXEC).
    var closeOnExec = false
}
