/// The guest's file descriptors.
struct FileDescriptorTable {
    private(set) var entries: [UInt32: FileDescriptor] = [:]

    subscript(fd: UInt32) -> FileDescriptor? {
        get { entries[fd] }
        set { entries[fd] = newValue }
    }

    /// The descriptor `fd`, or `badf`.
    func get(_ fd: UInt32) throws(Errno) -> FileDescriptor {
        guard let entry = entries[fd] else { throw .badf }
        return entry
    }

    /// Adds `descriptor` at the lowest free number.
    mutating func insert(_ descriptor: FileDescriptor) throws(Errno) -> UInt32 {
        var fd: UInt32 = 0
        while entries[fd] != nil {
            fd += 1
            if fd > 65536 { throw .nfile }
        }
        entries[fd] = descriptor
        return fd
    }

    @discardableResult
    mutating func remove(_ fd: UInt32) -> FileDescriptor? {
        entries.removeValue(forKey: fd)
    }
}
