import WasmInterpreter

/// The one table of syscalls, and the namespaces they are imported from.
///
/// Import names appear only here. The preview1 table serves `wasi_snapshot_preview1`, `wasi_unstable` (with its
/// struct layouts) and `wasix_32v1`, whose older binaries import the whole preview1 set from it; `wasix_32v1` adds
/// the WASIX calls. A name may have several shapes (the 2022 and current `proc_join`): the module's import type
/// picks one.
enum Registry {
    /// Every preview1 syscall, in the order of the WASI documentation's groups.
    static let preview1: [Syscall] = Syscalls.args + Syscalls.clock + Syscalls.fd + Syscalls.path + Syscalls.poll
        + Syscalls.process + Syscalls.socket

    /// The WASIX additions.
    static let wasix: [Syscall] = Syscalls.wasixFD + Syscalls.wasixPath + Syscalls.processControl + Syscalls.signals
        + Syscalls.stack + Syscalls.terminal + Syscalls.threads + Syscalls.wasixSocket + Syscalls.events

    static let namespaces: [String: (syscalls: [Syscall], flavor: SyscallContext.Flavor, wordSize: UInt32)] = [
        "wasi_snapshot_preview1": (preview1, .preview1, 4),
        "wasi_unstable": (preview1, .preview0, 4),
        "wasix_32v1": (preview1 + wasix, .preview1, 4),
        "wasix_64v1": ((preview1 + wasix).map(Wasm64.widened), .preview1, 8),
        "wasi": (Syscalls.wasiThreads, .preview1, 4),
    ]

    /// The syscalls `module` imports, as host functions of `store`, and the memory it imports from `env` (WASIX
    /// binaries import their shared memory): `memory` for a thread's instance, else a new one. Imports we do not
    /// have are left out, for instantiation to report.
    static func imports(for module: ValidatedModule, in store: Store, memory: Memory? = nil) -> Imports {
        var imports = Imports()
        var defined: Set<[String]> = []
        for entry in module.module.imports {
            switch entry.descriptor {
            case .function(let typeIndex):
                guard let namespace = namespaces[entry.module], defined.insert([entry.module, entry.name]).inserted
                else { continue }
                for syscall in namespace.syscalls where syscall.name == entry.name {
                    let host = hostFunction(syscall, flavor: namespace.flavor, wordSize: namespace.wordSize)
                    imports.overload(module: entry.module, name: entry.name, store.hostFunction(host))
                }
                if entry.module.hasPrefix("wasix_"), Syscalls.notSupported.contains(entry.name),
                   Int(typeIndex) < module.module.types.count {
                    let type = module.module.types[Int(typeIndex)].functionType
                    imports.overload(module: entry.module, name: entry.name, store.hostFunction(notSupported(type)))
                }
            case .memory(let type) where entry.module == "env":
                if let memory = memory ?? store.memory(type) {
                    imports.define(module: entry.module, name: entry.name, .memory(memory))
                }
            default:
                continue
            }
        }
        return imports
    }

    /// A call we do not implement, as the module imports it: `notsup`, or zeros if it returns something else.
    private static func notSupported(_ type: FunctionType) -> HostFunction {
        HostFunction(type: type) { _, _ in
            type.results == [.i32] ? [.i32(UInt32(Errno.notsup.rawValue))] : type.results.map(Value.defaultValue)
        }
    }

    private static func hostFunction(_ syscall: Syscall, flavor: SyscallContext.Flavor, wordSize: UInt32) -> HostFunction {
        HostFunction(type: syscall.type) { caller, arguments in
            let failure: [Value] = syscall.results.isEmpty ? [] : [.i32(UInt32(Errno.fault.rawValue))]
            guard let thread = caller.context.owner as? WasixThread, let instance = caller.instance,
                  let memory = caller.memory() else { return failure }
            let context = SyscallContext(thread: thread, instance: instance, memory: GuestMemory(memory: memory),
                                         arguments: arguments, flavor: flavor, wordSize: wordSize)
            let result: UInt32
            do {
                result = try syscall.body(context)
            } catch let error as Errno {
                result = UInt32(error.rawValue)
            }
            let results: [Value] = syscall.results.isEmpty ? [] : [.i32(result)]
            // Not while the module unwinds for asyncify: a handler must not run in the middle of that.
            if thread.pendingUnwind == nil, thread.process.hasPendingSignals.load(ordering: .acquiring) {
                try thread.deliverSignals(returning: results)
            }
            return results
        }
    }
}
