import Foundation
import Synchronization
import Testing
import Wasix

/// The store's timeout ends a WASIX run whose guest is blocked in a syscall, not only one that runs wasm (found
/// by FuzzTesting's FuzzWasix: a `futex_wait` without a timeout outlived the run's timeout).
@Suite("WASIX timeouts")
struct TimeoutTests {
    /// A program that blocks: its imports from `wasix_32v1` (name and i32/i64 parameters), data at address 64,
    /// and the code of `_start` before an endless loop (where the timeout traps once the call returns).
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
        let module = try ModuleValidator.load(Self.module(blocking))
        var limits = Store.ResourceLimits()
        limits.timeout = .milliseconds(200)
        let store = Store(limits: limits)
        let configuration = WasixConfiguration(preopens: [try .inMemory(guestPath: "/", files: [:])])
        let outcome = Mutex<Result<WasiProgram.Outcome, any Error>?>(nil)
        let done = DispatchSemaphore(value: 0)
        let start = ContinuousClock.now
        // On a thread of its own, so that a guest that stays blocked fails the test instead of hanging it.
        Thread.detachNewThread {
            let result = Result { try WasiProgram.run(module, configuration: configuration, store: store) }
            outcome.withLock { $0 = result }
            done.signal()
        }
        guard done.wait(timeout: .now() + 5) == .success else {
            Issue.record("still blocked 5 s after a timeout of 200 ms")
            return
        }
        #expect(ContinuousClock.now - start < .seconds(2))
        let result = try #require(outcome.withLock { $0 })
        guard case .trapped(let error, _) = try result.get(), case .timeout = error.trap else {
            Issue.record("expected the timeout's trap, got \(result)")
            return
        }
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

    /// The binary of `blocking`: its imports, one page of memory (exported) with its data at 64, and `_start`.
    static func module(_ blocking: Blocking) -> [UInt8] {
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
        func section(_ id: UInt8, _ items: [[UInt8]]) -> [UInt8] {
            let content = uleb(items.count) + items.joined()
            return [id] + uleb(content.count) + content
        }
        let count = blocking.imports.count
        let types = blocking.imports.map { [0x60] + uleb($0.parameters.count) + $0.parameters + [1, i32] } + [[0x60, 0, 0]]
        let body: [UInt8] = [0x00] + blocking.code + [0x03, 0x40, 0x0C, 0x00, 0x0B, 0x0B]  // loop br 0 end; end
        return [0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00]
            + section(1, types)
            + section(2, blocking.imports.enumerated().map { name("wasix_32v1") + name($1.name) + [0x00] + uleb($0) })
            + section(3, [uleb(count)])
            + section(5, [[0x00, 1]])
            + section(7, [name("memory") + [0x02, 0], name("_start") + [0x00] + uleb(count)])
            + section(10, [uleb(body.count) + body])
            + section(11, [[0x00] + const(64) + [0x0B] + uleb(blocking.data.count) + blocking.data])
    }
}
