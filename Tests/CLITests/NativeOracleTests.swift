#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing

/// The WASIX fixtures written in plain POSIX C (Fixtures/wasix/<name>/main.c without an expected.stdout) run as
/// their native build does: each is built with gcc, run natively, and run through `wasix-run` three ways (the
/// plain and the asyncified binary with native fork, the asyncified one with `--fork-mode asyncify`); stdout (a
/// pipe in both), the exit status and the sandbox's files afterwards must be the same. Linux is the oracle.
@Suite("WASIX fixtures against their native builds")
struct NativeOracleTests {
    static let wasix = Runner.packageRoot.appendingPathComponent("Fixtures/wasix")

    /// The fixtures with a native oracle: a C program and no expected output.
    static var names: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: wasix.path)) ?? []).sorted().filter {
            let directory = wasix.appendingPathComponent($0)
            return FileManager.default.fileExists(atPath: directory.appendingPathComponent("main.c").path)
                && !FileManager.default.fileExists(atPath: directory.appendingPathComponent("expected.stdout").path)
        }
    }

    /// An oracle fixture run one way under wasm: a binary of it and a fork mode.
    struct OracleRun: Sendable, CustomStringConvertible {
        var name: String
        var binary: String
        var mode: String
        var description: String { "\(name)/\(binary) --fork-mode \(mode)" }
    }

    static var runs: [OracleRun] {
        names.flatMap { name in
            [("main.wasm", "native"), ("main.asyncify.wasm", "native"), ("main.asyncify.wasm", "asyncify")]
                .map { OracleRun(name: name, binary: $0.0, mode: $0.1) }
        }
    }

    /// Runs where the runtime still differs from Linux, and why (issue 16). Each is checked as a known issue:
    /// the test fails when one of them starts to match, so that the entry goes.
    /// None today: every fixture matches Linux in every mode.
    static let knownDifferences: [String: String] = [:]

    @Test("a WASIX fixture prints, exits and leaves files as its native build does", arguments: runs)
    func matchesNativeBuild(run fixture: OracleRun) throws {
        if let cause = Self.knownDifferences[fixture.name] ?? Self.knownDifferences["\(fixture.name)/\(fixture.mode)"] {
            try withKnownIssue(Comment(rawValue: cause)) { try compare(fixture) }
        } else {
            try compare(fixture)
        }
    }

    private func compare(_ fixture: OracleRun) throws {
        let build = try NativeBuild.shared.get()
        let directory = Self.wasix.appendingPathComponent(fixture.name)
        let setup = Setup(directory)
        let expected = try Self.runNatively(fixture.name)

        let guest = try Sandbox(template: directory)
        defer { guest.remove() }
        var arguments = ["--fork-mode", fixture.mode, "--mapdir", "/bin::\(build.wasmPrograms.path)",
                         "--mapdir", "/sandbox::\(guest.sandbox.path)", "--env", "PATH=/bin"]
        for variable in setup.environment { arguments += ["--env", variable] }
        arguments += setup.flags
        arguments.append(directory.appendingPathComponent(fixture.binary).path)
        arguments += ["/sandbox"] + setup.arguments
        let result = try Runner.run(arguments, stdin: setup.stdin, directory: guest.root, timeout: 60)
        try Self.expectSame(result, in: guest, as: expected)
    }

    /// How a fixture's native build ran: what it printed and exited with, and the sandbox's files afterwards.
    struct NativeRun {
        var result: Runner.Result
        var files: [String: Data]
    }

    /// Runs fixture `name`'s native build in a sandbox of its own, with the fixture's arguments, environment,
    /// stdin and the limits Linux has too, and the programs' native builds on PATH.
    static func runNatively(_ name: String) throws -> NativeRun {
        let build = try NativeBuild.shared.get()
        let directory = wasix.appendingPathComponent(name)
        let setup = Setup(directory)
        let native = try Sandbox(template: directory)
        defer { native.remove() }
        var environment = ["PATH": build.programs.path]
        for line in setup.environment {
            let parts = line.split(separator: "=", maxSplits: 1).map(String.init)
            environment[parts[0]] = parts.count > 1 ? parts[1] : ""
        }
        // wasix-run's limits that Linux has too: --max-open-files is RLIMIT_NOFILE.
        var command = [build.launcher.path]
        if let index = setup.flags.firstIndex(of: "--max-open-files"), index + 1 < setup.flags.count {
            command += ["-n", setup.flags[index + 1]]
        }
        command += [build.binaries.appendingPathComponent(name).path, native.sandbox.path] + setup.arguments
        let result = try run(command, environment: environment, stdin: setup.stdin, directory: native.root)
        return NativeRun(result: result, files: try native.contents())
    }

    /// Expects a run under wasm (`result`, with `guest` as its sandbox) to have printed, exited and left files as
    /// the native run did, and to have changed nothing beside its sandbox.
    static func expectSame(_ result: Runner.Result, in guest: Sandbox, as native: NativeRun) throws {
        #expect(result.stdout == native.result.stdout, "native stdout differs; stderr: \(result.stderr)")
        #expect(result.status == native.result.status,
                "native status \(native.result.status); stderr: \(result.stderr)")
        let files = try guest.contents()
        let differing = Set(files.keys).union(native.files.keys).filter { files[$0] != native.files[$0] }.sorted()
        #expect(differing.isEmpty, "the sandboxes differ afterwards in \(differing)")
        // Nothing outside the sandbox changed.
        #expect(try String(contentsOf: guest.root.appendingPathComponent("secret.txt"), encoding: .utf8) == "secret\n")
        let beside = try FileManager.default.contentsOfDirectory(atPath: guest.root.path).sorted()
        #expect(beside == ["sandbox", "secret.txt"])
    }

    /// A fixture's `args`, `env` and `flags` (wasix-run options, `$PROGRAMS` standing for Fixtures/wasix/programs;
    /// the ones with a Linux equivalent apply natively too), one per line, and its `stdin`.
    struct Setup {
        var arguments: [String]
        var environment: [String]
        var flags: [String]
        var stdin: URL?

        init(_ directory: URL) {
            func lines(_ name: String) -> [String] {
                let text = (try? String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)) ?? ""
                return text.split(separator: "\n").map(String.init)
            }
            arguments = lines("args")
            environment = lines("env")
            let programs = NativeOracleTests.wasix.appendingPathComponent("programs").path
            flags = lines("flags").flatMap {
                $0.replacingOccurrences(of: "$PROGRAMS", with: programs).split(separator: " ").map(String.init)
            }
            let stdin = directory.appendingPathComponent("stdin")
            self.stdin = FileManager.default.fileExists(atPath: stdin.path) ? stdin : nil
        }
    }

    /// A temporary directory holding a copy of a fixture's `sandbox/` (or an empty one) and a `secret.txt` beside
    /// it that the guest must not reach.
    struct Sandbox {
        let root: URL
        var sandbox: URL { root.appendingPathComponent("sandbox") }

        init(template fixture: URL) throws {
            root = FileManager.default.temporaryDirectory.appendingPathComponent("wasix-oracle-\(UUID())")
            try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
            try "secret\n".write(to: root.appendingPathComponent("secret.txt"), atomically: true, encoding: .utf8)
            let template = fixture.appendingPathComponent("sandbox")
            if FileManager.default.fileExists(atPath: template.path) {
                try FileManager.default.copyItem(at: template, to: sandbox)
            } else {
                try FileManager.default.createDirectory(at: sandbox, withIntermediateDirectories: true)
            }
        }

        /// Every path under the sandbox with its contents (directories end in "/" and have none).
        func contents() throws -> [String: Data] {
            var result: [String: Data] = [:]
            let base = sandbox.resolvingSymlinksInPath().path
            guard let walker = FileManager.default.enumerator(atPath: base) else { return result }
            for case let path as String in walker {
                var isDirectory: ObjCBool = false
                FileManager.default.fileExists(atPath: base + "/" + path, isDirectory: &isDirectory)
                if isDirectory.boolValue { result[path + "/"] = Data() } else {
                    result[path] = FileManager.default.contents(atPath: base + "/" + path) ?? Data()
                }
            }
            return result
        }

        func remove() { try? FileManager.default.removeItem(at: root) }
    }

    /// The native builds, made once per test run with `gcc -O1 -w`: `binaries/<fixture>`, the programs that
    /// fixtures exec and spawn in `bin/` (natively on PATH), the wasm builds of the same programs under the same
    /// names, without `.wasm`, in `wasm-bin/bin/` (the guest's /bin, so that an absolute path like PATH's
    /// directory plus "echo" names the same program both ways), and `launch`, which starts a native fixture as
    /// wasix-run starts a guest.
    struct NativeBuild: Sendable {
        let binaries: URL
        let programs: URL
        let wasmPrograms: URL
        let launcher: URL

        /// `launch [-n FILES] PROGRAM ARGS...`: runs PROGRAM in a process group of its own (so that what it
        /// leaves running can be stopped with it), with no signal blocked or ignored and no descriptor but stdio
        /// open (a test process has both), and with RLIMIT_NOFILE at FILES if given.
        static let launcherSource = """
            #define _GNU_SOURCE
            #include <signal.h>
            #include <stdlib.h>
            #include <string.h>
            #include <sys/resource.h>
            #include <unistd.h>

            int main(int argc, char **argv) {
                int first = 1;
                if (argc > 3 && strcmp(argv[1], "-n") == 0) {
                    struct rlimit limit = {atoi(argv[2]), atoi(argv[2])};
                    if (setrlimit(RLIMIT_NOFILE, &limit) != 0) return 125;
                    first = 3;
                }
                if (first >= argc) return 125;
                setpgid(0, 0);
                sigset_t none;
                sigemptyset(&none);
                sigprocmask(SIG_SETMASK, &none, NULL);
                for (int signal_number = 1; signal_number < NSIG; signal_number++) signal(signal_number, SIG_DFL);
                closefrom(3);
                execv(argv[first], argv + first);
                return 127;
            }
            """

        static let shared = Result { () throws(BuildError) -> NativeBuild in try make() }

        struct BuildError: Error, CustomStringConvertible {
            var description: String
        }

        static func make() throws(BuildError) -> NativeBuild {
            let root = FileManager.default.temporaryDirectory.appendingPathComponent("wasix-oracle-build-\(getpid())")
            let build = NativeBuild(binaries: root.appendingPathComponent("binaries"),
                                    programs: root.appendingPathComponent("bin"),
                                    wasmPrograms: root.appendingPathComponent("wasm-bin/bin"),
                                    launcher: root.appendingPathComponent("launch"))
            do {
                try? FileManager.default.removeItem(at: root)
                for directory in [build.binaries, build.programs, build.wasmPrograms] {
                    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
                }
                let launcher = root.appendingPathComponent("launch.c")
                try launcherSource.write(to: launcher, atomically: true, encoding: .utf8)
                try compile(launcher, to: build.launcher)
                let programs = NativeOracleTests.wasix.appendingPathComponent("programs")
                for file in try FileManager.default.contentsOfDirectory(atPath: programs.path).sorted()
                where file.hasSuffix(".c") {
                    let source = programs.appendingPathComponent(file)
                    // Programs on the WASIX imports (the CLI tests' sleeper, HTTP server...) have no native build.
                    guard try !String(contentsOf: source, encoding: .utf8).contains("\"../wasix.h\"") else { continue }
                    let name = String(file.dropLast(2))
                    try compile(source, to: build.programs.appendingPathComponent(name))
                    try FileManager.default.copyItem(at: programs.appendingPathComponent(name + ".wasm"),
                                                     to: build.wasmPrograms.appendingPathComponent(name))
                }
                for name in NativeOracleTests.names {
                    try compile(NativeOracleTests.wasix.appendingPathComponent("\(name)/main.c"),
                                to: build.binaries.appendingPathComponent(name))
                }
            } catch let error as BuildError {
                throw error
            } catch {
                throw BuildError(description: "\(error)")
            }
            return build
        }

        static func compile(_ source: URL, to binary: URL) throws {
            let result = try NativeOracleTests.run(["/usr/bin/env", "gcc", "-O1", "-w", "-o", binary.path, source.path],
                                                   environment: ProcessInfo.processInfo.environment)
            guard result.status == 0 else {
                throw BuildError(description: "gcc \(source.lastPathComponent): \(result.stderr)")
            }
        }
    }

    /// Runs `command` (its first word a path) with exactly `environment`, stdout and stderr on pipes, and stdin
    /// from `stdin` or /dev/null. Once it has exited (or after `timeout` seconds), what is left of its process
    /// group is killed, as wasix-run stops the other processes when the first one ends. The status is the exit
    /// code, or 128 plus the signal that ended it (what wasix-run exits with for a guest ended by a signal).
    static func run(_ command: [String], environment: [String: String], stdin: URL? = nil, directory: URL? = nil,
                    timeout: Double = 60) throws -> Runner.Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: command[0])
        process.arguments = Array(command.dropFirst())
        process.environment = environment
        if let directory { process.currentDirectoryURL = directory }
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = try stdin.map { try FileHandle(forReadingFrom: $0) } ?? FileHandle.nullDevice
        try process.run()
        let group = process.processIdentifier
        let watchdog = DispatchWorkItem { kill(-group, SIGKILL); kill(group, SIGKILL) }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: watchdog)
        defer { watchdog.cancel() }
        let reads = DispatchGroup()
        nonisolated(unsafe) var out = Data(), err = Data()
        DispatchQueue.global().async(group: reads) { out = output.fileHandleForReading.readDataToEndOfFile() }
        DispatchQueue.global().async(group: reads) { err = errors.fileHandleForReading.readDataToEndOfFile() }
        process.waitUntilExit()
        if command[0].hasSuffix("/launch") { kill(-group, SIGKILL) }
        reads.wait()
        let status = process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus
            : process.terminationStatus
        return Runner.Result(status: status, stdout: String(decoding: out, as: UTF8.self),
                             stderr: String(decoding: err, as: UTF8.self))
    }
}
