#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing

@Suite("Command line")
struct CommandLineTests {
    static let fixtures = Runner.packageRoot.appendingPathComponent("Fixtures")

    @Test("--version and --help print and succeed")
    func versionAndHelp() throws {
        let version = try Runner.run(["--version"])
        #expect(version.status == 0 && version.stdout.hasPrefix("wasix-run "))
        let help = try Runner.run(["--help"])
        #expect(help.status == 0 && help.stdout.contains("--mapdir"))
    }

    @Test("--invoke calls an export with converted arguments and prints the results")
    func invoke() throws {
        let result = try Runner.run(["--invoke", "fib", Self.fixtures.appendingPathComponent("interpreter/fib.wasm").path, "20"])
        #expect(result.status == 0)
        #expect(result.stdout == "6765\n")
    }

    @Test("a trap prints the message and a backtrace, and exits with 134")
    func trap() throws {
        let result = try Runner.run(["--invoke", "outer", Self.fixtures.appendingPathComponent("interpreter/trap.wasm").path])
        #expect(result.status == 134)
        #expect(result.stderr == "error: integer divide by zero\n  0: divide\n  1: middle\n  2: outer\n")
    }

    @Test("a malformed module is one line naming the file and the offset, exit 1")
    func malformed() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("malformed-\(UUID()).wasm")
        try Data([0, 0x61, 0x73, 0x6D, 1, 0, 0, 0, 0x01, 0x05, 0x01]).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let result = try Runner.run([file.path])
        #expect(result.status == 1)
        #expect(result.stderr == "error: \(file.path): length out of bounds at offset 10\n")
    }

    @Test("a module beyond an implementation limit is one line naming the limit, exit 1, and the host stays up")
    func beyondLimit() throws {
        // The 42-byte module of 2^32-1 locals, which used to abort wasix-run.
        let file = Self.fixtures.appendingPathComponent("regression/limits/locals.wasm").path
        let result = try Runner.run([file])
        #expect(result.status == 1)
        #expect(result.stderr
            == "error: \(file): too many locals: 4294967295 > 50000 (implementation limit locals) at offset 35\n")
    }

    @Test("a missing import is named, exit 1")
    func missingImport() throws {
        let file = Self.fixtures.appendingPathComponent("interpreter/add.wasm").path
        let result = try Runner.run([file])
        #expect(result.status == 1)
        #expect(result.stderr == "error: \(file): unknown import: env.report\n")
    }

    @Test("--trap-unknown-imports (wasmtime's -W unknown-imports-trap) links the import to a function that traps")
    func trapUnknownImports() throws {
        let file = Self.fixtures.appendingPathComponent("interpreter/add.wasm").path
        for spelling in [["--trap-unknown-imports"], ["-W", "unknown-imports-trap=y"]] {
            let result = try Runner.run(spelling + ["--invoke", "add", file, "2", "3"])
            #expect(result.status == 134)
            #expect(result.stderr.hasPrefix("error: unknown import env.report was called\n"), "\(result.stderr)")
        }
    }

    @Test("a WASIX program's call through a cast function pointer runs (as on Linux); --strict-indirect-calls traps")
    func functionPointerCasts() throws {
        let fixture = Self.fixtures.appendingPathComponent("wasix/fnptr-casts/main.wasm").path
        let sandbox = FileManager.default.temporaryDirectory.appendingPathComponent("fnptr-casts-\(getpid())")
        try FileManager.default.createDirectory(at: sandbox, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: sandbox) }
        let lenient = try Runner.run(["--dir", sandbox.path + "::/sb", fixture, "/sb"])
        #expect(lenient.status == 3)
        #expect(lenient.stdout.contains("7 calls; the one that returns gave 42\n"), "\(lenient.stdout)")
        let strict = try Runner.run(["--strict-indirect-calls", "--dir", sandbox.path + "::/sb", fixture, "/sb"])
        #expect(strict.status == 139)  // SIGSEGV, as a trap of a WASIX process reads
        #expect(strict.stderr.hasPrefix("error: indirect call type mismatch\n"), "\(strict.stderr)")
    }

    @Test("--trace=PATTERNS shows the shell's pipes, forks, dups, execs and joins decoded, and nothing else")
    func tracePipeline() throws {
        let shell = Self.fixtures.appendingPathComponent("wasix/shell")
        let result = try Runner.run([
            "--trace=proc_*,fd_pipe,fd_dup,fd_renumber", "--mapdir", "/bin::" + Self.fixtures.appendingPathComponent("wasix/programs").path,
            "--mapdir", "/sandbox::" + shell.appendingPathComponent("sandbox").path,
            shell.appendingPathComponent("main.wasm").path, "/sandbox", "script.sh"])
        #expect(result.status == 5)  // the script's `exit 5`
        let lines = result.stderr.split(separator: "\n").map(String.init)
        #expect(!lines.isEmpty && lines.allSatisfy { $0.hasPrefix("[pid ") })
        for expected in [#"fd_pipe\(\[\d+\], \[\d+\]\) = 0"#, #"proc_fork\(1, \[\d+\]\) = 0"#,
                         #"fd_dup\(\d+, \[\d+\]\) = 0"#, #"fd_renumber\(\d+, 1\) = 0"#,
                         #"proc_exec3\("upper", "upper\\n", "", 1, "/bin:/usr/bin"\) = \?"#,
                         #"proc_join\(\[pid \d+\], 0, \[exited 0\]\) = 0"#] {
            let pattern = try Regex(expected)
            #expect(lines.contains { $0.contains(pattern) }, "\(expected)")
        }
        #expect(!lines.contains { $0.contains("fd_write") })
    }

    @Test("--trace decodes poll_oneoff's subscriptions")
    func tracePoll() throws {
        let sandbox = FileManager.default.temporaryDirectory.appendingPathComponent("trace-\(UUID())")
        try FileManager.default.createDirectory(at: sandbox, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: sandbox) }
        let result = try Runner.run(["--trace=poll_oneoff", "--mapdir", "/s::" + sandbox.path,
                                     Self.fixtures.appendingPathComponent("wasix/pipes/main.wasm").path, "/s"])
        #expect(result.status == 0)
        // The fixture's `poll(&watched, 1, 1000)` on a pipe's read end.
        #expect(try result.stderr.contains(Regex(#"poll_oneoff\(\[fd \d+ read, clock REALTIME 1000000000ns\], "#)),
                "\(result.stderr)")
    }

    @Test("--command NAME=FILE puts NAME in a generated /bin, where a PATH search finds it and exec runs FILE")
    func commandsInBin() throws {
        let programs = Self.fixtures.appendingPathComponent("wasix/programs")
        let command = ["--command", "greet=" + programs.appendingPathComponent("echo.wasm").path]
        // `where` opens the file its argument names: /bin/greet is there (empty), /bin/other is not.
        let found = try Runner.run(command + [programs.appendingPathComponent("where.wasm").path, "/bin/greet"])
        #expect(found.status == 0 && found.stdout.hasPrefix("where: cwd ends in /, /bin/greet: "), "\(found.stdout)")
        let missing = try Runner.run(command + [programs.appendingPathComponent("where.wasm").path, "/bin/other"])
        #expect(missing.status == 1)
        // With /bin generated, execv("/bin/greet") runs the command, not the empty file.
        let table = Self.fixtures.appendingPathComponent("wasix/command-table")
        let run = try Runner.run(command + [table.appendingPathComponent("main.wasm").path])
        #expect(run.status == 0)
        #expect(run.stdout == (try String(contentsOf: table.appendingPathComponent("expected.stdout"), encoding: .utf8)))
    }

    @Test("--fuel and --timeout stop an endless loop with a trap")
    func limits() throws {
        let file = Self.fixtures.appendingPathComponent("interpreter/limits.wasm").path
        let fuel = try Runner.run(["--fuel", "1000", "--invoke", "spin", file])
        #expect(fuel.status == 134)
        #expect(fuel.stderr.hasPrefix("error: fuel exhausted\n"))
        let timeout = try Runner.run(["--timeout", "0.2", "--invoke", "spin", file])
        #expect(timeout.status == 134)
        #expect(timeout.stderr.hasPrefix("error: execution timed out\n"))
    }

    @Test("--max-memory-pages and --max-table-elements make growth beyond them fail")
    func growthLimits() throws {
        let file = Self.fixtures.appendingPathComponent("interpreter/limits.wasm").path
        #expect(try Runner.run(["--max-memory-pages", "4", "--invoke", "grow", file, "4"]).stdout == "-1\n")
        #expect(try Runner.run(["--max-memory-pages", "4", "--invoke", "grow", file, "3"]).stdout == "1\n")
        #expect(try Runner.run(["--max-table-elements", "4", "--invoke", "grow_table", file, "4"]).stdout == "-1\n")
        #expect(try Runner.run(["--max-table-elements", "4", "--invoke", "grow_table", file, "3"]).stdout == "1\n")
    }

    /// Command lines that must fail before anything runs: one line on stderr naming the option, exit 2.
    static let badCommandLines: [(words: [String], names: String)] = [
        (["--frobnicate", "show-run.wasm"], "--frobnicate"), (["--mapdir", "nonsense", "show-run.wasm"], "--mapdir"),
        (["--fork-mode", "sideways", "show-run.wasm"], "--fork-mode"), (["--command", "no-equals", "show-run.wasm"], "--command"),
        (["--fuel"], "--fuel"), (["--fuel", "lots", "show-run.wasm"], "--fuel"), (["-W", "fuel", "show-run.wasm"], "-W fuel"),
        (["-W", "colour=blue", "show-run.wasm"], "colour"), (["-S", "tcp=n", "show-run.wasm"], "-S tcp"), (["--max-memory", "lots", "show-run.wasm"], "--max-memory"), (["--net=yes", "show-run.wasm"], "--net"),
        (["--timeout", "-1", "show-run.wasm"], "--timeout"), (["--dir", "a::b::c", "show-run.wasm"], "--dir"),
        (["--volume", "nocolon", "show-run.wasm"], "--volume"), (["--env", "=x", "show-run.wasm"], "--env"),
    ]

    @Test("a bad command line is one line naming the option, exit 2, and nothing runs", arguments: badCommandLines.indices)
    func badCommandLine(index: Int) throws {
        let (words, names) = Self.badCommandLines[index]
        let program = Self.fixtures.appendingPathComponent("wasix/programs/show-run.wasm").path
        let result = try Runner.run(words.map { $0 == "show-run.wasm" ? program : $0 })
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.split(separator: "\n").count == 1)
        #expect(result.stderr.contains(names))
    }

    /// Spellings of one run in wasmtime's, wasmer's and our conventions: each group must give the same output.
    static let spellings: [(name: String, spellings: [[String]])] = [
        ("directories", [["--dir", "HOST::/data"], ["--dir=HOST::/data"], ["--mapdir", "/data:HOST"],
                         ["--mapdir", "/data::HOST"], ["--volume", "HOST:/data"], ["run", "--dir", "HOST::/data"]]),
        ("environment", [["--env", "GREETING=hello"], ["--env", "GREETING"], ["--forward-host-env"],
                         ["-S", "inherit-env"], ["-Sinherit-env=y"]]),
        ("argv0", [["--argv0", "prog"], ["--argv0=prog"]]),
    ]

    @Test("wasmtime's and wasmer's spellings of an option give the same run as ours", arguments: spellings.indices)
    func conventions(index: Int) throws {
        let host = FileManager.default.temporaryDirectory.appendingPathComponent("show-run-\(UUID())")
        try FileManager.default.createDirectory(at: host, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: host) }
        try "from the host\n".write(to: host.appendingPathComponent("file.txt"), atomically: true, encoding: .utf8)
        let program = Self.fixtures.appendingPathComponent("wasix/programs/show-run.wasm").path
        let outputs = try Self.spellings[index].spellings.map { spelling in
            let words = spelling.map { $0.replacingOccurrences(of: "HOST", with: host.path) }
            let result = try Runner.run(words + [program, "--", "--fuel"], environment: ["GREETING": "hello"])
            #expect(result.status == 0, "\(words): \(result.stderr)")
            return result.stdout
        }
        #expect(Set(outputs).count == 1, "\(outputs)")
        let expected = ["directories": "/data/file.txt: from the host", "environment": "GREETING = hello",
                        "argv0": "argv[0] = prog"][Self.spellings[index].name] ?? "?"
        #expect(outputs.first?.contains(expected) == true)
        // Everything after the module is the guest's, `--` and option-like words too.
        #expect(outputs.first?.contains("argv[1] = --\nargv[2] = --fuel") == true)
    }

    @Test("wasmtime's -W fuel= and -W timeout= are --fuel and --timeout")
    func wasmtimeLimits() throws {
        let file = Self.fixtures.appendingPathComponent("interpreter/limits.wasm").path
        for words in [["-W", "fuel=1000"], ["-Wfuel=1000"], ["--fuel=1000"]] {
            #expect(try Runner.run(words + ["--invoke", "spin", file]).stderr.contains("fuel exhausted"))
        }
        for words in [["-W", "timeout=200ms"], ["--timeout", "0.2"], ["--timeout=0.2s"]] {
            #expect(try Runner.run(words + ["--invoke", "spin", file]).stderr.contains("timed out"))
        }
        #expect(try Runner.run(["-W", "max-memory-size=262144", "--invoke", "grow", file, "4"]).stdout == "-1\n")
    }

    @Test("inspect --json describes a module: sections, exports with types, features, named functions")
    func inspectJSON() throws {
        let file = Self.fixtures.appendingPathComponent("interpreter/fib.wasm").path
        let result = try Runner.run(["inspect", "--json", file])
        #expect(result.status == 0)
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        let sections = (object?["sections"] as? [[String: Any]])?.compactMap { $0["name"] as? String } ?? []
        #expect(sections == ["type", "function", "export", "code", "custom \"name\""])
        let exports = object?["exports"] as? [[String: String]]
        #expect(exports == [["name": "fib", "kind": "func", "type": "[i32] -> [i32]"]])
        #expect(object?["features"] as? [String] == ["mvp"])
        let largest = (object?["largestFunctions"] as? [[String: Any]])?.first
        #expect(largest?["name"] as? String == "fib")
        // The sizes add up to the file: 8 bytes of header, then each section's id, size and content.
        let size = try FileManager.default.attributesOfItem(atPath: file)[.size] as? Int
        let sizes = (object?["sections"] as? [[String: Any]])?.compactMap { $0["size"] as? Int } ?? []
        let offsets = (object?["sections"] as? [[String: Any]])?.compactMap { $0["offset"] as? Int } ?? []
        #expect(offsets.last.map { $0 + (sizes.last ?? 0) } == size)
        // A module with atomics on a shared memory uses threads.
        let atomics = try Runner.run(["inspect", Self.fixtures.appendingPathComponent("interpreter/atomics.wasm").path])
        #expect(atomics.stdout.contains("features: mvp, threads"))
        #expect(try Runner.run(["inspect"]).status == 2)
    }

    @Test("--profile writes folded stacks of named functions and a table of the hottest")
    func profile() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("profile-\(UUID()).folded")
        defer { try? FileManager.default.removeItem(at: path) }
        let file = Self.fixtures.appendingPathComponent("interpreter/fib.wasm").path
        let result = try Runner.run(["--profile=\(path.path)", "--invoke", "fib", file, "27"])
        #expect(result.stdout == "196418\n")
        let folded = try String(contentsOf: path, encoding: .utf8)
        let lines = folded.split(separator: "\n")
        #expect(!lines.isEmpty)
        // Each line is a stack of fib frames, outermost first, and a count.
        for line in lines {
            let parts = line.split(separator: " ")
            #expect(parts.count == 2 && Int(parts[1]) != nil && parts[0].split(separator: ";").allSatisfy { $0 == "fib" })
        }
        #expect(result.stderr.contains("self%") && result.stderr.contains("100.0   fib"))
        // A FILE ending in .svg is a flame graph: a bar per frame, named.
        let svg = path.deletingPathExtension().appendingPathExtension("svg")
        defer { try? FileManager.default.removeItem(at: svg) }
        #expect(try Runner.run(["--profile=\(svg.path)", "--invoke", "fib", file, "25"]).status == 0)
        let picture = try String(contentsOf: svg, encoding: .utf8)
        #expect(picture.hasPrefix("<?xml") && picture.contains("<svg") && picture.contains("<title>fib ("))
    }

    @Test("--max-memory caps the memories of a whole process tree: fork is ENOMEM and memory.grow -1 beyond it")
    func memoryBudget() throws {
        let program = Self.fixtures.appendingPathComponent("wasix/programs/fork-until-refused.wasm").path
        // 8 MiB each: a 64 MiB budget holds the parent and a few children, never the 255 the process limit allows.
        let result = try Runner.run(["--stats", "--max-memory", "64M", program, "8"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("children, then ENOMEM"), "\(result.stdout)")
        let children = result.stdout.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? -1
        #expect((1...7).contains(children), "\(result.stdout)")
        let peak = result.stderr.split(separator: " ").compactMap { Int($0) }.first ?? Int.max
        #expect(peak <= 64 << 20 && peak > 8 << 20, "\(result.stderr)")
        // One memory growing into the budget.
        let limits = Self.fixtures.appendingPathComponent("interpreter/limits.wasm").path
        #expect(try Runner.run(["--max-memory", "256K", "--invoke", "grow", limits, "4"]).stdout == "-1\n")
        #expect(try Runner.run(["--max-memory", "256K", "--invoke", "grow", limits, "2"]).stdout == "1\n")
    }

    @Test("each command has its own --help")
    func help() throws {
        for (words, heading) in [(["run", "--help"], "[OPTIONS] FILE.wasm"), (["spec", "--help"], "spec test scripts"),
                                 (["validate", "-h"], "Decodes and validates"), (["inspect", "--help"], "--json"),
                                 (["--help"], "Commands")] {
            let result = try Runner.run(words)
            #expect(result.status == 0)
            #expect(result.stdout.contains(heading))
        }
        // Every option of the table is in the run help.
        let help = try Runner.run(["run", "--help"]).stdout
        for option in ["--dir", "--mapdir", "--volume", "--env", "--forward-host-env", "--argv0", "-S inherit-network",
                       "-W fuel", "--trace", "--max-open-files"] {
            #expect(help.contains(option), "\(option)")
        }
    }

    @Test("Ctrl-C is the guest's SIGINT: without a handler it ends with 130")
    func interrupt() throws {
        let process = Process()
        process.executableURL = Runner.executable
        process.arguments = [Self.fixtures.appendingPathComponent("wasix/programs/sleeper.wasm").path]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        // Wait until the guest runs, so the signal reaches it and not the starting host.
        _ = output.fileHandleForReading.availableData
        process.interrupt()
        process.waitUntilExit()
        #expect(process.terminationStatus == 130)
    }

    /// How the write-then program ends, the options that make it, and the status that says so.
    static let endings: [(mode: String, options: [String], status: Int32)] = [
        ("trap", [], 134), ("divide", [], 136), ("signal", [], 143), ("loop", ["--fuel", "100000"], 134), ("loop", ["--timeout", "0.5"], 134),
        ("loop", ["Ctrl-C"], 130), ("loop", ["SIGTERM"], 143),
    ]

    @Test("nothing written is lost however the guest ends", arguments: endings.indices)
    func nothingLost(ending: Int) throws {
        let (mode, options, status) = Self.endings[ending]
        let sandbox = FileManager.default.temporaryDirectory.appendingPathComponent("write-then-\(UUID())")
        try FileManager.default.createDirectory(at: sandbox, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: sandbox) }
        let process = Process()
        process.executableURL = Runner.executable
        let hostSignal = options.first { $0 == "Ctrl-C" || $0 == "SIGTERM" }
        process.arguments = options.filter { $0 != hostSignal } + ["--mapdir", "/sandbox::\(sandbox.path)",
            Self.fixtures.appendingPathComponent("wasix/programs/write-then.wasm").path, mode]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        _ = output.fileHandleForReading.availableData  // "ready": the write has returned
        // The guest loops without syscalls: the signal reaches it at a loop iteration.
        if hostSignal == "Ctrl-C" { process.interrupt() }
        if hostSignal == "SIGTERM" { process.terminate() }
        process.waitUntilExit()
        #expect(process.terminationStatus == status)
        let written = try String(contentsOf: sandbox.appendingPathComponent("out.txt"), encoding: .utf8)
        #expect(written == "written before the end\n")
    }

    @Test("a guest HTTP server answers a request over loopback")
    func httpServer() throws {
        let process = Process()
        process.executableURL = Runner.executable
        process.arguments = ["--net-allow", "127.0.0.1:*",
                             Self.fixtures.appendingPathComponent("wasix/programs/http-server.wasm").path, "0", "1"]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        defer { if process.isRunning { process.terminate() } }
        let line = String(decoding: output.fileHandleForReading.availableData, as: UTF8.self)
        let port = try #require(UInt16(line.split(separator: " ").last?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""))
        let response = try Self.get("/from/a/test", port: port)
        #expect(response.hasPrefix("HTTP/1.1 200 OK\r\n"))
        #expect(response.hasSuffix("\r\n\r\nhello from wasix-swift, you asked for /from/a/test\n"))
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
    }

    /// A GET over a plain socket: the response, up to the server closing the connection.
    static func get(_ path: String, port: UInt16) throws -> String {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        try #require(connected == 0)
        let request = Array("GET \(path) HTTP/1.1\r\nHost: localhost\r\n\r\n".utf8)
        _ = request.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
        var response: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count <= 0 { break }
            response += chunk[0..<count]
        }
        return String(decoding: response, as: UTF8.self)
    }

    @Test("asyncify fork mode refuses a binary without asyncify exports with ENOTSUP, cleanly")
    func asyncifyNeedsInstrumentation() throws {
        let plain = Self.fixtures.appendingPathComponent("wasix/wasix-calls/main.wasm").path
        let result = try Runner.run(["--fork-mode", "asyncify", plain])
        // fork() failing makes the fixture trap on purpose; the host reports it and exits as for any trap.
        #expect(result.status == 134)
        #expect(result.stdout == "root pid 1, parent 0\n")
        #expect(result.stderr.hasPrefix("error: unreachable"))
    }
}
