#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A guest path resolved inside a directory capability: the host directory that holds the last component, and
/// that component's name.
///
/// Resolution walks the path one component at a time with `openat(O_NOFOLLOW)`, so no host path lookup ever
/// starts outside the sandbox: absolute paths and `..` above the starting directory are `perm` (wasmtime's
/// answer too), symlinks are read and their targets resolved by the same rules (absolute targets are `perm`),
/// and a component swapped for a symlink while we walk makes the walk fail instead of escaping.
final class SandboxPath {
    /// Host descriptor of the directory that contains `name`.
    let parent: Int32
    /// The last component; "." when the path names the starting directory or ends in `..`.
    let name: String
    /// Whether the guest path ended with a slash (so it must name a directory).
    let mustBeDirectory: Bool
    /// The path in the guest's tree with symlinks resolved (rooted filesystems only).
    let guestPath: String?
    /// Whether the path names a mount point (which cannot be removed or renamed).
    let isMountPoint: Bool
    /// Whether it names `/dev` or an entry of it (the host's: nothing there can be created, removed or touched),
    /// and which stdio descriptor if it is one of those.
    let inDevices: Bool
    let stdio: UInt32?
    private let opened: [Int32]

    init(parent: Int32, name: String, mustBeDirectory: Bool, opened: [Int32], guestPath: String? = nil,
         isMountPoint: Bool = false, inDevices: Bool = false, stdio: UInt32? = nil) {
        self.parent = parent
        self.name = name
        self.mustBeDirectory = mustBeDirectory
        self.opened = opened
        self.guestPath = guestPath
        self.isMountPoint = isMountPoint
        self.inDevices = inDevices
        self.stdio = stdio
    }

    /// The path, if the call may create, remove or rename what it names: not a mount point (`busy`), not in
    /// `/dev` (`acces`).
    func changeable() throws(Errno) -> SandboxPath {
        if isMountPoint { throw .busy }
        if inDevices { throw .acces }
        return self
    }

    deinit {
        for fd in opened { close(fd) }
    }

    /// The most symlinks one resolution follows.
    static let symlinkLimit = 40

    /// Resolves `path` relative to the host directory `base`.
    /// - Parameter followFinal: whether a symlink in the last position is followed.
    static func resolve(_ path: String, in base: Int32, followFinal: Bool) throws(Errno) -> SandboxPath {
        guard !path.isEmpty else { throw .noent }
        guard !path.hasPrefix("/") else { throw .perm }
        guard !path.utf8.contains(0) else { throw .ilseq }
        var pending = components(path)
        let mustBeDirectory = path.hasSuffix("/")
        var stack: [Int32] = [base]
        var opened: [Int32] = []
        var symlinks = 0
        func finish(_ name: String) -> SandboxPath {
            // Keep the parent open; close every other descriptor the walk opened.
            let parent = stack[stack.count - 1]
            for fd in opened where fd != parent { close(fd) }
            return SandboxPath(parent: parent, name: name, mustBeDirectory: mustBeDirectory,
                               opened: opened.filter { $0 == parent })
        }
        do throws(Errno) {
            while let component = pending.popLast() {
                let isLast = pending.isEmpty
                switch component {
                case ".":
                    if isLast { return finish(".") }
                case "..":
                    guard stack.count > 1 else { throw .perm }
                    let fd = stack.removeLast()
                    close(fd)
                    opened.removeAll { $0 == fd }
                    if isLast { return finish(".") }
                default:
                    if isLast && !followFinal && !mustBeDirectory { return finish(component) }
                    var info = stat()
                    if fstatat(stack[stack.count - 1], component, &info, AT_SYMLINK_NOFOLLOW) != 0 {
                        if isLast && errno == ENOENT { return finish(component) }
                        throw .current
                    }
                    if info.st_mode & S_IFMT == S_IFLNK {
                        symlinks += 1
                        guard symlinks <= symlinkLimit else { throw .loop }
                        let target = try readLink(component, in: stack[stack.count - 1])
                        guard !target.hasPrefix("/") else { throw .perm }
                        pending += components(target)
                        continue
                    }
                    if isLast { return finish(component) }
                    guard info.st_mode & S_IFMT == S_IFDIR else { throw .notdir }
                    let fd = openat(stack[stack.count - 1], component, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
                    guard fd >= 0 else { throw .current }
                    stack.append(fd)
                    opened.append(fd)
                }
            }
            return finish(".")
        } catch {
            for fd in opened { close(fd) }
            throw error
        }
    }

    /// The components of `path` in reverse order (the next one last), keeping a trailing "." for "a/".
    private static func components(_ path: String) -> [String] {
        var parts = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        if parts.isEmpty { parts = ["."] }
        return parts.reversed()
    }

    /// The target of the symlink `name` in directory `directory`.
    static func readLink(_ name: String, in directory: Int32) throws(Errno) -> String {
        var buffer = [CChar](repeating: 0, count: 4097)
        let count = readlinkat(directory, name, &buffer, 4096)
        guard count >= 0 else { throw .current }
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
