#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import WasmInterpreter

/// Finding and loading the programs that `exec` and `spawn` start.
extension Kernel {
    /// The module a process means by `name`: a path (containing `/`) in the guest's filesystem, relative to its
    /// working directory; or a bare name from the command table (`--command NAME=FILE`), else looked up (as is, then with `.wasm`)
    /// in the guest directories of `searchPath` (or of `PATH`, else `/bin:/usr/bin`). A path under `/bin` or `/usr/bin`
    /// that is not in the guest's filesystem also finds the command of that name, as wasmer's `/bin` does, and so
    /// does one in the generated `/bin`, whose files only stand for the commands (`GuestFileSystem.listsCommands`).
    /// - Throws: `noent` if nothing is found, `noexec` if it is not a valid module.
    func program(named name: String, for process: WasixProcess, searchPath: String?) throws(Errno) -> ValidatedModule {
        guard !name.isEmpty else { throw .noent }
        if name.contains("/") {
            let path = process.absolutePath(name)
            let directory = path.split(separator: "/").dropLast().joined(separator: "/")
            let command = ["bin", "usr/bin"].contains(directory)
                ? configuration.commands[String(path.split(separator: "/").last ?? "")] : nil
            if let command, directory == "bin", fileSystem?.listsCommands == true { return try load(hostFile: command) }
            do {
                return try load(guestFile: path, of: process)
            } catch .noent {
                guard let command else { throw .noent }
                return try load(hostFile: command)
            }
        }
        if let command = configuration.commands[name] { return try load(hostFile: command) }
        let variable = process.environment.first { $0.hasPrefix("PATH=") }.map { String($0.dropFirst(5)) }
        for directory in (searchPath ?? variable ?? "/bin:/usr/bin").split(separator: ":") {
            for file in [name, name + ".wasm"] {
                do {
                    return try load(guestFile: process.absolutePath(directory + "/" + file), of: process)
                } catch .noent, .notdir, .perm {
                    continue
                }
            }
        }
        throw .noent
    }

    /// Instantiates `module` in a store of its own, with the syscalls.
    /// - Throws: `nomem` if its memories do not fit (the memory budget); `noexec` if it does not link, traps
    ///   while starting or has no `_start`.
    func instantiate(_ module: ValidatedModule) throws(Errno) -> Program {
        let store = Store(limits: limits)
        store.profiler = profiler
        store.allowsFunctionPointerCasts = configuration.allowsFunctionPointerCasts
        let imports = Registry.imports(for: module, in: store, configuration: configuration)
        let instance: Instance
        do {
            instance = try store.instantiate(module, imports: imports)
        } catch .resourceExhausted {
            throw .nomem
        } catch {
            throw .noexec
        }
        guard let start = instance.exportedFunction("_start") else { throw .noexec }
        return Program(store: store, instance: instance, start: start)
    }

    private func load(guestFile path: String, of process: WasixProcess) throws(Errno) -> ValidatedModule {
        let fd = try process.openGuestPath(path, flags: O_RDONLY)
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { throw .acces }
        // A module larger than the limit is refused unread (and one that grows meanwhile, once past it).
        guard Int(info.st_size) <= limits.module.moduleSize else { throw .noexec }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while bytes.count <= limits.module.moduleSize {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            guard count >= 0 else { throw Errno.current }
            if count == 0 { break }
            bytes += chunk[0..<count]
        }
        guard let module = try? ModuleValidator.load(bytes, limits: limits.module) else { throw .noexec }
        return module
    }

    /// A module from the host's filesystem (the command table), decoded once per run.
    private func load(hostFile path: String) throws(Errno) -> ValidatedModule {
        if let module = locked({ commandModules[path] }) { return module }
        guard let module = try? ValidatedModule(contentsOfFile: path, limits: limits.module) else { throw .noexec }
        locked { commandModules[path] = module }
        return module
    }
}

/// An instantiated program, ready to start. It holds the store: an instance does not keep its store alive.
struct Program {
    let store: Store
    let instance: Instance
    let start: Function
}
