#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization
import WasmInterpreter

/// Running programs from Swift concurrency: an `async` run that a task's cancellation ends, and stdio as
/// asynchronous sequences.
extension WasiProgram {
    /// `run`, on a thread of its own, so that no Swift concurrency thread blocks while the guest runs.
    /// Cancelling the task ends the guest as SIGTERM does: at its next syscall, loop iteration or call (a guest
    /// with a SIGTERM handler runs it and decides).
    public static func run(_ module: ValidatedModule, configuration: WasixConfiguration, function: String? = nil,
                           arguments: [Value] = [], store: Store = Store()) async throws -> Outcome {
        let target = CancellationTarget()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                HostThread.detach(stackSize: 16 << 20) {
                    continuation.resume(with: Result {
                        try run(module, configuration: configuration, function: function, arguments: arguments,
                                results: nil, store: store, started: target.started)
                    })
                }
            }
        } onCancel: {
            target.cancel()
        }
    }
}

/// The first process of an async run, to end it when the task is cancelled (also before it exists).
private final class CancellationTarget: Sendable {
    private let state = Mutex<(kernel: Kernel?, pid: UInt32, cancelled: Bool)>((nil, 0, false))

    func started(_ kernel: Kernel, _ process: WasixProcess) {
        let cancelled = state.withLock { state in
            state = (kernel, process.pid, state.cancelled)
            return state.cancelled
        }
        if cancelled { kernel.send(.term, to: process.pid) }
    }

    func cancel() {
        let target = state.withLock { state in
            state.cancelled = true
            return state.kernel.map { ($0, state.pid) }
        }
        if let (kernel, pid) = target { kernel.send(.term, to: pid) }
    }
}

/// Host descriptors for a guest's stdio that are fed from, or read as, asynchronous sequences.
public enum GuestStreams {
    /// A descriptor for `WasixConfiguration.stdin` that delivers what `input` yields, then end of file.
    /// The run owns nothing: close the descriptor after it.
    public static func stdin<Input: AsyncSequence & Sendable>(from input: Input) throws -> Int32
        where Input.Element == [UInt8]
    {
        let (read, write) = try pipe()
        Task.detached {
            defer { close(write) }
            do {
                for try await chunk in input where !writeAll(chunk, to: write) { return }
            } catch {
                return
            }
        }
        return read
    }

    /// A descriptor for `WasixConfiguration.stdout` or `stderr`, and the lines the guest writes to it, as they
    /// come (without their newline; a last line without one comes at the end). The lines end when every copy of
    /// the descriptor is closed: close yours once the run has returned.
    public static func lines() throws -> (descriptor: Int32, lines: AsyncStream<String>) {
        let (read, write) = try pipe()
        let lines = AsyncStream<String> { continuation in
            HostThread.detach {
                defer { close(read) }
                var pending: [UInt8] = []
                var buffer = [UInt8](repeating: 0, count: 4096)
                while true {
                    let count = buffer.withUnsafeMutableBytes { Glibc.read(read, $0.baseAddress, $0.count) }
                    if count < 0, errno == EINTR { continue }
                    guard count > 0 else { break }
                    pending += buffer[..<count]
                    while let newline = pending.firstIndex(of: 10) {
                        continuation.yield(String(decoding: pending[..<newline], as: UTF8.self))
                        pending.removeSubrange(...newline)
                    }
                }
                if !pending.isEmpty { continuation.yield(String(decoding: pending, as: UTF8.self)) }
                continuation.finish()
            }
        }
        return (write, lines)
    }

    private static func pipe() throws -> (read: Int32, write: Int32) {
        var ends: [Int32] = [0, 0]
        guard Glibc.pipe(&ends) == 0 else { throw Errno.current }
        for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        return (ends[0], ends[1])
    }

    /// Writes all of `bytes`; false if the reader went away.
    private static func writeAll(_ bytes: [UInt8], to descriptor: Int32) -> Bool {
        var done = 0
        while done < bytes.count {
            let count = bytes.withUnsafeBytes { bytes in
                bytes.baseAddress.map { write(descriptor, $0 + done, bytes.count - done) } ?? 0
            }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { return false }
            done += count
        }
        return true
    }
}
