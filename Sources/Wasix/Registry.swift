import WasmInterpreter

/// The one table of syscalls, and the namespaces they are imported from.
///
/// Import names appear only here. The same table serves `wasi_snapshot_preview1`, `wasi_unstable` (with its
/// struct layouts) and `wasix_32v1` (whose older binaries import the whole preview1 set from it).
enum Registry {
    /// Every preview1 syscall, in the order of the WASI documentation's groups.
    static let preview1: [Syscall] = Syscalls.args + Syscalls.clock + Syscalls.fd + Syscalls.path + Syscalls.poll
        + Syscalls.process + Syscalls.socket

    static let namespaces: [(name: String, flavor: SyscallContext.Flavor)] = [
        ("wasi_snapshot_preview1", .preview1), ("wasi_unstable", .preview0), ("wasix_32v1", .preview1),
    ]

    /// Defines every syscall of every namespace in `imports`, bound to `system`.
    static func define(_ system: WasiSystem, in store: Store, into imports: inout Imports) {
        for namespace in namespaces {
            for syscall in preview1 {
                let function = store.hostFunction(hostFunction(syscall, system: system, flavor: namespace.flavor))
                imports.define(module: namespace.name, name: syscall.name, .function(function))
            }
        }
    }

    private static func hostFunction(_ syscall: Syscall, system: WasiSystem, flavor: SyscallContext.Flavor)
        -> HostFunction
    {
        let type = FunctionType(parameters: syscall.parameters, results: syscall.results)
        return HostFunction(type: type) { caller, arguments in
            guard let memory = caller.memory() else { return [.i32(UInt32(Errno.fault.rawValue))] }
            let context = SyscallContext(system: system, memory: GuestMemory(memory: memory), arguments: arguments,
                                         flavor: flavor)
            let errno: Errno
            do {
                errno = try syscall.body(context)
            } catch let error as Errno {
                errno = error
            }
            return syscall.results.isEmpty ? [] : [.i32(UInt32(errno.rawValue))]
        }
    }
}
