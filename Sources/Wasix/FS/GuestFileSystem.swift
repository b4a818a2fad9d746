#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The one tree a WASIX program sees, rooted at `/` (wasix-libc sends every path as an absolute one): host
/// directories mounted at guest paths, `/dev` with a few devices, and a writable `/tmp` of its own.
///
/// Without a mount at `/`, the root is a private host directory that holds an empty directory for each mount
/// point (so that listing `/` shows them), `tmp`, and unless `/bin` is mounted, `/bin` with an empty executable
/// file named after each command of the command table (a shell searches its PATH with `stat` before it execs
/// a name; exec and spawn of `/bin/NAME` run the table's program); it is removed when the run ends.
///
/// Paths are resolved one component at a time in the guest's namespace: `..` stops at `/` and crosses mounts the
/// way it does on Linux, symlinks are followed inside the tree (an absolute target starts again at the guest
/// root), and no step ever opens a host path outside the mounts.
final class GuestFileSystem: @unchecked Sendable {
    /// A host directory (or `/dev`) at a guest path.
    struct Mount {
        let path: String
        let hostFD: Int32
        /// `/dev`: only the names in `devices` exist in it, and nothing can be created there.
        let isDevices: Bool
    }

    /// The names `/dev` has. The stdio ones are the guest's own descriptors 0-2.
    static let devices: Set<String> = ["null", "zero", "random", "urandom", "tty", "full", "stdin", "stdout", "stderr"]

    /// Mounts by guest path ("/" among them).
    let mounts: [String: Mount]
    /// Whether `/bin` is the generated one, whose files stand for the command table's programs.
    let listsCommands: Bool
    /// The host directory holding the generated root and `/tmp`, removed by `unmount()`.
    let privateDirectory: String

    /// - Parameter commands: the names of the command table (`WasixConfiguration.commands`).
    /// - Throws: `PreopenError` if a mapped directory cannot be opened.
    init(mapping preopens: [WasixConfiguration.Preopen], commands: some Collection<String> = []) throws(PreopenError) {
        do {
            privateDirectory = try HostFiles.makeTemporaryDirectory(prefix: "wasix-root")
        } catch {
            throw PreopenError(path: error.path, reason: error.reason)
        }
        var mounts: [String: Mount] = [:]
        var listsCommands = false
        func mount(_ path: String, host: String, isDevices: Bool = false) throws(PreopenError) {
            let fd = open(host, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            guard fd >= 0 else { throw PreopenError(path: host, reason: Self.lastError) }
            if let previous = mounts[path] { close(previous.hostFD) }
            mounts[path] = Mount(path: path, hostFD: fd, isDevices: isDevices)
        }
        do throws(PreopenError) {
            for preopen in preopens {
                try mount(Self.normalized(preopen.guestPath), host: preopen.hostPath)
            }
            if mounts["/tmp"] == nil {
                mkdir(privateDirectory + "/tmp", 0o1777)
                try mount("/tmp", host: privateDirectory + "/tmp")
            }
            if mounts["/dev"] == nil { try mount("/dev", host: "/dev", isDevices: true) }
            if mounts["/"] == nil {
                let root = privateDirectory + "/root"
                mkdir(root, 0o755)
                for path in mounts.keys {
                    var prefix = root
                    for component in path.split(separator: "/") {
                        prefix += "/" + component
                        mkdir(prefix, 0o755)
                    }
                }
                if mounts["/bin"] == nil, !commands.isEmpty {
                    listsCommands = true
                    mkdir(root + "/bin", 0o755)
                    for name in commands where !name.isEmpty && !name.contains("/") && name != "." && name != ".." {
                        let fd = open(root + "/bin/" + name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o755)
                        if fd >= 0 { close(fd) }
                    }
                }
                try mount("/", host: root)
            }
        } catch {
            for mount in mounts.values { close(mount.hostFD) }
            Self.removeTree(privateDirectory)
            throw error
        }
        self.mounts = mounts
        self.listsCommands = listsCommands
    }

    deinit { unmount() }

    /// Set by `unmount()`.
    private var isClosed = false

    /// Closes the mounts and removes the generated root and `/tmp`, once: at the end of the run, when no thread
    /// of it is left to use them (or when the tree goes away, if earlier).
    func unmount() {
        guard !isClosed else { return }
        isClosed = true
        for mount in mounts.values { close(mount.hostFD) }
        Self.removeTree(privateDirectory)
    }

    /// The root's host descriptor.
    var root: Int32 { mounts["/"]?.hostFD ?? -1 }

    /// `path` made absolute against `directory` with `.`, `..` and repeated slashes resolved lexically (for
    /// guest paths that name mount points and working directories).
    static func normalized(_ path: String, in directory: String = "/") -> String {
        var components: [Substring] = []
        let joined = path.hasPrefix("/") ? path : directory + "/" + path
        for component in joined.split(separator: "/") {
            switch component {
            case ".": continue
            case "..": _ = components.popLast()
            default: components.append(component)
            }
        }
        return "/" + components.joined(separator: "/")
    }

    /// Resolves the absolute guest path `path`.
    /// - Parameter followFinal: whether a symlink in the last position is followed.
    func resolve(_ path: String, followFinal: Bool) throws(Errno) -> SandboxPath {
        guard path.hasPrefix("/") else { throw .inval }
        guard !path.utf8.contains(0) else { throw .ilseq }
        /// A directory of the walk: its host descriptor (closed at the end if the walk opened it) and its name.
        struct Step { var fd: Int32; var name: String; var opened: Bool; var mount: Mount? }
        var stack = [Step(fd: root, name: "", opened: false, mount: mounts["/"])]
        var pending = Array(path.split(separator: "/").map(String.init).reversed())
        let mustBeDirectory = path.hasSuffix("/") && path.count > 1
        var symlinks = 0
        func guestPath(_ name: String? = nil) -> String {
            let names = stack.dropFirst().map(\.name) + (name.map { [$0] } ?? [])
            return "/" + names.joined(separator: "/")
        }
        func finish(_ name: String, device: Bool = false) -> SandboxPath {
            let top = stack[stack.count - 1]
            for step in stack.dropLast() where step.opened { close(step.fd) }
            let resolved = name == "." ? guestPath() : guestPath(name)
            let stdio = device ? ["stdin": UInt32(0), "stdout": 1, "stderr": 2][name] : nil
            return SandboxPath(parent: top.fd, name: name, mustBeDirectory: mustBeDirectory,
                               opened: top.opened ? [top.fd] : [], guestPath: resolved,
                               isMountPoint: name == "." && top.mount != nil,
                               inDevices: device || (name == "." && top.mount?.isDevices == true), stdio: stdio)
        }
        do throws(Errno) {
            if pending.isEmpty { return finish(".") }
            while let component = pending.popLast() {
                let isLast = pending.isEmpty
                switch component {
                case ".":
                    if isLast { return finish(".") }
                case "..":
                    if stack.count > 1 {
                        let step = stack.removeLast()
                        if step.opened { close(step.fd) }
                    }
                    if isLast { return finish(".") }
                default:
                    if let mount = mounts[guestPath(component)] {
                        stack.append(Step(fd: mount.hostFD, name: component, opened: false, mount: mount))
                        if isLast { return finish(".") }
                        continue
                    }
                    if stack[stack.count - 1].mount?.isDevices == true {
                        guard isLast, Self.devices.contains(component) else { throw .noent }
                        return finish(component, device: true)
                    }
                    if isLast && !followFinal && !mustBeDirectory { return finish(component) }
                    let directory = stack[stack.count - 1].fd
                    var info = stat()
                    if fstatat(directory, component, &info, AT_SYMLINK_NOFOLLOW) != 0 {
                        if isLast && errno == ENOENT { return finish(component) }
                        throw .current
                    }
                    if info.st_mode & S_IFMT == S_IFLNK {
                        symlinks += 1
                        guard symlinks <= SandboxPath.symlinkLimit else { throw .loop }
                        let target = try SandboxPath.readLink(component, in: directory)
                        if target.hasPrefix("/") {
                            for step in stack.dropFirst() where step.opened { close(step.fd) }
                            stack.removeSubrange(1...)
                        }
                        pending += target.split(separator: "/").map(String.init).reversed()
                        if target.hasSuffix("/") || pending.isEmpty { pending.insert(".", at: 0) }
                        continue
                    }
                    if isLast { return finish(component) }
                    guard info.st_mode & S_IFMT == S_IFDIR else { throw .notdir }
                    let fd = openat(directory, component, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
                    guard fd >= 0 else { throw .current }
                    stack.append(Step(fd: fd, name: component, opened: true, mount: nil))
                }
            }
            return finish(".")
        } catch {
            for step in stack where step.opened { close(step.fd) }
            throw error
        }
    }

    private static var lastError: String { String(cString: strerror(errno)) }

    private static func removeTree(_ path: String) {
        HostFiles.removeTree(path)
    }
}
