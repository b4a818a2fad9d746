import Foundation
import WasmInterpreter

/// Futexes and the calls about the (single) thread of a process.
extension Syscalls {
    static let futex: [Syscall] = [
        /// futex_wait(addr: *u32, expected: u32, timeout: *option_timestamp, woken: *bool): blocks while
        /// `*addr == expected` until woken or the relative timeout passes. A value that differs counts as woken
        /// (the 2022 libc loops until it sees `woken`).
        Syscall("futex_wait", [.i32, .i32, .i32, .i32]) { c in
            let timeout = try c.memory.load(c.u32(2), as: UInt8.self) == 1
                ? try c.memory.load(c.u32(2) &+ 8, as: UInt64.self) : nil
            guard let result = c.memory.memory.wait32(at: Int(c.u32(0)), expected: c.u32(1), timeout: timeout) else {
                return .inval
            }
            try c.memory.store(UInt8(result == .timedOut ? 0 : 1), at: c.u32(3))
            return .success
        },
        /// futex_wake(addr: *u32, woken: *bool): wakes one waiter; always reports woken (see futex_wait).
        Syscall("futex_wake", [.i32, .i32]) { c in
            guard c.memory.memory.notify(at: Int(c.u32(0)), count: 1) != nil else { return .inval }
            try c.memory.store(UInt8(1), at: c.u32(1))
            return .success
        },
        /// futex_wake_all(addr: *u32, woken: *bool)
        Syscall("futex_wake_all", [.i32, .i32]) { c in
            guard c.memory.memory.notify(at: Int(c.u32(0)), count: UInt32.max) != nil else { return .inval }
            try c.memory.store(UInt8(1), at: c.u32(1))
            return .success
        },
        /// thread_id(tid: *tid): the main thread is 1.
        Syscall("thread_id", [.i32]) { c in
            try c.memory.store(UInt32(1), at: c.u32(0))
            return .success
        },
        /// thread_parallelism(count: *size)
        Syscall("thread_parallelism", [.i32]) { c in
            try c.memory.store(UInt32(ProcessInfo.processInfo.activeProcessorCount), at: c.u32(0))
            return .success
        },
        /// thread_sleep(duration: timestamp): a signal to handle cuts it short.
        Syscall("thread_sleep", [.i64]) { c in
            let deadline = Date(timeIntervalSinceNow: Double(c.u64(0)) / 1e9)
            return c.kernel.sleep(c.process, until: deadline) ? .success : .intr
        },
        /// thread_exit(code): the main thread's exit is the process's.
        Syscall("thread_exit", [.i32], returns: []) { c in
            throw Trap.exit(Int32(bitPattern: c.u32(0)))
        },
        /// thread_join(tid): no thread but the main one exists, so there is nothing to wait for.
        Syscall("thread_join", [.i32]) { _ in .success },
    ]
}
