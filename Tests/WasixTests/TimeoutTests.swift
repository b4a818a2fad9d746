import Foundation
import Synchronization
import Testing
@testable import Wasix

/// The store's timeout ends a WASIX run whose guest is blocked in a syscall, not only one that runs wasm (found
/// by FuzzTesting's FuzzWasix: a `futex_wait` without a timeout outlived the run's timeout).
@Suite("WASIX timeouts")
struct TimeoutTests {
    /// A program that blocks: its imports (from `wasix_32v1` unless named `namespace.name`; their i32/i64
    /// parameters), data at address 64, and the code of `_start` before an endless loop (where the timeout traps
    /// once the call returns).
    struct Blocking: Sendable, CustomTestStringConvertible {
        var testDescription: String
        var imports: [(name: String, parameters: [UInt8])]
        var data: [UInt8] = []
        var code: [UInt8]
    }

    static let i32: UInt8 = 0x7F, i64: UInt8 = 0x7E

    /// `i32.const value`.
    static func const(_ value: Int) -> [UInt8] {
        var value = value
        var bytes: [UInt8] = [0x41]
        while true {
            let low = UInt8(value & 0x7F)
            value >>= 7
            if (value == 0 && low & 0x40 == 0) || (value == -1 && low & 0x40 != 0) { return bytes + [low] }
            bytes.append(low | 0x80)
        }
    }

    /// `call index; drop`.
    static func call(_ index: UInt8) -> [UInt8] { [0x10, index, 0x1A] }

    /// `proc_fork(copy_memory, &pid)`; the child (pid 0) sleeps for ever, the parent joins any child. Imports:
    /// proc_fork, proc_join, thread_sleep.
    static func forkThenJoin(copyMemory: Int) -> [UInt8] {
        const(copyMemory) + const(0) + call(0)
            + const(0) + [0x28, 2, 0, 0x04, 0x40]  // if (pid = i32.load 0) != 0
            + const(16) + const(0) + const(32) + call(1)  // proc_join(&none, 0, &status)
            + [0x05, 0x42, 0x7F] + call(2) + [0x0B]  // else thread_sleep(u64 max) end
    }

    static let cases: [Blocking] = [
        Blocking(testDescription: "futex_wait without a timeout",
                 imports: [("futex_wait", [i32, i32, i32, i32])],
                 code: const(0) + const(0) + const(16) + const(32) + call(0)),
        Blocking(testDescription: "thread_sleep for ever", imports: [("thread_sleep", [i64])],
                 code: [0x42, 0x7F] + call(0)),
        // The pipe's ends are 4 and 5 (after stdio and the root); the iovec at 64 is 8 bytes at 128.
        Blocking(testDescription: "fd_read of a pipe whose write end it holds",
                 imports: [("fd_pipe", [i32, i32]), ("fd_read", [i32, i32, i32, i32])],
                 data: [128, 0, 0, 0, 8, 0, 0, 0],
                 code: const(0) + const(4) + call(0) + const(4) + const(64) + const(1) + const(96) + call(1)),
        // One fd_read subscription (tag 1 at 72) on descriptor 4 (at 80).
        Blocking(testDescription: "poll_oneoff on that pipe",
                 imports: [("fd_pipe", [i32, i32]), ("poll_oneoff", [i32, i32, i32, i32])],
                 data: [UInt8](repeating: 0, count: 8) + [1] + [UInt8](repeating: 0, count: 7) + [4]
                     + [UInt8](repeating: 0, count: 31),
                 code: const(0) + const(4) + call(0) + const(64) + const(256) + const(1) + const(32) + call(1)),
        // fd_write(5, the whole page) until it no longer fits: a Linux pipe (the current ABI, for a module that
        // imports from wasi_snapshot_preview1), and the 2022 ABI's duplex pipe, a socket pair.
        Blocking(testDescription: "fd_write to a full pipe whose read end it holds",
                 imports: [("fd_pipe", [i32, i32]), ("fd_write", [i32, i32, i32, i32]),
                           ("wasi_snapshot_preview1.sched_yield", [])],
                 data: [0, 0, 0, 0, 0, 0, 1, 0],
                 code: const(0) + const(4) + call(0)
                     + Array([[UInt8]](repeating: const(5) + const(64) + const(1) + const(96) + call(1), count: 2).joined())),
        Blocking(testDescription: "fd_write to a full duplex pipe (a socket pair) of the 2022 ABI",
                 imports: [("fd_pipe", [i32, i32]), ("fd_write", [i32, i32, i32, i32])],
                 data: [0, 0, 0, 0, 0, 0, 1, 0],
                 code: const(0) + const(4) + call(0)
                     + Array([[UInt8]](repeating: const(5) + const(64) + const(1) + const(96) + call(1), count: 16).joined())),
        Blocking(testDescription: "SIGSTOP to itself", imports: [("proc_signal", [i32, i32])],
                 code: const(0) + const(19) + call(0)),
        Blocking(testDescription: "proc_join of a child that sleeps for ever",
                 imports: [("proc_fork", [i32, i32]), ("proc_join", [i32, i32, i32]), ("thread_sleep", [i64])],
                 code: forkThenJoin(copyMemory: 1)),
        Blocking(testDescription: "vfork of a child that sleeps for ever",
                 imports: [("proc_fork", [i32, i32]), ("proc_join", [i32, i32, i32]), ("thread_sleep", [i64])],
                 code: forkThenJoin(copyMemory: 0)),
    ]

    @Test("the timeout ends a guest blocked in a syscall", arguments: cases)
    func timeoutEndsBlockedCall(_ blocking: Blocking) throws {
        guard let (outcome, elapsed) = try Self.runBounded(Self.module(blocking)) else { return }
        #expect(elapsed < .seconds(2))
        guard case .trapped(let error, _) = outcome, case .timeout = error.trap else {
            Issue.record("expected the timeout's trap, got \(outcome)")
            return
        }
    }

    @Test("the timeout bounds the whole run: threads that each spawn the next after the first one's thread_exit")
    func threadChain() throws {
        // Found by FuzzWasix: each thread's invocation had a timeout of its own, and the process no end.
        // _start: thread_spawn_v2(64, &tid); thread_exit(0). wasi_thread_start: thread_spawn_v2(64, &tid).
        let spawn = Self.const(64) + Self.const(32) + Self.call(0)
        let binary = Self.binary(
            imports: [("thread_spawn_v2", [Self.i32, Self.i32], [Self.i32]), ("thread_exit", [Self.i32], [])],
            sharedMemory: true, data: [],
            functions: [("_start", [], spawn + Self.const(0) + [0x10, 1]),
                        ("wasi_thread_start", [Self.i32, Self.i32], spawn)])
        guard let (outcome, elapsed) = try Self.runBounded(binary) else { return }
        #expect(elapsed < .seconds(2))
        if case .exited = outcome { Issue.record("expected the timeout to end the threads, got \(outcome)") }
    }

    @Test("the timeout bounds the whole run: a program that execs itself")
    func execChain() throws {
        // proc_exec3("/self.wasm", "", "", 0, ""): each program's invocation had a timeout of its own.
        let path = Array("/self.wasm".utf8)
        let exec = Self.const(64) + Self.const(path.count) + Self.const(64) + Self.const(0) + Self.const(64)
            + Self.const(0) + Self.const(0) + Self.const(64) + Self.const(0) + Self.call(0)
        let binary = Self.binary(imports: [("proc_exec3", [UInt8](repeating: Self.i32, count: 9), [Self.i32])],
                                 sharedMemory: false, data: path, functions: [("_start", [], exec)])
        guard let (outcome, elapsed) = try Self.runBounded(binary, files: ["self.wasm": binary]) else { return }
        #expect(elapsed < .seconds(2))
        guard case .trapped(let error, _) = outcome, case .timeout = error.trap else {
            Issue.record("expected the timeout's trap, got \(outcome)")
            return
        }
    }

    @Test("a forked child in a loop of longjmps ends with its run, which leaves nothing open")
    func longjmpLoopEnds() throws {
        // Found by FuzzWasix: the SIGKILL of the run's end came while the child was in stack_restore, whose
        // unwinding skipped the delivery at the call's end; the child looped on, holding the run's descriptors.
        // _start: proc_fork(1, &pid); the parent sleeps 5 ms and returns; the child: stack_checkpoint(128, 8);
        // stack_restore(128, 1). The child spends much of its loop in stack_restore: ten runs, for the kill to
        // come there in some.
        let code = Self.const(1) + Self.const(0) + Self.call(0)
            + Self.const(0) + [0x28, 2, 0, 0x04, 0x40]  // if (pid = i32.load 0) != 0
            + [0x42, 0xC0, 0x96, 0xB1, 0x02] + Self.call(3) + [0x0F, 0x0B]  // thread_sleep(5 ms); return
            + Self.const(128) + Self.const(8) + Self.call(1) + Self.const(128) + [0x42, 1, 0x10, 2]
        let binary = Self.binary(imports: [("proc_fork", [Self.i32, Self.i32], [Self.i32]),
                                           ("stack_checkpoint", [Self.i32, Self.i32], [Self.i32]),
                                           ("stack_restore", [Self.i32, Self.i64], []),
                                           ("thread_sleep", [Self.i64], [Self.i32])],
                                 sharedMemory: false, data: [], functions: [("_start", [], code)])
        let module = try ModuleValidator.load(binary)
        let sandbox = try Self.makeSandbox("longjmp")
        defer { try? FileManager.default.removeItem(at: sandbox) }
        let configuration = WasixConfiguration(preopens: [.init(guestPath: "/", hostPath: sandbox.path)])
        for _ in 0..<10 {
            guard case .exited(0) = try WasiProgram.run(module, configuration: configuration) else {
                Issue.record("expected the parent's exit with 0")
                return
            }
        }
        // The child holds the mount of the sandbox (as every process of the run does) until it has ended, which
        // the run waits for.
        #expect(!Self.holdsDescriptor(under: sandbox.path), "the sandbox is still open after the run")
    }

    /// A new empty host directory under the temporary directory, named `prefix-UUID`, for a run to map at `/`.
    static func makeSandbox(_ prefix: String) throws -> URL {
        let sandbox = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID())")
        try FileManager.default.createDirectory(at: sandbox, withIntermediateDirectories: true)
        return sandbox
    }

    /// Whether the test process has a descriptor open on `path` or a file under it.
    static func holdsDescriptor(under path: String) -> Bool {
        let descriptors = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        return descriptors.contains {
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/" + $0))?.hasPrefix(path) == true
        }
    }

    /// Runs `binary` with a timeout of 200 ms and `files` at `/`, on a thread of its own so that a guest that
    /// is not stopped fails the test instead of hanging it.
    /// - Returns: the outcome and how long the run took; `nil` (with an issue) if it still runs after 5 s.
    static func runBounded(_ binary: [UInt8], files: [String: [UInt8]] = [:]) throws
        -> (outcome: WasiProgram.Outcome, elapsed: Duration)?
    {
        let module = try ModuleValidator.load(binary)
        var limits = Store.ResourceLimits()
        limits.timeout = .milliseconds(200)
        let store = Store(limits: limits)
        let configuration = WasixConfiguration(preopens: [try .inMemory(guestPath: "/", files: files)])
        let outcome = Mutex<Result<WasiProgram.Outcome, any Error>?>(nil)
        let done = DispatchSemaphore(value: 0)
        let start = ContinuousClock.now
        Thread.detachNewThread {
            let result = Result { try WasiProgram.run(module, configuration: configuration, store: store) }
            outcome.withLock { $0 = result }
            done.signal()
        }
        guard done.wait(timeout: .now() + 5) == .success else {
            Issue.record("still running 5 s after a timeout of 200 ms")
            return nil
        }
        let elapsed = ContinuousClock.now - start
        return (try #require(outcome.withLock { $0 }).get(), elapsed)
    }

    @Test("proc_raise_interval of centuries sets an alarm that does not come, and does not crash the host")
    func distantAlarm() throws {
        // proc_raise_interval(SIGALRM, u64 max, repeat) (found by FuzzWasix: its timer trapped in NSCondition).
        let module = try ModuleValidator.load(Self.module(Blocking(
            testDescription: "", imports: [("proc_raise_interval", [Self.i32, Self.i64, Self.i32]), ("thread_sleep", [Self.i64])],
            code: Self.const(14) + [0x42, 0x7F] + Self.const(1) + Self.call(0)
                + [0x42, 0xC0, 0x84, 0x3D] + Self.call(1) + [0x0F])))  // thread_sleep(1 ms); return
        let configuration = WasixConfiguration(preopens: [try .inMemory(guestPath: "/", files: [:])])
        guard case .exited(0) = try WasiProgram.run(module, configuration: configuration) else {
            Issue.record("expected an exit with 0")
            return
        }
    }

    /// The binary of `blocking`: its imports, one page of memory with its data at 64, and `_start`, which ends
    /// in an endless loop.
    static func module(_ blocking: Blocking) -> [UInt8] {
        binary(imports: blocking.imports.map { ($0.name, $0.parameters, [i32]) }, sharedMemory: false, data: blocking.data,
               functions: [("_start", [], blocking.code + [0x03, 0x40, 0x0C, 0x00, 0x0B])])  // loop br 0 end
    }

    /// A WASIX command: `imports` (from `wasix_32v1` unless named `namespace.name`), one page of memory,
    /// exported (imported shared from `env` with `sharedMemory`, which threads need) with `data` at 64, and
    /// `functions` (exported under their names), the first of them `_start`.
    static func binary(imports: [(name: String, parameters: [UInt8], results: [UInt8])], sharedMemory: Bool,
                       data: [UInt8], functions: [(name: String, parameters: [UInt8], code: [UInt8])]) -> [UInt8] {
        func uleb(_ value: Int) -> [UInt8] {
            var value = value
            var bytes: [UInt8] = []
            repeat {
                bytes.append(UInt8(value & 0x7F) | (value >= 0x80 ? 0x80 : 0))
                value >>= 7
            } while value != 0
            return bytes
        }
        func name(_ text: String) -> [UInt8] { uleb(text.utf8.count) + Array(text.utf8) }
        func vector(_ bytes: [UInt8]) -> [UInt8] { uleb(bytes.count) + bytes }
        func section(_ id: UInt8, _ items: [[UInt8]]) -> [UInt8] {
            let content = uleb(items.count) + items.joined()
            return [id] + uleb(content.count) + content
        }
        // One type per import, then one per function.
        let types = imports.map { [0x60] + vector($0.parameters) + vector($0.results) }
            + functions.map { [0x60] + vector($0.parameters) + [0] }
        var importSection = imports.enumerated().map { index, entry in
            let parts = entry.name.split(separator: ".").map(String.init)
            return name(parts.count == 2 ? parts[0] : "wasix_32v1") + name(parts.last!) + [0x00] + uleb(index)
        }
        if sharedMemory { importSection.append(name("env") + name("memory") + [0x02, 0x03, 1, 1]) }
        return [0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00]
            + section(1, types)
            + section(2, importSection)
            + section(3, functions.indices.map { uleb(imports.count + $0) })
            + (sharedMemory ? [] : section(5, [[0x00, 1]]))
            + section(7, [name("memory") + [0x02, 0]] + functions.enumerated().map { index, function in
                name(function.name) + [0x00] + uleb(imports.count + index)
            })
            + section(10, functions.map { vector([0x00] + $0.code + [0x0B]) })
            + section(11, [[0x00] + const(64) + [0x0B] + vector(data)])
    }
}
