import Foundation
import Testing
@testable import Wasix
import Synchronization
import WasmInterpreter

/// The sandbox against a host that changes it underneath: while a host thread swaps a path component between a
/// directory and a symlink that leads outside (to `..` of the sandbox, or to `/`), the guest opens, reads, stats,
/// renames and unlinks through it. Nothing outside the mapped directory may be read or changed. A fixed budget.
@Suite("Sandbox races")
struct SandboxRaceTests {
    static let budget: Duration = .seconds(2)

    @Test("swapping a path component for a symlink outside never lets the guest reach outside",
          arguments: [SyscallHarness.ABI.wasix32, .wasi])
    func swapDirectoryForSymlink(abi: SyscallHarness.ABI) throws {
        let guest = try SyscallHarness(abi)
        let fileManager = FileManager.default
        // Outside: a sibling of the sandbox with a canary, which must stay as it is and never be read.
        let outside = guest.sandbox.deletingLastPathComponent().appendingPathComponent("outside-\(UUID())")
        try fileManager.createDirectory(at: outside, withIntermediateDirectories: true)
        defer { try? fileManager.removeItem(at: outside) }
        try "outside".write(to: outside.appendingPathComponent("inside.txt"), atomically: true, encoding: .utf8)
        try "canary".write(to: outside.appendingPathComponent("canary.txt"), atomically: true, encoding: .utf8)
        let outsideBefore = try fileManager.contentsOfDirectory(atPath: outside.path).sorted()

        let sub = guest.sandbox.appendingPathComponent("sub")
        let real = guest.sandbox.appendingPathComponent("real")
        try fileManager.createDirectory(at: real, withIntermediateDirectories: true)
        try "inside".write(to: real.appendingPathComponent("inside.txt"), atomically: true, encoding: .utf8)
        // The host thread: `sub` is in turn the real directory (renamed in), a symlink to the outside directory,
        // one to `..` and one to `/`.
        let stop = Mutex(false)
        let swapper = Thread {
            var round = 0
            while !stop.withLock({ $0 }) {
                switch round % 4 {
                case 0: try? fileManager.moveItem(at: real, to: sub)
                case 1: try? fileManager.createSymbolicLink(atPath: sub.path, withDestinationPath: outside.path)
                case 2: try? fileManager.createSymbolicLink(atPath: sub.path, withDestinationPath: "..")
                default: try? fileManager.createSymbolicLink(atPath: sub.path, withDestinationPath: "/")
                }
                usleep(50)
                if round % 4 == 0 { try? fileManager.moveItem(at: sub, to: real) } else { try? fileManager.removeItem(at: sub) }
                round += 1
            }
        }
        swapper.start()
        defer { stop.withLock { $0 = true } }

        let deadline = ContinuousClock.now + Self.budget
        var opened = 0
        let stat = try guest.allocate(64), result = try guest.allocate(4), buffer = try guest.allocate(16)
        let iovecs = try guest.putIOVecs([(buffer, 16)]), count = try guest.allocate(8)
        let reads = try ["sub/inside.txt", "sub/canary.txt", "sub/../outside/canary.txt", "sub/etc/passwd"].map {
            try guest.put($0)
        }
        let (made, madeLength) = try guest.put("sub/made.txt")
        let (moved, movedLength) = try guest.put("sub/moved.txt")
        func open(_ path: (Value, Value), oflags: UInt32, rights: UInt64) throws -> UInt32? {
            try guest.call("path_open", [.i32(3), .i32(0), path.0, path.1, .i32(oflags), .i64(rights), .i64(0), .i32(0),
                                         guest.word(result)]) == .success ? try guest.load(result, as: UInt32.self) : nil
        }
        while ContinuousClock.now < deadline {
            for path in reads {
                if let fd = try open(path, oflags: 0, rights: Rights.fdRead) {
                    let read = try guest.call("fd_read", [.i32(fd), guest.word(iovecs), guest.word(1), guest.word(count)])
                    let length = Int(try guest.load(count, as: UInt32.self))
                    let text = String(decoding: try guest.bytes(at: buffer, count: min(length, 16)), as: UTF8.self)
                    #expect(read == .success && text == "inside", "read \(text)")
                    opened += 1
                    _ = try guest.call("fd_close", [.i32(fd)])
                }
                _ = try guest.call("path_filestat_get", [.i32(3), .i32(0), path.0, path.1, guest.word(stat)])
            }
            // Changes through `sub`: a file made, renamed and unlinked; they may land in the real directory only.
            if let fd = try open((made, madeLength), oflags: 1, rights: Rights.fdWrite) {  // O_CREAT
                _ = try guest.call("fd_close", [.i32(fd)])
            }
            _ = try guest.call("path_rename", [.i32(3), made, madeLength, .i32(3), moved, movedLength])
            _ = try guest.call("path_unlink_file", [.i32(3), moved, movedLength])
            _ = try guest.call("path_unlink_file", [.i32(3), made, madeLength])
        }
        stop.withLock { $0 = true }
        while swapper.isExecuting { usleep(1000) }
        #expect(try fileManager.contentsOfDirectory(atPath: outside.path).sorted() == outsideBefore)
        #expect(try String(contentsOf: outside.appendingPathComponent("canary.txt"), encoding: .utf8) == "canary")
        #expect(try String(contentsOf: outside.appendingPathComponent("inside.txt"), encoding: .utf8) == "outside")
        #expect(!fileManager.fileExists(atPath: "/made.txt") && !fileManager.fileExists(atPath: "/moved.txt"))
        // The race did run: some opens went through while `sub` was the real directory.
        #expect(opened > 0)
    }
}
