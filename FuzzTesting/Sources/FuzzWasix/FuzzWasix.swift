import Foundation
import FuzzSupport
import Wasix

/// libFuzzer entry: turns the input into a WASI or WASIX program that calls a sequence of syscalls with
/// arguments from the input (`ProgramBuilder`) and runs it with `WasiProgram.run` against a throw-away directory,
/// under fuel, a timeout and small process, thread and descriptor limits, with no network. Any outcome of the
/// guest is fine; after each run the harness crashes (for libFuzzer to record the input) if anything outside the
/// sandbox was created, changed or removed, or a host descriptor was leaked or closed.
func fuzzWasix(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    harness.run(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}

let harness = Harness()

/// The sandbox and its surroundings, made once per fuzzing process:
///
///     /tmp/fuzzwasix-XXXXXX/    parent; nothing in it may change but in `sandbox/`, `tmp/` and `stdout`
///         canary                a file the guest must not reach
///         sibling/file          a directory next to the sandbox
///         commands/prog.wasm    the `prog` of the command table (read only)
///         stdout                the guest's stdout and stderr, emptied before each run
///         tmp/                  TMPDIR: the runtime's private root and /tmp, which each run must remove
///         sandbox/              the directory the guest gets, emptied and seeded again before each run
///
/// The seed: a file `a`, a directory `d` with a file `f`, `prog.wasm` (a command), and symlinks `out` →
/// `../sibling`, `up` → `../../..`, `abs` → the canary's host path, `loop` → itself and `dlink` → `d`.
final class Harness: @unchecked Sendable {
    let parent: String
    var sandbox: String { parent + "/sandbox" }
    var temporary: String { parent + "/tmp" }
    /// What the string arguments are drawn from: plausible paths, escapes, devices, program and export names.
    let strings: [String]
    /// Host descriptors open before the run; it must leave exactly these.
    private var descriptors: [Int32: String] = [:]
    /// Whether `FUZZWASIX_TRACE` is set: syscalls are traced to stderr (for reproducing an artifact).
    private let traces = ProcessInfo.processInfo.environment["FUZZWASIX_TRACE"] != nil

    init() {
        var template = Array("/tmp/fuzzwasix-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { fatalError("mkdtemp: \(String(cString: strerror(errno)))") }
        parent = String(cString: made)
        for directory in ["sibling", "commands", "tmp", "sandbox"] { mkdir(parent + "/" + directory, 0o755) }
        Self.write("canary\n", to: parent + "/canary")
        Self.write("sibling\n", to: parent + "/sibling/file")
        Self.write(commandModule(), to: parent + "/commands/prog.wasm")
        Self.write("", to: parent + "/stdout")
        // Before Foundation first asks for it: the runtime makes its private directories under TMPDIR.
        setenv("TMPDIR", parent + "/tmp", 1)
        strings = [
            ".", "..", "/", "a", "a/b", "d", "d/f", "d/", "d/..", "x", "x/y", "../x", "../../..", "a/../..",
            "../canary", "../sibling/file", "out", "out/file", "up", "up/canary", "abs", "loop", "dlink", "dlink/f",
            "/tmp", "/tmp/x", "/dev", "/dev/null", "/dev/zero", "/dev/full", "/dev/stdout", "/dev/tty", "/dev/sda",
            "/work", "/work/a", "/mnt", "/mnt/f", "/..", "/../..", "//a//b/", "a\u{0}b", "",
            "prog.wasm", "/prog.wasm", "/work/prog.wasm", "prog", "/bin/prog", "prog\nx\ny", "PATH=/work",
            "on_signal", "missing", "_start",
            parent + "/canary", parent + "/sibling", parent,
            String(repeating: "a/", count: 100), String(repeating: "z", count: 300),
        ]
        checkTable()
        // Dispatch opens its timer's descriptors (timerfd, epoll, eventfd) the first time a run needs them and
        // keeps them: open them now, so that they are not taken for the leak of a run.
        let fired = DispatchSemaphore(value: 0)
        DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(1)) { fired.signal() }
        fired.wait()
    }

    // MARK: A run

    /// Builds the program of `bytes`, runs it in a fresh sandbox and checks the invariants.
    func run(_ bytes: [UInt8]) {
        var builder = ProgramBuilder(bytes, strings: strings)
        let binary = builder.build()
        let module: ValidatedModule
        do {
            module = try ModuleValidator.load(binary)
        } catch {
            fatalError("harness bug: the generated module does not validate: \(error)")
        }
        reset()
        let outside = snapshot()
        // Taken before each run: libFuzzer opens some of its own between runs (pipes to the symbolizer).
        descriptors = openDescriptors()
        let threads = threadCount()
        // Stdio: a pipe at its end for stdin, a file (which may be seeked, truncated or touched) for the others.
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else { fatalError("pipe: \(String(cString: strerror(errno)))") }
        close(ends[1])
        let output = open(parent + "/stdout", O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        var configuration = self.configuration(builder.abi, layout: builder.layout)
        (configuration.stdin, configuration.stdout, configuration.stderr) = (ends[0], output, output)
        var limits = Store.ResourceLimits()
        limits.fuel = 100_000
        limits.timeout = .milliseconds(100)
        limits.callDepth = 1_000
        limits.stackSlots = 1 << 16
        limits.memoryPages = 16
        do {
            _ = try WasiProgram.run(module, configuration: configuration, store: Store(limits: limits))
        } catch {
            fatalError("the program did not start: \(error)")
        }
        close(ends[0])
        close(output)
        settle(threads: threads)
        checkDescriptors()
        let after = snapshot()
        if after != outside {
            let changed = Set(outside.keys).union(after.keys).filter { outside[$0] != after[$0] }.sorted()
            fatalError("changed outside the sandbox: " + changed.map {
                "\($0): \(outside[$0] ?? "absent") -> \(after[$0] ?? "absent")"
            }.joined(separator: "; "))
        }
        let left = (try? FileManager.default.contentsOfDirectory(atPath: temporary)) ?? []
        if !left.isEmpty { fatalError("the run left \(left) in TMPDIR") }
    }

    /// What the program sees: the sandbox mapped or preopened in one of three layouts (at the root, under
    /// `/work` beside the runtime's own root and `/tmp`, or with `d` mounted again), the command `prog`, small
    /// limits and no network.
    private func configuration(_ abi: ABI, layout: Int) -> WasixConfiguration {
        typealias Preopen = WasixConfiguration.Preopen
        let preopens: [Preopen] = switch (abi.isWasix, layout) {
        case (true, 0): [Preopen(guestPath: "/", hostPath: sandbox)]
        case (true, 1): [Preopen(guestPath: "/work", hostPath: sandbox)]
        case (true, _): [Preopen(guestPath: "/", hostPath: sandbox), Preopen(guestPath: "/mnt", hostPath: sandbox + "/d")]
        case (false, 0): [Preopen(guestPath: ".", hostPath: sandbox)]
        case (false, 1): [Preopen(guestPath: "/work", hostPath: sandbox)]
        case (false, _): [Preopen(guestPath: ".", hostPath: sandbox), Preopen(guestPath: "d", hostPath: sandbox + "/d")]
        }
        var configuration = WasixConfiguration(arguments: ["fuzz", "x"], environment: ["PATH=/:/work", "A=b"],
                                               preopens: preopens)
        configuration.workingDirectory = ["/", "/work", "/d"][layout]
        configuration.commands = ["prog": parent + "/commands/prog.wasm"]
        configuration.maxProcesses = 8
        configuration.maxThreads = 4
        configuration.maxOpenFiles = 64
        configuration.network = NetworkAccess()
        if traces { configuration.trace = TraceOptions(output: 2) }
        return configuration
    }

    // MARK: The sandbox

    /// Empties the sandbox (without following any symlink in it) and seeds it again.
    private func reset() {
        let root = open(sandbox, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard root >= 0 else { fatalError("the sandbox is gone: \(String(cString: strerror(errno)))") }
        empty(root)
        close(root)
        Self.write("hello\n", to: sandbox + "/a")
        mkdir(sandbox + "/d", 0o755)
        Self.write("in d\n", to: sandbox + "/d/f")
        Self.write(commandModule(), to: sandbox + "/prog.wasm")
        for (name, target) in [("out", "../sibling"), ("up", "../../.."), ("abs", parent + "/canary"), ("loop", "loop"),
                               ("dlink", "d")] {
            symlink(target, sandbox + "/" + name)
        }
    }

    /// Removes the parent directory and all in it (when the fuzzer exits; after a crash it stays, to look at).
    func remove() {
        let fd = open(parent, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { return }
        empty(fd)
        close(fd)
        rmdir(parent)
    }

    /// Removes everything in the directory `fd`, descending only into real directories.
    private func empty(_ fd: Int32) {
        guard let directory = fdopendir(dup(fd)) else { return }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
            if name != "." && name != ".." { names.append(name) }
        }
        for name in names where unlinkat(fd, name, 0) != 0 {
            // A directory: make it writable and searchable, empty it, remove it.
            let child = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            guard child >= 0 else { continue }
            fchmod(child, 0o755)
            empty(child)
            close(child)
            unlinkat(fd, name, AT_REMOVEDIR)
        }
    }

    // MARK: Invariants

    /// Everything under `parent` but what is in `sandbox/`, `tmp/` and `stdout`, the host devices the guest's
    /// `/dev` shows, and the host's working directory itself (where a stray relative path would land): path to
    /// type, inode, mode, links, size, times (not access) and a file's bytes or a link's target.
    private func snapshot() -> [String: String] {
        var entries: [String: String] = [:]
        func visit(_ path: String, descend: Bool) {
            var info = stat()
            guard lstat(path, &info) == 0 else { return }
            var line = "mode \(String(info.st_mode, radix: 8)) ino \(info.st_ino) uid \(info.st_uid)"
            // The sandbox, TMPDIR and the guest's stdout stay what they are; what is in them may change.
            defer { entries[path] = line }
            guard ![sandbox, temporary, parent + "/stdout"].contains(path) else { return }
            line += " nlink \(info.st_nlink) size \(info.st_size) mtime \(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)"
            line += " ctime \(info.st_ctim.tv_sec).\(info.st_ctim.tv_nsec)"
            switch info.st_mode & S_IFMT {
            case S_IFREG:
                line += " bytes \(FileManager.default.contents(atPath: path).map { Array($0) } ?? [])"
            case S_IFLNK:
                line += " target " + ((try? FileManager.default.destinationOfSymbolicLink(atPath: path)) ?? "?")
            case S_IFDIR where descend:
                for name in (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [] {
                    visit(path + "/" + name, descend: true)
                }
            default:
                break
            }
        }
        visit(parent, descend: true)
        for device in ["", "/null", "/zero", "/full", "/random", "/urandom"] { visit("/dev" + device, descend: false) }
        visit(FileManager.default.currentDirectoryPath, descend: false)
        return entries
    }

    /// The host descriptors open now, with what each is.
    private func openDescriptors() -> [Int32: String] {
        var open: [Int32: String] = [:]
        for name in (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? [] {
            guard let fd = Int32(name) else { continue }
            open[fd] = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/" + name)) ?? "?"
        }
        // The listing's own descriptor, closed again by now; and the host page table, which the runtime opens
        // once for the life of the host process (PageMap.swift), when a fork first copies a memory.
        return open.filter { fcntl($0.key, F_GETFD) >= 0 && !$0.value.hasSuffix("/pagemap") }
    }

    /// The host threads of the fuzzing process.
    private func threadCount() -> Int {
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task").count) ?? 0
    }

    /// Waits (up to two seconds) until no more threads run than before the run: the run returns once its first
    /// process has ended, while the threads of the others may still be ending (they are killed at their next
    /// syscall or safepoint), holding descriptors and memory.
    private func settle(threads: Int) {
        let deadline = Date(timeIntervalSinceNow: 2)
        while threadCount() > threads, Date() < deadline { usleep(1_000) }
    }

    /// Crashes unless the descriptors open are those of before the run (after two seconds more for them to be
    /// closed, should the threads of the other processes not have ended yet).
    private func checkDescriptors() {
        let deadline = Date(timeIntervalSinceNow: 2)
        var now = openDescriptors()
        while now != descriptors, Date() < deadline {
            usleep(10_000)
            now = openDescriptors()
        }
        guard now != descriptors else { return }
        let leaked = now.filter { descriptors[$0.key] != $0.value }.sorted { $0.key < $1.key }
        let lost = descriptors.filter { now[$0.key] != $0.value }.sorted { $0.key < $1.key }
        fatalError("host descriptors changed: leaked \(leaked), closed \(lost)")
    }

    /// Links a module importing every row of `Row`'s table in each ABI, so that a table that no longer matches
    /// the product's fails at start rather than making every input a link error.
    private func checkTable() {
        for abi in ABI.allCases {
            for variant in 0..<2 {
                let module = try! ModuleValidator.load(ProgramBuilder.linkCheck(abi, variant: variant))
                let configuration = self.configuration(abi, layout: 0)
                do {
                    _ = try WasiProgram.run(module, configuration: configuration)
                } catch {
                    fatalError("the syscall table of FuzzWasix does not match the product's (\(abi)): \(error)")
                }
            }
        }
    }

    private static func write(_ text: String, to path: String) { write(Array(text.utf8), to: path) }

    private static func write(_ bytes: [UInt8], to path: String) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard fd >= 0 else { fatalError("cannot write \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        guard bytes.withUnsafeBytes({ Glibc.write(fd, $0.baseAddress, $0.count) }) == bytes.count else {
            fatalError("cannot write \(path)")
        }
    }
}

@main
enum Main {
    static func main() {
        _ = harness
        atexit { harness.remove() }
        runFuzzer { data, size in data.map { fuzzWasix($0, size) } ?? 0 }
    }
}
