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

    /// The most descriptors the process may have open (`WasixConfiguration.maxOpenFiles`).
    var limit: UInt32 = 1024

    /// Adds `descriptor` at the lowest free number from `minimum` on.
    /// - Throws: `mfile` if no number below `limit` is free.
    mutating func insert(_ descriptor: FileDescriptor, minimum: UInt32 = 0) throws(Errno) -> UInt32 {
        var fd = minimum
        while entries[fd] != nil {
            fd += 1
        }
        guard fd < limit else { throw .mfile }
        entries[fd] = descriptor
        return fd
    }

    /// Adds two descriptors (the ends of a pipe or socket pair), or neither.
    mutating func insertPair(_ first: FileDescriptor, _ second: FileDescriptor) throws(Errno) -> (UInt32, UInt32) {
        let one = try insert(first)
        do {
            return (one, try insert(second))
        } catch {
            entries[one] = nil
            throw error
        }
    }

    @discardableResult
    mutating func remove(_ fd: UInt32) -> FileDescriptor? {
        entries.removeValue(forKey: fd)
    }

    /// Removes every descriptor for which `shouldRemove` holds.
    mutating func removeAll(where shouldRemove: (FileDescriptor) -> Bool) {
        entries = entries.filter { !shouldRemove($0.value) }
    }

    /// Moves `from` onto `to`, closing what `to` was (`fd_renumber`).
    /// - Throws: `badf` unless both are open.
    mutating func renumber(_ from: UInt32, to: UInt32) throws(Errno) {
        guard let moved = entries[from], entries[to] != nil else { throw .badf }
        entries[from] = nil
        entries[to] = moved
    }

    /// Makes `to` a copy of `from`, closing what `to` was, as POSIX `dup2` does (which is what wasix-libc's
    /// `dup2` asks `fd_renumber` for). The copy is not close-on-exec.
    /// - Throws: `badf` unless `from` is open, `mfile` if `to` is beyond the limit.
    mutating func duplicate(_ from: UInt32, to: UInt32) throws(Errno) {
        guard var copy = entries[from] else { throw .badf }
        guard from != to else { return }
        guard to < limit else { throw .badf }  // Linux's dup2 beyond RLIMIT_NOFILE
        copy.closeOnExec = false
        copy.preopenPath = nil
        entries[to] = copy
    }
}
