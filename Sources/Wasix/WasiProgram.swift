#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization
import WasmInterpreter

/// Runs a WASI or WASIX command module: instantiates it with the syscalls and calls `_start`, as the first
/// process of a kernel of its own.
public enum WasiProgram {
    /// How a run ended.
    public enum Outcome: Sendable {
        /// `_start` returned (status 0) or the guest called `proc_exit`.
        case exited(Int32)
        /// The guest trapped; `signal` is the one a native build would die of there (SIGFPE for a division by
        /// zero, SIGSEGV for a bad access, SIGABRT for the rest), for WASIX programs only.
        case trapped(TrapError, signal: Int32?)
        /// A signal's default action ended the guest (`SIGKILL`, or a signal without a handler).
        case killed(signal: Int32)
    }

    /// Runs `module` with `configuration`: calls `_start`, or `function` with `arguments` if given, and reports
    /// the results of the function through `results`. Processes it forks run on threads of their own and are
    /// stopped when it ends. The store's timeout bounds each invocation and the whole run: once it passes, every
    /// thread of every process traps at its next safepoint (a call blocked in the host returns first).
    /// - Throws: `InstantiationError` if the module does not link, `PreopenError` if a directory cannot be opened,
    ///   `MissingExport` if the function is not exported.
    public static func run(_ module: ValidatedModule, configuration: WasixConfiguration, function: String? = nil,
                           arguments: [Value] = [], results: ((FunctionType, [Value]) -> Void)? = nil,
                           store: Store = Store()) throws -> Outcome {
        try run(module, configuration: configuration, function: function, arguments: arguments, results: results,
                store: store, started: nil)
    }

    /// `run`, telling `started` the kernel and the first process once it exists (for cancellation).
    static func run(_ module: ValidatedModule, configuration: WasixConfiguration, function: String?,
                    arguments: [Value], results: ((FunctionType, [Value]) -> Void)?, store: Store,
                    started: ((Kernel, WasixProcess) -> Void)?) throws -> Outcome {
        defer { for preopen in configuration.preopens where preopen.isTemporary { preopen.removeHostDirectory() } }
        // Writing to a closed pipe must be `EPIPE` for the guest, not the end of the host.
        signal(SIGPIPE, SIG_IGN)
        // A WASIX program sees one rooted tree; a WASI one, the preopened directories (as in wasmtime).
        let isWasix = module.module.imports.contains { $0.module.hasPrefix("wasix_") }
        store.allowsFunctionPointerCasts = isWasix && configuration.allowsFunctionPointerCasts
        let fileSystem = isWasix
            ? try GuestFileSystem(mapping: configuration.preopens, commands: configuration.commands.keys) : nil
        let kernel = Kernel(configuration: configuration, limits: store.limits, fileSystem: fileSystem)
        defer { kernel.endRun() }
        kernel.profiler = store.profiler
        let process = try kernel.add { pid in try WasixProcess(kernel: kernel, pid: pid, configuration: configuration) }
        started?(kernel, process)
        // The timeout bounds the whole run too, whatever its threads, processes and programs do meanwhile.
        let deadline = store.limits.timeout.map { timeout in
            DeadlineTimer(after: timeout) { [weak kernel] in
                kernel?.timeOut()
                return false
            }
        }
        defer { deadline?.cancel() }
        let instance: Instance
        switch Result(catching: { () throws(InstantiationError) in
            try store.instantiate(module, imports: Registry.imports(for: module, in: store, configuration: configuration))
        }) {
        case .success(let value): instance = value
        case .failure(.trap(let trap)):
            kernel.finish(process, .signaled(.abrt))
            return outcome(of: trap, isWasix: isWasix)
        case .failure(let error):
            kernel.finish(process, .signaled(.abrt))
            throw error
        }
        let name = function ?? "_start"
        guard let entry = instance.exportedFunction(name) else {
            kernel.finish(process, .signaled(.abrt))
            throw MissingExport(name: name)
        }
        let thread = WasixThread(process: process, instance: instance, context: ExecutionContext(store: store))
        kernel.locked { process.threads[1] = thread }
        let interrupts = configuration.forwardsInterrupts ? forwardInterrupts(to: process) : nil
        defer { interrupts?.cancel() }
        var ending = Ending.returned
        // A reactor (no `_start`) must have `_initialize` called before any other export.
        if instance.exportedFunction("_start") == nil, let initialize = instance.exportedFunction("_initialize") {
            ending = thread.run(.invoke(initialize, []))
        }
        if case .returned = ending {
            ending = thread.run(.invoke(entry, arguments)) { results?(entry.type, $0) }
        }
        kernel.threadEnded(thread, ending, reportsTrap: false)
        // The process ends with its first thread, or (after `thread_exit`) with its last one.
        kernel.waitForEnd(of: process)
        if case .trapped(let trap) = ending { return outcome(of: trap, isWasix: isWasix) }
        switch kernel.locked({ process.status }) {
        case .exited(let code)?: return .exited(code)
        case .signaled(let signal)?, .stopped(let signal)?: return .killed(signal: Int32(signal.rawValue))
        case nil: return .exited(0)
        }
    }

    /// Passes the host's SIGINT, SIGTERM and SIGHUP to `process`; a second SIGINT ends the host.
    private static func forwardInterrupts(to process: WasixProcess) -> HostInterrupts.Registration {
        let interrupts = Atomic<Int>(0)
        return HostInterrupts.register { host in
            let guest: Signal = host == SIGINT ? .int : host == SIGTERM ? .term : .hup
            if guest == .int, interrupts.wrappingAdd(1, ordering: .relaxed).newValue > 1 { exit(130) }
            process.kernel.send(guest, to: process.pid)
        }
    }

    private static func outcome(of error: TrapError, isWasix: Bool) -> Outcome {
        if case .exit(let status)? = error.trap.termination { return .exited(status) }
        return .trapped(error, signal: isWasix ? Int32(Signal(trap: error.trap).rawValue) : nil)
    }
}

/// How a program's run ended.
enum Ending {
    /// The entry function returned.
    case returned
    case exited(Int32)
    case trapped(TrapError)
    /// A signal's default action ended it.
    case killed(Signal)

    /// What the parent's `proc_join` sees: a trap counts as the signal a native build dies of there.
    var status: ExitStatus {
        switch self {
        case .returned: .exited(0)
        case .exited(let code): .exited(code)
        case .trapped(let error): .signaled(Signal(trap: error.trap))
        case .killed(let signal): .signaled(signal)
        }
    }
}
