/// What a WASI program sees of its host: arguments, environment, preopened directories and stdio.
public struct WasixConfiguration: Sendable {
    /// `argv`, program name first.
    public var arguments: [String]
    /// Environment variables as `NAME=VALUE`.
    public var environment: [String]
    /// Host directories the guest may use, each under the guest path it appears at.
    public var preopens: [Preopen]
    /// The guest's working directory at start (WASIX programs; `/` if not given).
    public var workingDirectory: String?
    /// Host descriptors used as the guest's stdin, stdout and stderr.
    public var stdin: Int32 = 0
    public var stdout: Int32 = 1
    public var stderr: Int32 = 2
    /// Programs that `exec` and `spawn` find by bare name (or as `/bin/NAME`): name to host `.wasm` file.
    public var commands: [String: String] = [:]
    /// The most processes that may exist at once; a `fork` beyond it fails with `EAGAIN`.
    public var maxProcesses = 256
    /// The most threads one process may have at once; a spawn beyond it fails with `EAGAIN`.
    public var maxThreads = 256
    /// The most descriptors one process may have open (stdio and preopens included); beyond it, `EMFILE`.
    public var maxOpenFiles = 1024
    /// The network endpoints the guest may use; none by default.
    public var network = NetworkAccess()
    /// Whether the host's SIGINT (Ctrl-C), SIGTERM and SIGHUP are passed to the first process as the same
    /// signals, delivered at its next syscall, loop iteration or call; a second SIGINT ends the host with status
    /// 130 at once. For command lines.
    public var forwardsInterrupts = false
    /// Which syscalls are traced, and where to (`--trace`); `nil` traces none and costs nothing.
    public var trace: TraceOptions?
    /// How `fork` and `setjmp`/`longjmp` capture a thread's state.
    public var forkMode = ForkMode.native
    /// Whether function imports that no namespace here provides (a host's own, like `env.host_call`) link to
    /// functions that trap when called, as wasmtime's `-W unknown-imports-trap` does; otherwise such a module
    /// fails to link.
    public var trapsUnknownImports = false
    /// Whether a WASIX program's `call_indirect` may reach a function of fewer parameters or other results, as
    /// the same C source's call through a cast function pointer does on Linux (`Store.allowsFunctionPointerCasts`;
    /// bash registers `void` cleanups as `int (*)()`). A WASI program's calls stay strict, as in wasmtime.
    public var allowsFunctionPointerCasts = true

    public enum ForkMode: String, Sendable {
        /// By copying the interpreter's frames: works for every binary.
        case native
        /// Through the module's asyncify exports, as wasmer does: only for binaries run through
        /// `wasm-opt --asyncify` that export `__data_end` and `__heap_base`.
        case asyncify
    }

    /// A host directory made visible to the guest at `guestPath`.
    public struct Preopen: Sendable {
        public var guestPath: String
        public var hostPath: String
        /// Whether the run made `hostPath` and removes it when it ends (`inMemory`).
        public internal(set) var isTemporary = false

        public init(guestPath: String, hostPath: String) {
            self.guestPath = guestPath
            self.hostPath = hostPath
        }

        /// A directory made of `files` (relative paths to contents; directories are made as needed) for a guest
        /// that should see no host directory: the files are written to a private temporary directory, which
        /// the run removes when it ends.
        /// - Throws: `PreopenError`.
        public static func inMemory(guestPath: String, files: [String: [UInt8]]) throws -> Preopen {
            let root: String
            do {
                root = try HostFiles.makeTemporaryDirectory(prefix: "wasix-memory")
            } catch {
                throw PreopenError(path: error.path, reason: error.reason)
            }
            do {
                for (path, contents) in files {
                    let components = path.split(separator: "/")
                    guard !components.contains("..") else { throw PreopenError(path: path, reason: "leaves the directory") }
                    guard let name = components.last else { throw PreopenError(path: path, reason: "names no file") }
                    var directory = root
                    for component in components.dropLast() { directory += "/" + component }
                    do throws(HostFiles.Failure) {
                        try HostFiles.makeDirectories(directory)
                        try HostFiles.writeFile(contents, to: directory + "/" + name)
                    } catch {
                        throw PreopenError(path: path, reason: error.reason)
                    }
                }
            } catch {
                HostFiles.removeTree(root)
                throw error
            }
            var preopen = Preopen(guestPath: guestPath, hostPath: root)
            preopen.isTemporary = true
            return preopen
        }

        func removeHostDirectory() {
            HostFiles.removeTree(hostPath)
        }
    }

    public init(arguments: [String] = [], environment: [String] = [], preopens: [Preopen] = []) {
        self.arguments = arguments
        self.environment = environment
        self.preopens = preopens
    }
}
