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

    @Test("a missing import is named, exit 1")
    func missingImport() throws {
        let file = Self.fixtures.appendingPathComponent("interpreter/add.wasm").path
        let result = try Runner.run([file])
        #expect(result.status == 1)
        #expect(result.stderr == "error: \(file): unknown import: env.report\n")
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

    @Test("bad options are usage errors, exit 2")
    func usage() throws {
        #expect(try Runner.run(["--mapdir", "nonsense", "x.wasm"]).status == 2)
        #expect(try Runner.run(["--frobnicate"]).status == 2)
        #expect(try Runner.run(["--fork-mode", "sideways", "x.wasm"]).status == 2)
        #expect(try Runner.run(["--command", "no-equals-sign", "x.wasm"]).status == 2)
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

    @Test("asyncify fork mode refuses a binary without asyncify exports with ENOTSUP, cleanly")
    func asyncifyNeedsInstrumentation() throws {
        let plain = Self.fixtures.appendingPathComponent("wasix/fork/main.wasm").path
        let result = try Runner.run(["--fork-mode", "asyncify", plain])
        // fork() failing makes the fixture trap on purpose; the host reports it and exits as for any trap.
        #expect(result.status == 134)
        #expect(result.stdout == "root pid 1, parent 0\n")
        #expect(result.stderr.hasPrefix("error: unreachable"))
    }
}
