import Foundation
import Testing
import WasmInterpreter
@testable import Wasix

/// `proc_fork_env`, the vfork of current wasix-libc's exception-handling builds, through `SyscallHarness`: the
/// calling thread acts as the child (its pid, its own descriptors, working directory and signals) until the
/// child's `proc_exit2` or `proc_exec3` returns, as the parent's again.
@Suite("proc_fork_env")
struct ForkEnvTests {
    static let bothWordSizes: [ABI] = [.wasix32, .wasix64]

    @Test("the thread is the child until proc_exit2, which returns; the parent's proc_join sees the status",
          arguments: bothWordSizes)
    func exitReturnsToParent(abi: ABI) throws {
        let guest = try SyscallHarness(abi)
        let parent = guest.process.pid
        let child = try guest.forkEnv()
        #expect(child != parent)
        #expect(guest.thread.currentProcess.pid == child)
        #expect(guest.kernel.process(child)?.parentPID == parent)
        #expect(try guest.processID() == child)
        let result = try guest.allocate(4)
        #expect(try guest.call("proc_parent", [.i32(child), guest.word(result)]) == .success)
        #expect(try guest.load(result, as: UInt32.self) == parent)

        #expect(try guest.call("proc_exit2", [.i32(7)]) == .success)
        #expect(guest.thread.currentProcess === guest.process)
        #expect(try guest.processID() == parent)
        #expect(try guest.join(child) == .exited(7))
        #expect(try guest.join(child) == nil)
    }

    @Test("proc_exit in a vfork child ends the child and returns too")
    func plainExitReturns() throws {
        let guest = try SyscallHarness(.wasix32)
        let child = try guest.forkEnv()
        #expect(try guest.call("proc_exit", [.i32(3)]) == .success)
        #expect(guest.thread.currentProcess === guest.process)
        #expect(try guest.join(child) == .exited(3))
    }

    @Test("a vfork child's dup2, close and chdir change its own descriptors and directory, not the parent's")
    func childHasItsOwnDescriptors() throws {
        let guest = try SyscallHarness(.wasix32)
        try guest.createFile("dir/file.txt")
        let (reader, writer) = try guest.openPipe()
        let child = try guest.forkEnv()
        let process = guest.thread.currentProcess
        #expect(try guest.call("fd_renumber", [.i32(writer), .i32(1)]) == .success)
        #expect(try guest.call("fd_close", [.i32(reader)]) == .success)
        let (path, length) = try guest.put("/dir")
        #expect(try guest.call("chdir", [path, length]) == .success)
        #expect(process.descriptors[1]?.file === process.descriptors[writer]?.file)
        #expect(process.descriptors[reader] == nil)
        #expect(process.workingDirectory == "/dir")
        // The parent's table and directory did not move.
        #expect(guest.process.descriptors[1]?.file !== guest.process.descriptors[writer]?.file)
        #expect(guest.process.descriptors[reader] != nil)
        #expect(guest.process.workingDirectory == "/")

        #expect(try guest.writeText("from the child", to: 1) == .success)
        #expect(try guest.call("proc_exit2", [.i32(0)]) == .success)
        #expect(try guest.join(child) == .exited(0))
        // The pipe is whole in the parent: the child's write went into it, its close did not close it.
        #expect(try guest.readText(reader, count: 64) == "from the child")
        #expect(try guest.writeText("to stdout", to: 1) == .success)
        #expect(guest.stdout() == "to stdout")
        let buffer = try guest.allocate(64), size = try guest.allocate(4)
        try guest.storeWord(64, at: size)
        #expect(try guest.call("getcwd", [guest.word(buffer), guest.word(size)]) == .success)
        #expect(try guest.cString(at: buffer) == "/")
    }

    @Test("proc_exec3 in a vfork child runs the program as the child and returns 0; the parent's join sees its status",
          arguments: bothWordSizes)
    func execReturnsToParent(abi: ABI) throws {
        let guest = try SyscallHarness(abi)
        try guest.installEcho()
        let child = try guest.forkEnv()
        // A failing exec returns its errno, and the thread is still the child.
        #expect(try guest.exec("/missing.wasm", arguments: "missing\n") == .noent)
        #expect(guest.thread.currentProcess.pid == child)

        #expect(try guest.exec("/echo.wasm", arguments: "echo\nas the child\n", environment: "STATUS=4\n") == .success)
        #expect(guest.thread.currentProcess === guest.process)
        #expect(try guest.processID() == guest.process.pid)
        #expect(try guest.join(child) == .exited(4))
        // The program wrote to the child's stdout, a copy of the parent's.
        #expect(guest.stdout() == "echo: as the child\n")
    }

    @Test("a vfork child may vfork again: the grandchild's parent is the child, whose join sees its status")
    func nested() throws {
        let guest = try SyscallHarness(.wasix32)
        let child = try guest.forkEnv()
        let grandchild = try guest.forkEnv()
        #expect(guest.kernel.process(grandchild)?.parentPID == child)
        #expect(try guest.processID() == grandchild)
        #expect(try guest.call("proc_exit2", [.i32(5)]) == .success)
        #expect(try guest.processID() == child)
        #expect(try guest.join(grandchild) == .exited(5))
        #expect(try guest.call("proc_exit2", [.i32(6)]) == .success)
        #expect(try guest.processID() == guest.process.pid)
        // The parent has one child, the grandchild was the child's.
        #expect(try guest.join(grandchild) == nil)
        #expect(try guest.join(child) == .exited(6))
    }

    @Test("proc_fork_env beyond maxProcesses is again, and with a bad pointer fault; neither makes a child")
    func failures() throws {
        let guest = try SyscallHarness(.wasix32) { $0.maxProcesses = 2 }
        #expect(try guest.call("proc_fork_env", [guest.word(SyscallHarness.memorySize)]) == .fault)
        #expect(guest.thread.currentProcess === guest.process)
        let child = try guest.forkEnv()
        let result = try guest.allocate(4)
        #expect(try guest.call("proc_fork_env", [guest.word(result)]) == .again)
        #expect(try guest.load(result, as: UInt32.self) == 0xAAAA_AAAA)
        #expect(guest.thread.currentProcess.pid == child)
        #expect(try guest.call("proc_exit2", [.i32(0)]) == .success)
        #expect(try guest.join(child) == .exited(0))
    }

    @Test("signals to a vfork child are the child's; the parent's, to its thread or itself, wait until it is back")
    func signals() throws {
        let guest = try SyscallHarness(.wasix32)
        let (handler, length) = try guest.put("on_signal")
        #expect(try guest.call("callback_signal", [handler, length]) == .success)
        // SIGUSR1 waits on the parent's thread.
        #expect(try guest.call("thread_signal", [.i32(0), .i32(10)]) == .success)
        let child = try guest.forkEnv()
        #expect(try guest.call("proc_signal", [.i32(guest.process.pid), .i32(14)]) == .success)
        #expect(try guest.call("proc_signal", [.i32(child), .i32(12)]) == .success)
        try guest.deliverSignals()
        #expect(try guest.receivedSignals() == [12])
        #expect(try guest.call("proc_exit2", [.i32(0)]) == .success)
        // Back in the parent: its thread's signal, its own, and SIGCHLD for the child's end.
        try guest.deliverSignals()
        #expect(try guest.receivedSignals() == [12, 10, 14, 17])
        #expect(try guest.join(child) == .exited(0))
    }

    @Test("a thread that ends while it acts as a vfork child ends the child the same way, then its own process")
    func threadEndsInChild() throws {
        let guest = try SyscallHarness(.wasix32)
        _ = try guest.forkEnv()
        let child = guest.thread.currentProcess
        // No handler: SIGTERM's default action ends the child, as the thread's run then reports.
        #expect(try guest.call("proc_signal", [.i32(0), .i32(15)]) == .success)
        #expect(throws: Trap.self) { try guest.deliverSignals() }
        #expect(child.terminatingSignal == .term)
        #expect(guest.process.terminatingSignal == nil)
        guest.kernel.threadEnded(guest.thread, .killed(.term))
        #expect(guest.thread.currentProcess === guest.process)
        #expect(guest.kernel.locked { child.status } == .signaled(.term))
        #expect(guest.kernel.locked { guest.process.status } == .signaled(.term))
    }
}

extension SyscallHarness {
    /// `proc_fork_env`, which must succeed; returns the child's pid.
    func forkEnv() throws -> UInt32 {
        let result = try allocate(4)
        let errno = try call("proc_fork_env", [word(result)])
        guard errno == .success else { throw CallError(description: "proc_fork_env: \(errno)") }
        return try load(result, as: UInt32.self)
    }

    /// What `proc_id` answers.
    func processID() throws -> UInt32 {
        let result = try allocate(4)
        let errno = try call("proc_id", [word(result)])
        guard errno == .success else { throw CallError(description: "proc_id: \(errno)") }
        return try load(result, as: UInt32.self)
    }

    /// The current `proc_join` of child `pid`, blocking: how it ended, or nil for `child` (no such child).
    func join(_ pid: UInt32) throws -> Wasix.ExitStatus? {
        let option = try allocate(8), status = try allocate(8)
        try memory.store(UInt8(1), at: option)
        try memory.store(pid, at: option + 4)
        let errno = try call("proc_join", [word(option), .i32(0), word(status)])
        if errno == .child { return nil }
        guard errno == .success else { throw CallError(description: "proc_join: \(errno)") }
        switch try load(status, as: UInt8.self) {
        case 1: return .exited(Int32(try load(status + 2, as: UInt16.self)))
        case 2: return .signaled(Signal(rawValue: try load(status + 4, as: UInt8.self)))
        default: throw CallError(description: "proc_join: nothing to report")
        }
    }

    /// `proc_exec3` of `path` (no search) with newline-separated arguments and environment.
    func exec(_ path: String, arguments: String, environment: String = "") throws -> Errno {
        let name = try put(path), args = try put(arguments), envs = try put(environment), search = try put("")
        return try call("proc_exec3", [name.address, name.length, args.address, args.length, envs.address,
                                       envs.length, .i32(0), search.address, search.length])
    }

    /// Copies the fixtures' `echo` program (it prints its arguments and exits with `$STATUS`) to `/echo.wasm`.
    func installEcho() throws {
        let echo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Fixtures/wasix/programs/echo.wasm")
        try FileManager.default.copyItem(at: echo, to: sandbox.appendingPathComponent("echo.wasm"))
    }
}
