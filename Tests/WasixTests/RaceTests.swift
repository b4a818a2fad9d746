import Foundation
import Testing
@testable import Wasix
import WasmInterpreter

/// Whole WASIX runs whose processes and threads race each other over what they share (found by FuzzTesting's
/// FuzzWasix). Modules are built as in `TimeoutTests`.
@Suite("WASIX runs with racing processes and threads")
struct RaceTests {
    typealias T = TimeoutTests

    @Test("the run removes its private root only after a forked child that creates files in /tmp has ended")
    func privateDirectoryOutlivesChildren() throws {
        // Found by FuzzWasix: the run removed its private directory when the first process ended, while a child
        // still in a syscall made a directory in /tmp afterwards, which stayed behind.
        // _start: proc_fork(1, &pid); the parent sleeps 2 ms and returns; the child, in a loop:
        // path_create_directory(3, "tmp/d"); path_remove_directory(3, "tmp/d").
        let path = Array("tmp/d".utf8)
        let directory = T.const(3) + T.const(64) + T.const(path.count)
        let code = T.const(1) + T.const(0) + T.call(0)
            + T.const(0) + [0x28, 2, 0, 0x04, 0x40]  // if (pid = i32.load 0) != 0
            + [0x42, 0x80, 0x89, 0xFA, 0x00] + T.call(1) + [0x0F, 0x0B]  // thread_sleep(2 ms); return
            + [0x03, 0x40] + directory + T.call(2) + directory + T.call(3) + [0x0C, 0x00, 0x0B]
        let binary = T.binary(
            imports: [("proc_fork", [T.i32, T.i32], [T.i32]), ("thread_sleep", [T.i64], [T.i32]),
                      ("path_create_directory", [T.i32, T.i32, T.i32], [T.i32]),
                      ("path_remove_directory", [T.i32, T.i32, T.i32], [T.i32])],
            sharedMemory: false, data: path, functions: [("_start", [], code)])
        let module = try ModuleValidator.load(binary)
        let sandbox = try T.makeSandbox("children")
        defer { try? FileManager.default.removeItem(at: sandbox) }
        let configuration = WasixConfiguration(preopens: [.init(guestPath: "/", hostPath: sandbox.path)])
        for _ in 0..<20 {
            var privateDirectory: String?
            let outcome = try WasiProgram.run(module, configuration: configuration, function: nil, arguments: [],
                                              results: nil, store: Store()) { kernel, _ in
                privateDirectory = kernel.fileSystem?.privateDirectory
            }
            guard case .exited(0) = outcome else {
                Issue.record("expected the parent's exit with 0, got \(outcome)")
                return
            }
            let left = try #require(privateDirectory)
            #expect(!FileManager.default.fileExists(atPath: left), "the run left \(left)")
            // Every process of the run holds the mount of the sandbox until it has ended.
            #expect(!T.holdsDescriptor(under: sandbox.path), "the child still runs after the run")
        }
    }

    @Test("threads reading one directory descriptor at once share its entries safely")
    func concurrentReaddir() throws {
        // Found by FuzzWasix: forked processes (and threads) share an open description, whose cached directory
        // entries fd_readdir replaced without a lock: a double release, a use after free in the host.
        // _start: thread_spawn_v2(64, &tid) four times, thread_sleep(250 ms), return. wasi_thread_start, and
        // _start between its spawns: fd_readdir(3 (the root), 1024, 4096, cookie 0, &used) in a loop.
        let readdir = T.const(3) + T.const(1024) + T.const(4096) + [0x42, 0x00] + T.const(16) + T.call(2)
        let spawn = T.const(64) + T.const(32) + T.call(0)
        let start = Array([[UInt8]](repeating: spawn + readdir, count: 4).joined())
            + [0x42, 0x80, 0xE5, 0x9A, 0xF7, 0x00] + T.call(1)  // thread_sleep(250 ms)
        let binary = T.binary(
            imports: [("thread_spawn_v2", [T.i32, T.i32], [T.i32]), ("thread_sleep", [T.i64], [T.i32]),
                      ("fd_readdir", [T.i32, T.i32, T.i32, T.i64, T.i32], [T.i32])],
            sharedMemory: true, data: [],
            functions: [("_start", [], start),
                        ("wasi_thread_start", [T.i32, T.i32], [0x03, 0x40] + readdir + [0x0C, 0x00, 0x0B])])
        let module = try ModuleValidator.load(binary)
        let sandbox = try T.makeSandbox("readdir")
        defer { try? FileManager.default.removeItem(at: sandbox) }
        for name in ["a", "b", "c", "d"] {
            try Data(name.utf8).write(to: sandbox.appendingPathComponent(name))
        }
        let configuration = WasixConfiguration(preopens: [.init(guestPath: "/", hostPath: sandbox.path)])
        guard case .exited(0) = try WasiProgram.run(module, configuration: configuration) else {
            Issue.record("expected an exit with 0")
            return
        }
    }
}
