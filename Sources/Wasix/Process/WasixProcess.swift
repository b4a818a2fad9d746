#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization
import WasmInterpreter

/// One WASIX process: its arguments, environment, descriptors, working directory and signals, and its place in
/// the kernel's process table. Its thread of execution is a `WasixThread`.
final class WasixProcess: @unchecked Sendable {
    let kernel: Kernel
    let pid: UInt32
    /// The parent's pid; 0 for the first process.
    let parentPID: UInt32
    var arguments: [String]
    var environment: [String]
    /// The descriptor table, which the process's threads share: every access holds a lock of its own (only for
    /// the access itself, never during I/O).
    var descriptors: FileDescriptorTable {
        _read {
            descriptorLock.lock()
            defer { descriptorLock.unlock() }
            yield descriptorTable
        }
        _modify {
            descriptorLock.lock()
            defer { descriptorLock.unlock() }
            yield &descriptorTable
        }
    }
    private var descriptorTable = FileDescriptorTable()
    private let descriptorLock = Lock()
    /// The working directory, an absolute guest path.
    var workingDirectory = "/"
    /// The export that `callback_signal` named to receive signals; while it is not exported, signals wait.
    var signalHandlerName: String?

    // Guarded by `kernel.condition`:
    /// Set once `Kernel.finish` has begun to end the process (its files are closing; `status` comes next).
    var isEnding = false
    /// Whether a stop signal stopped the process and no SIGCONT has continued it yet.
    var isStopped = false
    /// The signal of a stop its parent has not waited for (`WUNTRACED`).
    var stopReport: Signal?
    /// Signals raised on the process and not yet delivered, oldest first; any of its threads takes them.
    var pendingSignals: [Signal] = []
    /// How the process ended, once it has.
    var status: ExitStatus?
    /// Children not yet joined.
    var children: [UInt32] = []
    /// Whether a parent that called vfork waits for this process to exec or exit.
    var holdsParent = false
    /// Its threads, by id, while they run; the first one is 1.
    var threads: [UInt32: WasixThread] = [:]
    var nextThreadID: UInt32 = 2
    /// Keys of the 2022 thread-local storage calls, with their user data.
    var threadLocalKeys: [UInt32: UInt64] = [:]
    var nextThreadLocalKey: UInt32 = 1
    /// The signal whose default action is ending the process, once one is.
    var terminatingSignal: Signal?
    /// The timer of `proc_raise_interval`, if one is set.
    var alarm: DeadlineTimer?

    /// Set whenever the process or one of its threads has pending signals, so that syscalls can check without
    /// the lock.
    let hasPendingSignals = Atomic<Bool>(false)
    /// Serialises instantiating modules for new threads in the process's store.
    let spawnLock = Lock()

    /// The first process of a run: stdio and the preopened directories of `configuration`.
    /// - Throws: `PreopenError` if a directory cannot be opened.
    init(kernel: Kernel, pid: UInt32, configuration: WasixConfiguration) throws {
        self.kernel = kernel
        self.pid = pid
        parentPID = 0
        arguments = configuration.arguments
        environment = configuration.environment
        descriptors.limit = UInt32(clamping: configuration.maxOpenFiles)
        let stdio = [configuration.stdin, configuration.stdout, configuration.stderr]
        for (fd, hostFD) in stdio.enumerated() {
            // Stdio is what the host descriptor is: a pipe is no terminal.
            let (filetype, rights) = OpenFile.describe(hostFD: hostFD)
            descriptors[UInt32(fd)] = FileDescriptor(
                file: OpenFile(hostFD: hostFD, filetype: filetype, ownsHostFD: false),
                rightsBase: rights, rightsInheriting: 0)
        }
        if let fileSystem = kernel.fileSystem {
            // One preopen, the root: wasix-libc sends it every path, absolute.
            workingDirectory = GuestFileSystem.normalized(configuration.workingDirectory ?? "/")
            _ = try descriptors.insert(FileDescriptor(
                file: OpenFile(hostFD: dup(fileSystem.root), filetype: .directory, guestPath: "/"),
                rightsBase: Rights.directory, rightsInheriting: Rights.all, preopenPath: "/"))
            return
        }
        for preopen in configuration.preopens {
            let fd = open(preopen.hostPath, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            guard fd >= 0 else { throw PreopenError(path: preopen.hostPath, reason: String(cString: strerror(errno))) }
            _ = try descriptors.insert(FileDescriptor(
                file: OpenFile(hostFD: fd, filetype: .directory), rightsBase: Rights.directory,
                rightsInheriting: Rights.all, preopenPath: preopen.guestPath))
        }
    }

    /// A child of `parent` that starts with a copy of its descriptors (sharing the open files, as POSIX does),
    /// arguments, environment, working directory and signal handler.
    init(kernel: Kernel, pid: UInt32, parent: WasixProcess) {
        self.kernel = kernel
        self.pid = pid
        parentPID = parent.pid
        arguments = parent.arguments
        environment = parent.environment
        descriptors = parent.descriptors
        workingDirectory = parent.workingDirectory
        signalHandlerName = parent.signalHandlerName
        threadLocalKeys = parent.threadLocalKeys
        nextThreadLocalKey = parent.nextThreadLocalKey
    }

    /// Any of its threads (the first if it runs), for what all threads share: the exports.
    var anyThread: WasixThread? { threads[1] ?? threads.values.first }

    /// Closes every descriptor marked close-on-exec (`exec` replaces the program).
    func closeOnExec() {
        descriptors.removeAll { $0.closeOnExec }
    }

    /// Writes `text` to the process's stderr, for the runtime's own messages about it.
    func reportError(_ text: String) {
        guard let stderr = descriptors[2] else { return }
        let bytes = Array((text + "\n").utf8)
        _ = bytes.withUnsafeBytes { write(stderr.file.hostFD, $0.baseAddress, $0.count) }
    }
}

/// How a process ended, or (for `waitpid` with `WUNTRACED`) that it stopped.
enum ExitStatus: Equatable, Sendable {
    /// It exited with this code.
    case exited(Int32)
    /// A signal ended it (a trap counts as the signal a native build dies of).
    case signaled(Signal)
    /// A stop signal stopped it.
    case stopped(Signal)

    /// The POSIX wait status (`WEXITSTATUS`, `WTERMSIG`): the code's low byte shifted left by 8, or the signal.
    var waitStatus: UInt32 {
        switch self {
        case .exited(let code): UInt32(UInt8(truncatingIfNeeded: code)) << 8
        case .signaled(let signal): UInt32(signal.rawValue)
        case .stopped(let signal): UInt32(signal.rawValue) << 8 | 0x7f
        }
    }

    /// The status as a shell shows it: the exit code, or 128 plus the signal.
    var code: Int32 {
        switch self {
        case .exited(let code): code
        case .signaled(let signal), .stopped(let signal): 128 + Int32(signal.rawValue)
        }
    }
}

/// A `--dir` or `--mapdir` directory that could not be opened.
public struct PreopenError: Error, CustomStringConvertible {
    public var path: String
    public var reason: String
    public var description: String { "cannot open directory \(path): \(reason)" }
}
