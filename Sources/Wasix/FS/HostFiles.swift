#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import WasmInterpreter

/// The host file operations the runtime does on its own behalf (not the guest's): private temporary directories,
/// the files of an in-memory preopen, and removing them again.
enum HostFiles {
    /// Thrown with the system's reason (`strerror`).
    struct Failure: Error, CustomStringConvertible {
        var path: String
        var reason: String
        var description: String { "\(path): \(reason)" }

        init(_ path: String) {
            self.path = path
            reason = String(cString: strerror(errno))
        }
    }

    /// Makes a new private directory `PREFIX-XXXXXX` in the temporary directory; returns its path.
    static func makeTemporaryDirectory(prefix: String) throws(Failure) -> String {
        var template = Array("\(HostSystem.temporaryDirectory)/\(prefix)-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw Failure("temporary directory") }
        return String(cString: made)
    }

    /// Makes the directory `path` and those above it that do not exist yet (`mkdir -p`).
    static func makeDirectories(_ path: String, mode: mode_t = 0o755) throws(Failure) {
        var prefix = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            prefix += "/" + component
            if mkdir(prefix, mode) != 0 && errno != EEXIST { throw Failure(prefix) }
        }
    }

    /// Writes `bytes` to a new file at `path` (replacing one that is there).
    static func writeFile(_ bytes: [UInt8], to path: String) throws(Failure) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw Failure(path) }
        defer { close(fd) }
        var done = 0
        while done < bytes.count {
            let count = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + done, $0.count - done) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { throw Failure(path) }
            done += count
        }
    }

    /// Removes `path` and, if it is a directory, everything below it; symlinks are removed, never followed. What
    /// cannot be removed stays (as `rm -rf` leaves it, without complaint).
    static func removeTree(_ path: String) {
        if unlink(path) == 0 || errno == ENOENT { return }
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        if fd >= 0 {
            removeContents(of: fd)
            close(fd)
        }
        rmdir(path)
    }

    /// Removes everything in the directory open as `directory`.
    private static func removeContents(of directory: Int32) {
        let copy = dup(directory)
        guard copy >= 0, let stream = fdopendir(copy) else {
            if copy >= 0 { close(copy) }
            return
        }
        // Names as the bytes they are (they need not be UTF-8), each with its terminating zero.
        var names: [[CChar]] = []
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { bytes in
                bytes.prefix { $0 != 0 }.map { CChar(bitPattern: $0) } + [0]
            }
            if name != [46, 0] && name != [46, 46, 0] { names.append(name) }
        }
        closedir(stream)
        for name in names {
            if unlinkat(directory, name, 0) == 0 || errno == ENOENT { continue }
            let child = openat(directory, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            guard child >= 0 else { continue }
            removeContents(of: child)
            close(child)
            unlinkat(directory, name, AT_REMOVEDIR)
        }
    }
}
