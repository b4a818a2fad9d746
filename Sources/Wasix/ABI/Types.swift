/// WASI preview1 constants (<https://github.com/WebAssembly/WASI/blob/main/legacy/preview1/docs.md>).
enum Filetype: UInt8 {
    case unknown = 0, blockDevice, characterDevice, directory, regularFile, socketDgram, socketStream, symbolicLink
}

/// `rights` bits.
enum Rights {
    static let fdDatasync: UInt64 = 1 << 0
    static let fdRead: UInt64 = 1 << 1
    static let fdSeek: UInt64 = 1 << 2
    static let fdFdstatSetFlags: UInt64 = 1 << 3
    static let fdSync: UInt64 = 1 << 4
    static let fdTell: UInt64 = 1 << 5
    static let fdWrite: UInt64 = 1 << 6
    static let fdAdvise: UInt64 = 1 << 7
    static let fdAllocate: UInt64 = 1 << 8
    static let fdReaddir: UInt64 = 1 << 14
    static let fdFilestatSetSize: UInt64 = 1 << 22
    static let pollFdReadwrite: UInt64 = 1 << 27
    static let fdFilestatGet: UInt64 = 1 << 21
    static let fdFilestatSetTimes: UInt64 = 1 << 23
    /// Every right of preview1 (bits 0-28).
    static let all: UInt64 = (1 << 29) - 1
    /// Rights that make sense for a regular file: bits 0-8 and the fd_filestat and poll rights.
    static let file: UInt64 = 0x1FF | fdFilestatGet | fdFilestatSetSize | fdFilestatSetTimes | pollFdReadwrite
    /// Rights that make sense for a directory: the path rights (bits 9-20, 24-26), readdir and fd_filestat.
    static let directory: UInt64 = fdFdstatSetFlags | fdSync | fdDatasync | fdAdvise | 0x1F_FE00 | 0x700_0000
        | fdFilestatGet | fdFilestatSetTimes
    /// Rights of stdio and other character devices: no seeking.
    static let characterDevice: UInt64 = fdRead | fdWrite | fdFdstatSetFlags | fdSync | fdDatasync | fdAdvise
        | 1 << 21 | pollFdReadwrite
    /// Rights of a socket: reading, writing, polling, shutdown and WASIX's socket rights (bits 29-38).
    static let socket: UInt64 = fdRead | fdWrite | fdFdstatSetFlags | pollFdReadwrite | fdFilestatGet | 1 << 28
        | 0x7F_E000_0000
    /// Rights that need the host file opened for writing.
    static let writing: UInt64 = fdWrite | fdDatasync | fdAllocate | fdFilestatSetSize
}

/// `fdflags`.
enum FDFlags {
    static let append: UInt16 = 1
    static let dsync: UInt16 = 2
    static let nonblock: UInt16 = 4
    static let rsync: UInt16 = 8
    static let sync: UInt16 = 16
}

/// `oflags`.
enum OpenFlags {
    static let creat: UInt16 = 1
    static let directory: UInt16 = 2
    static let excl: UInt16 = 4
    static let trunc: UInt16 = 8
}

/// `fstflags`.
enum FSTFlags {
    static let atim: UInt16 = 1
    static let atimNow: UInt16 = 2
    static let mtim: UInt16 = 4
    static let mtimNow: UInt16 = 8
}

/// `lookupflags`.
enum LookupFlags {
    static let symlinkFollow: UInt32 = 1
}

/// `eventtype`.
enum EventType: UInt8 {
    case clock = 0, fdRead, fdWrite
}
