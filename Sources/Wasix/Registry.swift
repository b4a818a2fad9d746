import WasmInterpreter

/// The namespaces the syscall table (`Syscalls.preview1`, `Syscalls.wasix`) is imported from.
///
/// Preview1 serves `wasi_snapshot_preview1`, `wasi_unstable` (with its struct layouts) and `wasix_32v1`, whose
/// older binaries import the whole preview1 set from it; `wasix_32v1` and `wasix_64v1` add the WASIX calls, the
/// latter with 8-byte pointers and sizes.
enum Registry {
    static let namespaces: [String: (syscalls: [Syscall], flavor: SyscallContext.Flavor, wordSize: UInt32)] = [
        "wasi_snapshot_preview1": (Syscalls.preview1, .preview1, 4),
        "wasi_unstable": (Syscalls.preview1, .preview0, 4),
        "wasix_32v1": (Syscalls.preview1 + Syscalls.wasix, .preview1, 4),
        "wasix_64v1": (Syscalls.preview1 + Syscalls.wasix, .preview1, 8),
        "wasi": (Syscalls.wasiThreads, .preview1, 4),
    ]

    /// The syscalls `module` imports, as host functions of `store`, and the memory it imports from `env` (WASIX
    /// binaries import their shared memory): `memory` for a thread's instance, else a new one. Imports we do not
    /// have are left out, for instantiation to report, or with `trapsUnknownImports` become functions that trap.
    /// The calls `configuration.trace` names are traced.
    static func imports(for module: ValidatedModule, in store: Store, memory: Memory? = nil,
                        configuration: WasixConfiguration) -> Imports {
        let trace = configuration.trace
        var imports = Imports()
        var defined: Set<[String]> = []
        for entry in module.module.imports {
            switch entry.descriptor {
            case .function(let typeIndex):
                guard defined.insert([entry.module, entry.name]).inserted else { continue }
                let imported = Int(typeIndex) < module.module.types.count
                    ? module.module.types[Int(typeIndex)].functionType : nil
                let namespace = namespaces[entry.module]
                let syscalls = namespace?.syscalls.filter { $0.name == entry.name } ?? []
                if let namespace {
                    for syscall in syscalls {
                        guard let type = syscall.type(wordSize: namespace.wordSize) ?? imported else { continue }
                        let host = hostFunction(syscall, type: type, flavor: namespace.flavor,
                                                wordSize: namespace.wordSize,
                                                traced: trace?.traces(syscall.name) == true ? trace : nil)
                        imports.overload(module: entry.module, name: entry.name, store.hostFunction(host))
                    }
                }
                if syscalls.isEmpty, configuration.trapsUnknownImports, let imported {
                    let name = "\(entry.module).\(entry.name)"
                    imports.define(module: entry.module, name: entry.name, .function(store.hostFunction(
                        HostFunction(type: imported) { _, _ in throw Trap.host("unknown import \(name) was called") })))
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

    private static func hostFunction(_ syscall: Syscall, type: FunctionType, flavor: SyscallContext.Flavor,
                                     wordSize: UInt32, traced trace: TraceOptions?) -> HostFunction {
        HostFunction(type: type) { caller, arguments in
            let failure: [Value] = type.results.isEmpty ? [] : [.i32(UInt32(Errno.fault.rawValue))]
            guard let thread = caller.context.owner as? WasixThread, let instance = caller.instance,
                  let memory = caller.memory() else { return failure }
            let context = SyscallContext(thread: thread, instance: instance, memory: GuestMemory(memory: memory),
                                         arguments: arguments, flavor: flavor, wordSize: wordSize)
            let result: UInt32
            // While the thread is in a syscall, a signal wakes it or waits for the syscall's end rather than
            // asking for a safepoint (see `Kernel.queue`); both sides are sequentially consistent, so one of
            // them sees the other.
            thread.inSyscall.store(true, ordering: .sequentiallyConsistent)
            do {
                defer { thread.inSyscall.store(false, ordering: .sequentiallyConsistent) }
                if let trace {
                    result = try traced(syscall, context, to: trace.output)
                } else {
                    result = try call(syscall, context)
                }
            }
            let results: [Value] = type.results.isEmpty ? [] : [.i32(result)]
            // Not while the module unwinds for asyncify: a handler must not run in the middle of that. The process
            // is the one the thread acts for now: a vfork child's `proc_exit2` returns to its parent.
            let process = thread.currentProcess
            if thread.pendingUnwind == nil, process.hasPendingSignals.load(ordering: .sequentiallyConsistent) {
                try thread.deliverSignals(returning: results, only: syscall.deliversSignals ? nil : .pipe)
                // What a write left pending waits for a safepoint, not for the next syscall, which may never come.
                if !syscall.deliversSignals {
                    let kernel = process.kernel
                    kernel.locked { kernel.scheduleSafepoints([thread], of: process) }
                }
            }
            return results
        }
    }

    /// Calls `syscall`; an errno it throws is its result.
    private static func call(_ syscall: Syscall, _ context: SyscallContext) throws -> UInt32 {
        do {
            return try syscall.body(context)
        } catch let error as Errno {
            return UInt32(error.rawValue)
        }
    }

    /// Calls `syscall` and writes its trace line to `output`, also when it does not return.
    private static func traced(_ syscall: Syscall, _ context: SyscallContext, to output: Int32) throws -> UInt32 {
        let line = TraceLine(syscall, context)
        let start = ContinuousClock.now
        func write(_ result: UInt32?) {
            let elapsed = ContinuousClock.now - start
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            writeAll(line.text(result: result, seconds: seconds), to: output)
        }
        do {
            let result = try call(syscall, context)
            write(result)
            return result
        } catch {
            write(nil)
            throw error
        }
    }
}
