#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Testing
import WasmInterpreter
@testable import Wasix

typealias ABI = SyscallHarness.ABI

/// Single syscalls called through `SyscallHarness`, checked against what Linux does (or, for preview1-only
/// behaviour, what wasmtime does). Descriptors 0-2 are host pipes and 3 the root (WASIX) or `.` (WASI).
@Suite("Syscalls")
struct SyscallTests {
    static let bothWordSizes: [ABI] = [.wasix32, .wasix64]

    // MARK: - fd

    @Test("fd_write with two iovecs writes both to a pipe in one call", arguments: bothWordSizes)
    func gatheredWrite(abi: ABI) throws {
        let guest = try SyscallHarness(abi)
        let (reader, writer) = try guest.openPipe()
        let iovecs = try guest.putIOVecs(of: ["hello, ", "world"])
        let written = try guest.allocate(8)
        let result = try guest.call("fd_write", [.i32(writer), guest.word(iovecs), guest.word(2), guest.word(written)])
        #expect(result == .success)
        #expect(try guest.loadWord(at: written) == 12)
        // One host read gets both buffers, in order.
        #expect(try guest.hostRead(reader) == "hello, world")
    }

    @Test("fd_read from a pipe's write end and fd_write to its read end are badf, as on Linux")
    func pipeEndsGoOneWay() throws {
        let guest = try SyscallHarness(.wasix32)
        let (reader, writer) = try guest.openPipe()
        // Linux fails at once, signal or not; with one pending, a read that waited for data instead of failing
        // ends with intr rather than hanging the test.
        #expect(try guest.call("thread_signal", [.i32(0), .i32(10)]) == .success)
        let buffer = try guest.allocate(8)
        let iovecs = try guest.putIOVecs([(buffer, 8)])
        let count = try guest.allocate(4)
        let arguments = [guest.word(iovecs), guest.word(1), guest.word(count)]
        #expect(try guest.call("fd_read", [.i32(writer)] + arguments) == .badf)
        #expect(try guest.call("fd_write", [.i32(reader)] + arguments) == .badf)
        #expect(try guest.load(count, as: UInt32.self) == 0xAAAA_AAAA)
    }

    @Test("fd_pipe of the 2022 ABI gives duplex ends: each reads what the other writes")
    func duplexPipe() throws {
        let guest = try SyscallHarness(.wasix2022)
        let (first, second) = try guest.openPipe()
        try guest.writeText("ping", to: first)
        #expect(try guest.readText(second, count: 16) == "ping")
        try guest.writeText("pong", to: second)
        #expect(try guest.readText(first, count: 16) == "pong")
    }

    @Test("fd_fdstat_get reports a pipe as no terminal, with the rights of its direction")
    func pipeFdstat() throws {
        let guest = try SyscallHarness(.wasix32)
        let (reader, writer) = try guest.openPipe()
        // Stdout is a host pipe too, as when a program's output is piped.
        for (fd, reads) in [(reader, true), (writer, false), (1, false)] {
            let stat = try guest.fdstat(fd)
            #expect(stat.filetype == Filetype.unknown.rawValue, "fd \(fd)")
            #expect(!stat.isTerminal, "fd \(fd)")
            #expect((stat.rightsBase & Rights.fdRead != 0) == reads, "fd \(fd)")
            #expect((stat.rightsBase & Rights.fdWrite != 0) == !reads, "fd \(fd)")
        }
    }

    @Test("fd_fdstat_get of /dev/null reports a character device that is no terminal")
    func devNullIsNoTerminal() throws {
        let guest = try SyscallHarness(.wasix32)
        // As wasi-libc's open(O_RDWR) does, ask for every right: the host grants what the device allows.
        let fd = try guest.openFile("/dev/null", rights: Rights.all)
        let stat = try guest.fdstat(fd)
        #expect(stat.filetype == Filetype.characterDevice.rawValue)
        #expect(!stat.isTerminal)
    }

    @Test("the host's /dev and its devices cannot be touched: their times are perm, a link to one is xdev")
    func devicesCannotBeTouched() throws {
        // Found by FuzzWasix: an epoll instance's descriptor (whose host descriptor was /dev/null) and a descriptor of
        // /dev/null set the times of the host's /dev/null. Epoll instances and eventfds are now the host's anonymous
        // inode, which they share with every other on the host.
        let guest = try SyscallHarness(.wasix32)
        func hostTimes(_ path: String) -> [Int] {
            var info = stat()
            guard lstat(path, &info) == 0 else { return [] }
            return [info.st_mtim.tv_sec, info.st_mtim.tv_nsec, info.st_ctim.tv_sec, info.st_ctim.tv_nsec]
        }
        let before = ["/dev", "/dev/null", "/dev/zero", "/dev/stdout"].map(hostTimes)
        let epoll = try guest.allocate(4)
        #expect(try guest.call("epoll_create", [guest.word(epoll)]) == .success)
        let event = try guest.allocate(4)
        #expect(try guest.call("fd_event", [.i64(0), .i32(0), guest.word(event)]) == .success)
        var descriptors = [try guest.load(epoll, as: UInt32.self), try guest.load(event, as: UInt32.self),
                           try guest.openFile("/dev/null", rights: Rights.all)]
        descriptors.append(try guest.openFile("/dev", oflags: OpenFlags.directory, rights: Rights.directory))
        // fst_flags 5: set both times to these.
        for fd in descriptors {
            #expect(try guest.call("fd_filestat_set_times", [.i32(fd), .i64(47), .i64(47), .i32(5)]) == .perm, "fd \(fd)")
        }
        for path in ["/dev", "/dev/", "/dev/.", "/dev/null", "/dev/zero", "/dev/stdout"] {
            let (address, length) = try guest.put(path)
            #expect(try guest.call("path_filestat_set_times", [.i32(3), .i32(0), address, length, .i64(47), .i64(47),
                                                               .i32(5)]) == .perm, "\(path)")
        }
        let (source, sourceLength) = try guest.put("/dev/null")
        let (target, targetLength) = try guest.put("/null")
        #expect(try guest.call("path_link", [.i32(3), .i32(0), source, sourceLength, .i32(3), target, targetLength])
            == .xdev)
        #expect(["/dev", "/dev/null", "/dev/zero", "/dev/stdout"].map(hostTimes) == before)
        // The guest's own files keep their times its to set.
        try guest.createFile("mine")
        let (mine, mineLength) = try guest.put("/mine")
        #expect(try guest.call("path_filestat_set_times", [.i32(3), .i32(0), mine, mineLength, .i64(47_000_000_000),
                                                           .i64(47_000_000_000), .i32(5)]) == .success)
        #expect(hostTimes(guest.sandbox.appendingPathComponent("mine").path).first == 47)
    }

    @Test("fd_renumber in a WASIX program is dup2: the target becomes a copy, the source stays open")
    func renumberIsDup2() throws {
        let guest = try SyscallHarness(.wasix32)
        let (reader, writer) = try guest.openPipe()
        // Onto a number that is not open.
        #expect(try guest.call("fd_renumber", [.i32(writer), .i32(9)]) == .success)
        let source = try #require(guest.process.descriptors[writer])
        #expect(guest.process.descriptors[9]?.file === source.file)
        // Onto an open one, which is closed: the pipe has no reader left.
        #expect(try guest.call("fd_renumber", [.i32(9), .i32(reader)]) == .success)
        #expect(guest.process.descriptors[reader]?.file === source.file)
        #expect(try guest.writeText("x", to: writer) == .pipe)
        // Onto itself, nothing changes; from a closed number, badf.
        #expect(try guest.call("fd_renumber", [.i32(writer), .i32(writer)]) == .success)
        #expect(guest.process.descriptors[writer]?.file === source.file)
        #expect(try guest.call("fd_renumber", [.i32(30), .i32(writer)]) == .badf)
        #expect(guest.process.descriptors[writer]?.file === source.file)
    }

    @Test("fd_renumber in a WASI program moves the descriptor and needs both open, as in wasmtime")
    func renumberMovesInWasi() throws {
        let guest = try SyscallHarness(.wasi)
        try guest.createFile("file.txt")
        let fd = try guest.openFile("file.txt", rights: Rights.fdRead)
        let file = try #require(guest.process.descriptors[fd]).file
        #expect(try guest.call("fd_renumber", [.i32(fd), .i32(1)]) == .success)
        #expect(guest.process.descriptors[fd] == nil)
        #expect(guest.process.descriptors[1]?.file === file)
        #expect(try guest.call("fd_renumber", [.i32(fd), .i32(1)]) == .badf)
        #expect(try guest.call("fd_renumber", [.i32(1), .i32(9)]) == .badf)
        #expect(guest.process.descriptors[1]?.file === file)
    }

    @Test("fd_dup2 takes the lowest free number from its minimum and sets close-on-exec as asked; fd_dup clears it")
    func dupFromMinimum() throws {
        let guest = try SyscallHarness(.wasix32)
        let result = try guest.allocate(4), flags = try guest.allocate(2)
        for expected: UInt32 in [20, 21] {
            #expect(try guest.call("fd_dup2", [.i32(1), .i32(20), .i32(1), guest.word(result)]) == .success)
            #expect(try guest.load(result, as: UInt32.self) == expected)
        }
        #expect(try guest.call("fd_fdflags_get", [.i32(20), guest.word(flags)]) == .success)
        #expect(try guest.load(flags, as: UInt16.self) == 1)
        #expect(try guest.call("fd_dup", [.i32(20), guest.word(result)]) == .success)
        #expect(try guest.load(result, as: UInt32.self) == 4)
        #expect(try guest.call("fd_fdflags_get", [.i32(4), guest.word(flags)]) == .success)
        #expect(try guest.load(flags, as: UInt16.self) == 0)
        #expect(guest.process.descriptors[4]?.file === guest.process.descriptors[1]?.file)
        #expect(try guest.writeText("through the copy", to: 4) == .success)
        #expect(guest.stdout() == "through the copy")
    }

    @Test("fd_close takes the descriptor out of the table; closing it again is badf")
    func closeTwice() throws {
        let guest = try SyscallHarness(.wasix32)
        let (reader, _) = try guest.openPipe()
        #expect(try guest.call("fd_close", [.i32(reader)]) == .success)
        #expect(guest.process.descriptors[reader] == nil)
        #expect(try guest.call("fd_close", [.i32(reader)]) == .badf)
    }

    @Test("open beyond maxOpenFiles is mfile, as open beyond RLIMIT_NOFILE is on Linux")
    func descriptorLimit() throws {
        // Stdio and the root take 0-3.
        let guest = try SyscallHarness(.wasix32) { $0.maxOpenFiles = 5 }
        try guest.createFile("file.txt")
        #expect(try guest.openFile("/file.txt", rights: Rights.fdRead) == 4)
        let result = try guest.allocate(4)
        #expect(try guest.callOpen("/file.txt", rights: Rights.fdRead, result: result) == .mfile)
        #expect(try guest.load(result, as: UInt32.self) == 0xAAAA_AAAA)
    }

    @Test("fd_seek follows the flavor's whence numbering and fd_tell agrees; a pipe is spipe",
          arguments: [ABI.wasi, .wasiUnstable])
    func seek(abi: ABI) throws {
        let guest = try SyscallHarness(abi)
        try guest.createFile("digits.txt", contents: "0123456789")
        let fd = try guest.openFile("digits.txt", rights: Rights.fdRead | Rights.fdSeek | Rights.fdTell)
        // preview1: set, cur, end = 0, 1, 2; wasi_unstable: cur, end, set = 0, 1, 2.
        let (set, current, end): (UInt32, UInt32, UInt32) = abi.namespace == "wasi_unstable" ? (2, 0, 1) : (0, 1, 2)
        let position = try guest.allocate(8)
        for (offset, whence, expected) in [(-3, end, 7), (2, current, 9), (1, set, 1)] as [(Int64, UInt32, UInt64)] {
            let arguments: [Value] = [.i32(fd), .i64(UInt64(bitPattern: offset)), .i32(whence), guest.word(position)]
            #expect(try guest.call("fd_seek", arguments) == .success)
            #expect(try guest.load(position, as: UInt64.self) == expected)
        }
        #expect(try guest.call("fd_tell", [.i32(fd), guest.word(position)]) == .success)
        #expect(try guest.load(position, as: UInt64.self) == 1)
        #expect(try guest.readText(fd, count: 2) == "12")
        #expect(try guest.call("fd_seek", [.i32(0), .i64(0), .i32(current), guest.word(position)]) == .spipe)
    }

    @Test("fd_readdir lists a directory's entries with their types and resumes at a cookie")
    func readDirectory() throws {
        let guest = try SyscallHarness(.wasix32)
        try guest.createFile("dir/a.txt")
        try guest.createFile("dir/sub/b.txt")
        let fd = try guest.openFile("/dir", oflags: OpenFlags.directory, rights: Rights.fdReaddir)
        let all = try guest.readDirectory(fd)
        #expect(Set(all.map(\.name)) == [".", "..", "a.txt", "sub"])
        #expect(all.first { $0.name == "a.txt" }?.type == Filetype.regularFile.rawValue)
        #expect(all.first { $0.name == "sub" }?.type == Filetype.directory.rawValue)
        // From the second entry's cookie on, the same list without the first two.
        let rest = try guest.readDirectory(fd, cookie: all[1].next)
        #expect(rest.map(\.name) == all.dropFirst(2).map(\.name))
    }

    // MARK: - path

    @Test("path_open with .. above the root stays inside the tree, as on Linux")
    func dotDotStaysInside() throws {
        let guest = try SyscallHarness(.wasix32)
        try guest.createFile("inside.txt", contents: "inside")
        try guest.createFile("sub/other.txt")
        for path in ["/../../inside.txt", "../../inside.txt", "sub/../../../inside.txt", "/sub/../../inside.txt"] {
            let fd = try guest.openFile(path, rights: Rights.fdRead)
            #expect(try guest.readText(fd, count: 16) == "inside", "\(path)")
        }
    }

    @Test("a relative path from the root preopen starts at the working directory (the 2022 libc's cwd-relative names)")
    func relativeToWorkingDirectory() throws {
        let guest = try SyscallHarness(.wasix2022)
        try guest.createFile("inside.txt", contents: "root")
        try guest.createFile("dir/inside.txt", contents: "dir")
        let (address, length) = try guest.put("/dir")
        #expect(try guest.call("chdir", [address, length]) == .success)
        #expect(try guest.readText(try guest.openFile("inside.txt", rights: Rights.fdRead), count: 16) == "dir")
        #expect(try guest.readText(try guest.openFile("../inside.txt", rights: Rights.fdRead), count: 16) == "root")
        #expect(try guest.readText(try guest.openFile("/inside.txt", rights: Rights.fdRead), count: 16) == "root")
    }

    @Test("path_open with .. above a preopen, or an absolute path, is perm in a WASI program")
    func dotDotLeavesPreopen() throws {
        let guest = try SyscallHarness(.wasi)
        try guest.createFile("inside.txt", contents: "inside")
        try guest.createFile("sub/other.txt")
        let result = try guest.allocate(4)
        for path in ["../inside.txt", "sub/../../inside.txt", "/inside.txt", "/etc/passwd"] {
            #expect(try guest.callOpen(path, rights: Rights.fdRead, result: result) == .perm, "\(path)")
        }
        #expect(try guest.load(result, as: UInt32.self) == 0xAAAA_AAAA)
        #expect(try guest.readText(try guest.openFile("./inside.txt", rights: Rights.fdRead), count: 16) == "inside")
    }

    @Test("path_open fails with exist, noent and notdir where Linux's open does")
    func openErrors() throws {
        let guest = try SyscallHarness(.wasix32)
        try guest.createFile("file.txt")
        let result = try guest.allocate(4)
        let cases: [(String, UInt16, Errno)] = [
            ("/file.txt", OpenFlags.creat | OpenFlags.excl, .exist),
            ("/missing.txt", 0, .noent),
            ("/missing/file.txt", OpenFlags.creat, .noent),
            ("/file.txt/", 0, .notdir),
            ("/file.txt", OpenFlags.directory, .notdir),
            ("/file.txt/x", 0, .notdir),
        ]
        for (path, oflags, expected) in cases {
            #expect(try guest.callOpen(path, oflags: oflags, rights: Rights.fdRead, result: result) == expected,
                    "\(path) \(oflags)")
        }
        #expect(try guest.load(result, as: UInt32.self) == 0xAAAA_AAAA)
        #expect(guest.process.descriptors.entries.count == 4)
    }

    @Test("path_filestat_get writes the file's inode, type, links and size where the flavor's filestat has them",
          arguments: [ABI.wasi, .wasiUnstable])
    func filestatLayout(abi: ABI) throws {
        let guest = try SyscallHarness(abi)
        try guest.createFile("file.txt", contents: "0123456789")
        var info = stat()
        #expect(lstat(guest.sandbox.appendingPathComponent("file.txt").path, &info) == 0)
        let filestat = try guest.allocate(64)
        let (path, length) = try guest.put("file.txt")
        #expect(try guest.call("path_filestat_get", [.i32(3), .i32(0), path, length, guest.word(filestat)]) == .success)
        #expect(try guest.load(filestat + 8, as: UInt64.self) == UInt64(info.st_ino))
        #expect(try guest.load(filestat + 16, as: UInt8.self) == Filetype.regularFile.rawValue)
        if abi.namespace == "wasi_unstable" {
            // nlink u32@20, size@24, three timestamps: 56 bytes.
            #expect(try guest.load(filestat + 20, as: UInt32.self) == 1)
            #expect(try guest.load(filestat + 24, as: UInt64.self) == 10)
            #expect(try guest.bytes(at: filestat + 56, count: 8) == [UInt8](repeating: 0xAA, count: 8))
        } else {
            #expect(try guest.load(filestat + 24, as: UInt64.self) == 1)
            #expect(try guest.load(filestat + 32, as: UInt64.self) == 10)
        }
    }

    @Test("path_remove_directory of d/. is inval, path_rename of it busy, path_unlink_file of a directory isdir")
    func dotAndDirectories() throws {
        let guest = try SyscallHarness(.wasix32)
        try guest.createFile("d/file.txt")
        let (dot, dotLength) = try guest.put("d/.")
        let (other, otherLength) = try guest.put("e")
        let (directory, directoryLength) = try guest.put("d")
        #expect(try guest.call("path_remove_directory", [.i32(3), dot, dotLength]) == .inval)
        #expect(try guest.call("path_rename", [.i32(3), dot, dotLength, .i32(3), other, otherLength]) == .busy)
        #expect(try guest.call("path_unlink_file", [.i32(3), directory, directoryLength]) == .isdir)
        #expect(FileManager.default.fileExists(atPath: guest.sandbox.appendingPathComponent("d/file.txt").path))
    }

    @Test("chdir moves the working directory and getcwd reports it; a file is notdir", arguments: bothWordSizes)
    func workingDirectory(abi: ABI) throws {
        let guest = try SyscallHarness(abi)
        try guest.createFile("dir/sub/file.txt")
        for (path, expected) in [("/dir/sub/..", Errno.success), ("sub", .success), ("file.txt", .notdir),
                                 ("/missing", .noent)] {
            let (address, length) = try guest.put(path)
            #expect(try guest.call("chdir", [address, length]) == expected, "\(path)")
        }
        #expect(guest.process.workingDirectory == "/dir/sub")
        let buffer = try guest.allocate(64), length = try guest.allocate(8)
        try guest.storeWord(64, at: length)
        #expect(try guest.call("getcwd", [guest.word(buffer), guest.word(length)]) == .success)
        #expect(try guest.cString(at: buffer) == "/dir/sub")
        #expect(try guest.loadWord(at: length) == 8)
        // Too small (the NUL needs room too): an error (which one: see `getcwdTooSmall`) and the size needed, which
        // wasix-libc's getcwd(NULL, 0) allocates before it asks again.
        try guest.storeWord(8, at: length)
        #expect(try guest.call("getcwd", [guest.word(buffer), guest.word(length)]) != .success)
        #expect(try guest.loadWord(at: length) == 9)
    }

    // MARK: - signals

    @Test("proc_signals_sizes_get reports no dispositions, as a whole size_t", arguments: bothWordSizes)
    func noDispositions(abi: ABI) throws {
        let guest = try SyscallHarness(abi)
        let count = try guest.allocate(8)
        #expect(try guest.call("proc_signals_sizes_get", [guest.word(count)]) == .success)
        #expect(try guest.loadWord(at: count) == 0)
        #expect(try guest.bytes(at: count + abi.wordSize, count: Int(8 - abi.wordSize)).allSatisfy { $0 == 0xAA })
    }

    @Test("thread_signal to 0x3fffffff or 0 queues the signal on the calling thread, not the process")
    func threadSignalToCaller() throws {
        let guest = try SyscallHarness(.wasix32)
        #expect(try guest.call("thread_signal", [.i32(0x3fff_ffff), .i32(10)]) == .success)
        #expect(try guest.call("thread_signal", [.i32(0), .i32(12)]) == .success)
        #expect(try guest.call("thread_signal", [.i32(1), .i32(32)]) == .inval)
        guest.kernel.locked {
            #expect(guest.thread.pendingSignals == [.usr1, Signal(rawValue: 12)])
            #expect(guest.process.pendingSignals.isEmpty)
        }
        let flagged = guest.process.hasPendingSignals.load(ordering: .sequentiallyConsistent)
        #expect(flagged)
    }

    @Test("a handler export that calls a null slot (current wasix-libc before any sigaction) gets the default action")
    func nullDefaultHandler() throws {
        let guest = try SyscallHarness(.wasix32)
        let (handler, length) = try guest.put("null_handler")
        #expect(try guest.call("callback_signal", [handler, length]) == .success)
        // SIGCHLD is ignored by default: nothing happens, and the handler stays named.
        #expect(try guest.call("thread_signal", [.i32(0), .i32(17)]) == .success)
        try guest.deliverSignals()
        #expect(guest.kernel.locked { guest.process.signalHandlerName } == "null_handler")
        // SIGTERM ends the process by that signal.
        #expect(try guest.call("thread_signal", [.i32(0), .i32(15)]) == .success)
        let error = #expect(throws: Trap.self) { try guest.deliverSignals() }
        guard case .exit(let status)? = error?.termination else {
            Issue.record("expected SIGTERM's default action, got \(String(describing: error))")
            return
        }
        #expect(status == 128 + 15)
        #expect(guest.process.terminatingSignal == .term)
    }

    @Test("a pending signal ends a blocking fd_read with intr, and the handler gets it when the call returns")
    func signalInterruptsRead() throws {
        let guest = try SyscallHarness(.wasix32)
        let (handler, length) = try guest.put("on_signal")
        #expect(try guest.call("callback_signal", [handler, length]) == .success)
        let (reader, _) = try guest.openPipe()
        #expect(try guest.call("thread_signal", [.i32(0x3fff_ffff), .i32(10)]) == .success)
        // The pipe's write end is open and it is empty: without the signal, the read would wait.
        try #require(guest.kernel.locked { guest.thread.pendingSignals } == [.usr1])
        let buffer = try guest.allocate(8)
        let iovecs = try guest.putIOVecs([(buffer, 8)])
        let count = try guest.allocate(4)
        let arguments = [Value.i32(reader), guest.word(iovecs), guest.word(1), guest.word(count)]
        #expect(try guest.call("fd_read", arguments) == .intr)
        #expect(try guest.receivedSignals() == [])
        try guest.deliverSignals()
        #expect(try guest.receivedSignals() == [10])
        #expect(guest.kernel.locked { guest.thread.pendingSignals.isEmpty })
    }

    @Test("thread_sleep sleeps its time, and returns intr at once when a signal is pending")
    func sleepIsInterrupted() throws {
        let guest = try SyscallHarness(.wasix32)
        let start = ContinuousClock.now
        #expect(try guest.call("thread_sleep", [.i64(20_000_000)]) == .success)
        #expect(ContinuousClock.now - start >= .milliseconds(20))
        #expect(try guest.call("thread_signal", [.i32(0x3fff_ffff), .i32(10)]) == .success)
        let interrupted = ContinuousClock.now
        #expect(try guest.call("thread_sleep", [.i64(10_000_000_000)]) == .intr)
        #expect(ContinuousClock.now - interrupted < .seconds(5))
    }

    @Test("proc_raise takes preview1 numbers and queues on the process; a signal ignored by default is dropped")
    func raise() throws {
        let guest = try SyscallHarness(.wasi)
        // preview1 has no SIGSTKFLT: its 26 (SIGPROF) is Linux's 27, its 16 (SIGCHLD) Linux's 17.
        #expect(try guest.call("proc_raise", [.i32(26)]) == .success)
        #expect(try guest.call("proc_raise", [.i32(16)]) == .success)
        #expect(try guest.call("proc_raise", [.i32(0)]) == .success)
        #expect(try guest.call("proc_raise", [.i32(31)]) == .inval)
        #expect(guest.kernel.locked { guest.process.pendingSignals } == [Signal(rawValue: 27)])
        // Without a handler, SIGPROF's default action ends the process with 128 + 27.
        let error = #expect(throws: Trap.self) { try guest.deliverSignals() }
        guard case .exit(let status)? = error?.termination else {
            Issue.record("expected an exit, got \(String(describing: error))")
            return
        }
        #expect(status == 128 + 27)
        #expect(guest.process.terminatingSignal == Signal(rawValue: 27))
    }

    @Test("proc_raise_interval in a process that has ended arms no alarm, which would hold the run's kernel")
    func alarmAfterTheEnd() throws {
        weak var kernel: Kernel?
        do {
            let guest = try SyscallHarness(.wasix32)
            kernel = guest.kernel
            // As a thread that has not seen its SIGKILL yet does, once another thread ended the process.
            guest.kernel.finish(guest.process, .exited(0))
            #expect(try guest.call("proc_raise_interval", [.i32(14), .i64(3_600_000_000_000), .i32(1)]) == .success)
            #expect(guest.kernel.locked { guest.process.alarm } == nil)
        }
        #expect(kernel == nil)
    }

    // MARK: - clock, args, environ

    @Test("clock_time_get: monotonic time increases, realtime is the host's, an unknown clock is inval",
          arguments: bothWordSizes)
    func clocks(abi: ABI) throws {
        let guest = try SyscallHarness(abi)
        let time = try guest.allocate(8)
        func now(_ clock: UInt32) throws -> UInt64 {
            #expect(try guest.call("clock_time_get", [.i32(clock), .i64(1), guest.word(time)]) == .success)
            return try guest.load(time, as: UInt64.self)
        }
        let first = try now(1)
        usleep(2000)
        #expect(try now(1) >= first + 2_000_000)
        let realtime = Double(try now(0)) / 1e9
        #expect(abs(realtime - Date().timeIntervalSince1970) < 5)
        try guest.memory.store(UInt64(0xAAAA_AAAA_AAAA_AAAA), at: time)
        #expect(try guest.call("clock_time_get", [.i32(4), .i64(1), guest.word(time)]) == .inval)
        #expect(try guest.load(time, as: UInt64.self) == 0xAAAA_AAAA_AAAA_AAAA)
        #expect(try guest.call("clock_res_get", [.i32(1), guest.word(time)]) == .success)
        #expect((1...1_000_000).contains(try guest.load(time, as: UInt64.self)))
    }

    @Test("args_sizes_get and args_get lay out argv as pointers into one buffer of NUL-terminated strings",
          arguments: bothWordSizes)
    func arguments(abi: ABI) throws {
        let guest = try SyscallHarness(abi, arguments: ["prog", "hé", ""])
        let sizes = try guest.allocate(16)
        #expect(try guest.call("args_sizes_get", [guest.word(sizes), guest.word(sizes + 8)]) == .success)
        #expect(try guest.loadWord(at: sizes) == 3)
        #expect(try guest.loadWord(at: sizes + 8) == 10)  // "prog\0" "hé\0" (é is two bytes) "\0"
        let argv = try guest.allocate(4 * 8), buffer = try guest.allocate(10)
        #expect(try guest.call("args_get", [guest.word(argv), guest.word(buffer)]) == .success)
        let pointers = try (0..<3).map { try guest.loadWord(at: argv + $0 * abi.wordSize) }
        #expect(pointers == [UInt64(buffer), UInt64(buffer + 5), UInt64(buffer + 9)])
        #expect(try pointers.map { try guest.cString(at: UInt32(clamping: $0)) } == ["prog", "hé", ""])
        // No terminating null pointer: libc adds it.
        #expect(try guest.bytes(at: argv + 3 * abi.wordSize, count: Int(abi.wordSize)).allSatisfy { $0 == 0xAA })
    }

    @Test("environ_sizes_get and environ_get give the environment in the same layout")
    func environment() throws {
        let guest = try SyscallHarness(.wasi, environment: ["HOME=/", "EMPTY="])
        let sizes = try guest.allocate(8)
        #expect(try guest.call("environ_sizes_get", [guest.word(sizes), guest.word(sizes + 4)]) == .success)
        #expect(try guest.load(sizes, as: UInt32.self) == 2)
        #expect(try guest.load(sizes + 4, as: UInt32.self) == 14)
        let environ = try guest.allocate(8), buffer = try guest.allocate(14)
        #expect(try guest.call("environ_get", [guest.word(environ), guest.word(buffer)]) == .success)
        #expect(try guest.cString(at: guest.load(environ, as: UInt32.self)) == "HOME=/")
        #expect(try guest.cString(at: guest.load(environ + 4, as: UInt32.self)) == "EMPTY=")
    }

    // MARK: - bad pointers

    @Test("an out-of-bounds pointer is fault, not a crash, and a write with one writes nothing",
          arguments: bothWordSizes)
    func outOfBounds(abi: ABI) throws {
        let guest = try SyscallHarness(abi)
        let end = SyscallHarness.memorySize
        #expect(try guest.call("clock_time_get", [.i32(1), .i64(1), guest.word(end - 4)]) == .fault)
        #expect(try guest.call("args_sizes_get", [guest.word(end), guest.word(1024)]) == .fault)
        #expect(try guest.call("random_get", [guest.word(end - 8), guest.word(9)]) == .fault)
        #expect(try guest.call("fd_prestat_dir_name", [.i32(3), guest.word(end), guest.word(1)]) == .fault)
        let (reader, writer) = try guest.openPipe()
        let written = try guest.allocate(8)
        let overEnd = try guest.putIOVecs([(try guest.put(Array("ok".utf8)), 2), (end - 2, 3)])
        let arguments = [Value.i32(writer), guest.word(overEnd), guest.word(2), guest.word(written)]
        #expect(try guest.call("fd_write", arguments) == .fault)
        #expect(try guest.call("fd_write", [.i32(writer), guest.word(end - 4), guest.word(1), guest.word(written)])
                == .fault)
        #expect(try guest.hostRead(reader) == "")
        #expect(try guest.load(written, as: UInt64.self) == 0xAAAA_AAAA_AAAA_AAAA)
    }

    @Test("wasix_64v1 reads whole 64-bit pointers: one beyond 4 GiB is fault, not an alias of a low address")
    func widePointers() throws {
        let guest = try SyscallHarness(.wasix64)
        let time = try guest.allocate(8)
        let alias = Value.i64(1 << 32 | UInt64(time))
        #expect(try guest.call("clock_time_get", [.i32(1), .i64(1), alias]) == .fault)
        #expect(try guest.load(time, as: UInt64.self) == 0xAAAA_AAAA_AAAA_AAAA)
        let iovecs = try guest.putIOVecs([(time, 8)])
        try guest.memory.store(UInt64(1 << 32 | UInt64(time)), at: iovecs)
        let (_, writer) = try guest.openPipe()
        #expect(try guest.call("fd_write", [.i32(writer), guest.word(iovecs), guest.word(1), guest.word(time)])
                == .fault)
        #expect(try guest.call("clock_time_get", [.i32(1), .i64(1), guest.word(time)]) == .success)
    }

    @Test("proc_spawn2 with a bad pid pointer is fault and makes no child, which would hold the run's kernel for ever")
    func spawnWithBadPointer() throws {
        // Found by FuzzWasix: the child was in the process table with a thread that never started, so it never
        // ended; it held the kernel (and with it the mounts' and the parent's host descriptors) after the run.
        weak var kernel: Kernel?
        do {
            let guest = try SyscallHarness(.wasix32)
            kernel = guest.kernel
            let program = EmbeddingTests.fixtures.appendingPathComponent("programs/count.wasm")
            try FileManager.default.copyItem(at: program, to: guest.sandbox.appendingPathComponent("prog.wasm"))
            let (name, nameLength) = try guest.put("/prog.wasm")
            let (empty, emptyLength) = try guest.put("")
            let zero = guest.word(0)
            let pid = guest.word(SyscallHarness.memorySize - 2)
            #expect(try guest.call("proc_spawn2", [name, nameLength, empty, emptyLength, empty, emptyLength, zero, zero,
                                                   zero, zero, .i32(0), empty, emptyLength, pid]) == .fault)
            #expect(guest.kernel.process(guest.process.pid + 1) == nil)
        }
        #expect(kernel == nil)
    }

    // MARK: - Errors as Linux gives them

    @Test("proc_signal and thread_signal to a pid or tid that does not exist are srch, as kill and tgkill are")
    func signalUnknownProcess() throws {
        let guest = try SyscallHarness(.wasix32)
        let sent = try guest.call("proc_signal", [.i32(4242), .i32(10)])
        let probed = try guest.call("proc_signal", [.i32(4242), .i32(0)])
        #expect(sent == .srch)
        #expect(probed == .srch)
        // Signal 0 probes; pid 0 (the caller's process group) is the caller.
        #expect(try guest.call("proc_signal", [.i32(0), .i32(0)]) == .success)
        #expect(try guest.call("thread_signal", [.i32(4242), .i32(10)]) == .srch)
    }

    @Test("fd_renumber onto a number beyond the descriptor limit is badf, as dup2 is on Linux")
    func renumberBeyondLimit() throws {
        let guest = try SyscallHarness(.wasix32) { $0.maxOpenFiles = 16 }
        let result = try guest.call("fd_renumber", [.i32(1), .i32(20)])
        #expect(result == .badf)
    }

    @Test("fd_allocate on a pipe is spipe, as posix_fallocate is on Linux")
    func allocatePipe() throws {
        let guest = try SyscallHarness(.wasix32)
        let (_, writer) = try guest.openPipe()
        let result = try guest.call("fd_allocate", [.i32(writer), .i64(0), .i64(10)])
        #expect(result == .spipe)
    }

    @Test("getcwd into too small a buffer is range, which wasix-libc passes on as Linux's ERANGE")
    func getcwdTooSmall() throws {
        let guest = try SyscallHarness(.wasix32)
        let buffer = try guest.allocate(8), length = try guest.allocate(4)
        try guest.storeWord(1, at: length)
        let result = try guest.call("getcwd", [guest.word(buffer), guest.word(length)])
        // wasix-libc's getcwd retries getcwd(NULL, 0) with an allocated buffer only after ERANGE (as wasmer answers).
        #expect(result == .range)
    }

    @Test("path_unlink_file of dir/ is isdir, as unlink is on Linux")
    func unlinkDirectoryWithSlash() throws {
        let guest = try SyscallHarness(.wasix32)
        try guest.createFile("d/file.txt")
        let (path, length) = try guest.put("d/")
        let result = try guest.call("path_unlink_file", [.i32(3), path, length])
        #expect(result == .isdir)
        #expect(FileManager.default.fileExists(atPath: guest.sandbox.appendingPathComponent("d/file.txt").path))
    }
}

// MARK: - Helpers

/// An `fdstat` as `fd_fdstat_get` writes it.
struct FDStat {
    var filetype: UInt8
    var rightsBase: UInt64

    /// What wasi-libc's `isatty` answers: a character device without the seek and tell rights.
    var isTerminal: Bool {
        filetype == Filetype.characterDevice.rawValue && rightsBase & (Rights.fdSeek | Rights.fdTell) == 0
    }
}

/// A `dirent` as `fd_readdir` writes it.
struct DirectoryEntryRecord {
    var next: UInt64
    var name: String
    var type: UInt8
}

extension SyscallHarness {
    /// `fd_pipe`'s two descriptors.
    func openPipe() throws -> (UInt32, UInt32) {
        let ends = try allocate(8)
        guard try call("fd_pipe", [word(ends), word(ends + 4)]) == .success else {
            throw CallError(description: "fd_pipe failed")
        }
        return (try load(ends, as: UInt32.self), try load(ends + 4, as: UInt32.self))
    }

    /// Calls `path_open` on `path` from descriptor 3, storing the descriptor at `result`.
    func callOpen(_ path: String, oflags: UInt16 = 0, rights: UInt64, result: UInt32) throws -> Errno {
        let (address, length) = try put(path)
        return try call("path_open", [.i32(3), .i32(0), address, length, .i32(UInt32(oflags)), .i64(rights), .i64(0),
                                      .i32(0), word(result)])
    }

    /// `path_open` from descriptor 3, which must succeed.
    func openFile(_ path: String, oflags: UInt16 = 0, rights: UInt64) throws -> UInt32 {
        let result = try allocate(4)
        let errno = try callOpen(path, oflags: oflags, rights: rights, result: result)
        guard errno == .success else { throw CallError(description: "path_open \(path): \(errno)") }
        return try load(result, as: UInt32.self)
    }

    /// `fd_write` of `text` to `fd`.
    @discardableResult
    func writeText(_ text: String, to fd: UInt32) throws -> Errno {
        let iovecs = try putIOVecs(of: [text])
        return try call("fd_write", [.i32(fd), word(iovecs), word(1), word(try allocate(8))])
    }

    /// `fd_read` of up to `count` bytes from `fd`, which must succeed.
    func readText(_ fd: UInt32, count: UInt32) throws -> String {
        let buffer = try allocate(Int(count)), total = try allocate(8)
        let errno = try call("fd_read", [.i32(fd), word(try putIOVecs([(buffer, count)])), word(1), word(total)])
        guard errno == .success else { throw CallError(description: "fd_read \(fd): \(errno)") }
        return String(decoding: try bytes(at: buffer, count: Int(try loadWord(at: total))), as: UTF8.self)
    }

    /// What one host `read` gets from the host descriptor behind `fd`, without waiting.
    func hostRead(_ fd: UInt32) throws -> String {
        let hostFD = try process.descriptors.get(fd).file.hostFD
        var poller = pollfd(fd: hostFD, events: Int16(POLLIN), revents: 0)
        guard poll(&poller, 1, 0) == 1 else { return "" }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = buffer.withUnsafeMutableBytes { read(hostFD, $0.baseAddress, $0.count) }
        return String(decoding: buffer.prefix(max(count, 0)), as: UTF8.self)
    }

    /// `fd_fdstat_get` of `fd`, which must succeed.
    func fdstat(_ fd: UInt32) throws -> FDStat {
        let stat = try allocate(24)
        let errno = try call("fd_fdstat_get", [.i32(fd), word(stat)])
        guard errno == .success else { throw CallError(description: "fd_fdstat_get \(fd): \(errno)") }
        return FDStat(filetype: try load(stat, as: UInt8.self), rightsBase: try load(stat + 8, as: UInt64.self))
    }

    /// The entries `fd_readdir` of `fd` gives from `cookie` on, in a buffer large enough for all.
    func readDirectory(_ fd: UInt32, cookie: UInt64 = 0) throws -> [DirectoryEntryRecord] {
        let buffer = try allocate(1024), used = try allocate(8)
        let errno = try call("fd_readdir", [.i32(fd), word(buffer), word(1024), .i64(cookie), word(used)])
        guard errno == .success else { throw CallError(description: "fd_readdir \(fd): \(errno)") }
        var entries: [DirectoryEntryRecord] = []
        var offset = buffer
        let end = buffer &+ UInt32(clamping: try loadWord(at: used))
        while offset < end {
            let length = try load(offset + 16, as: UInt32.self)
            guard length < 1024 else { throw CallError(description: "fd_readdir: a name of \(length) bytes") }
            entries.append(DirectoryEntryRecord(
                next: try load(offset, as: UInt64.self),
                name: String(decoding: try bytes(at: offset + 24, count: Int(length)), as: UTF8.self),
                type: try load(offset + 20, as: UInt8.self)))
            offset += 24 + length
        }
        return entries
    }
}
