#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An open file description: a host file descriptor that one or more guest descriptors share, as `dup` would.
final class OpenFile: @unchecked Sendable {
    let hostFD: Int32
    let filetype: Filetype
    /// Whether closing the description closes the host descriptor (not for inherited stdio).
    let ownsHostFD: Bool
    /// Directory entries read for `fd_readdir`, kept between calls so that cookies stay stable.
    var directoryEntries: [DirectoryEntry]?
    /// The interest list, if this is an epoll instance.
    var epoll: EpollInterest?

    init(hostFD: Int32, filetype: Filetype, ownsHostFD: Bool = true) {
        self.hostFD = hostFD
        self.filetype = filetype
        self.ownsHostFD = ownsHostFD
    }

    deinit {
        if ownsHostFD { close(hostFD) }
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
