import Foundation
import Testing

/// The oracle fixtures (NativeOracleTests) run under wasmer as well: each fixture's asyncified binary (the build
/// wasmer can fork) runs through Scripts/wasmer-run.py (PyPI `wasmer-sdk`) with the same arguments, environment,
/// stdin and programs, its sandbox copied into wasmer's /workspace and back, and must print, exit and leave files
/// as its native build does. This holds the fixtures and posix.h to a second WASIX implementation: a difference
/// is either wasmer's own (then the fixture is a known issue here, with the cause, which docs/RATIONALE.md lists
/// under "Where wasmer differs from Linux") or a use of the ABI that only wasix-run accepts, to be fixed.
@Suite("WASIX fixtures under wasmer against their native builds")
struct WasmerOracleTests {
    static let driver = Runner.packageRoot.appendingPathComponent("Scripts/wasmer-run.py")

    /// Whether python3 can import wasmer-sdk (.ci/run installs it; elsewhere `pip install wasmer-sdk`).
    static let wasmerAvailable: Bool = {
        let check = try? NativeOracleTests.run(["/usr/bin/env", "python3", "-c", "import wasmer_sdk"],
                                               environment: ProcessInfo.processInfo.environment)
        return check?.status == 0
    }()

    /// Where wasmer differs from Linux, by fixture. Each is checked as a known issue, so that the test fails
    /// when the fixture starts to match and the entry (and its RATIONALE line) can go.
    static let knownDifferences: [String: String] = [
        "child-trap": "a forked child that traps (abort(), a division by zero) is reported as exited with 0",
        "exec": "a close-on-exec copy of stdout makes the program exec starts exit with 71 before it prints, and "
            + "descriptors 3 to 5 are taken by preopened directories at start",
        "fnptr-casts": "a call through a cast function pointer (a void function called as int (*)()) traps with "
            + "'indirect call type mismatch'",
        "fork": "getppid() is 0 in a forked child, and a child already reaped can be waited for again",
        "longjmp": "a longjmp out of a signal handler ends the process with status 0",
        "net-epoll": "an eventfd in semaphore mode reads its whole counter (and takes 1 off it) instead of 1; one-shot "
            + "interest set by EPOLL_CTL_MOD is never reported; epoll_ctl of a regular file is EACCES, not EPERM",
        "pipes": "the wrong end of a pipe fails with EACCES, a write without readers ends the writer with status "
            + "64 instead of SIGPIPE, and poll with a zero timeout blocks on an empty pipe",
        "signals": "no SIGCHLD when a child ends, and a SIGTERM sent to a forked child never arrives",
        "spawn": "posix_spawn of a missing file fails with ENOEXEC (and stdout is a terminal, so line-buffered)",
        "vfork": "getppid() is 0 in a vfork child, and a vfork child cannot vfork again (proc_fork_env is ENOTSUP)",
    ]

    /// wasix-run flags of the fixtures that wasmer-sdk cannot express, and why; a fixture with one is not run.
    static let unsupportedFlags: [String: String] = [
        "--max-open-files": "wasmer-sdk cannot limit open descriptors, and wasmer has no limit of its own "
            + "(a guest opens millions until the timeout)",
    ]

    @Test("a WASIX fixture prints, exits and leaves files under wasmer as its native build does",
          // Without wasmer-sdk the suite is skipped, and says so, rather than passing without a check.
          .enabled(if: wasmerAvailable, "python3 cannot import wasmer_sdk (pip install wasmer-sdk)"),
          arguments: NativeOracleTests.names)
    func matchesNativeBuild(name: String) throws {
        let setup = NativeOracleTests.Setup(NativeOracleTests.wasix.appendingPathComponent(name))
        if let flag = setup.flags.first(where: { Self.unsupportedFlags[$0] != nil }) {
            withKnownIssue(Comment(rawValue: Self.unsupportedFlags[flag] ?? "")) {
                Issue.record("not run under wasmer: the fixture needs \(flag)")
            }
        } else if let cause = Self.knownDifferences[name] {
            try withKnownIssue(Comment(rawValue: cause)) { try compare(name, setup) }
        } else {
            try compare(name, setup)
        }
    }

    private func compare(_ name: String, _ setup: NativeOracleTests.Setup) throws {
        let build = try NativeOracleTests.NativeBuild.shared.get()
        let directory = NativeOracleTests.wasix.appendingPathComponent(name)
        let expected = try NativeOracleTests.runNatively(name)

        let guest = try NativeOracleTests.Sandbox(template: directory)
        defer { guest.remove() }
        var command = ["/usr/bin/env", "python3", Self.driver.path, "--dir", guest.sandbox.path, "--timeout", "15",
                       "--env", "PATH=/bin"]
        for variable in setup.environment { command += ["--env", variable] }
        // The programs the fixtures exec and spawn, as /bin/NAME: the same ones NativeOracleTests gives wasix-run.
        for program in try FileManager.default.contentsOfDirectory(atPath: build.wasmPrograms.path).sorted() {
            command += ["--program", "\(program)=\(build.wasmPrograms.appendingPathComponent(program).path)"]
        }
        if let stdin = setup.stdin { command += ["--stdin", stdin.path] }
        command += try Self.driverOptions(setup.flags)
        command += [directory.appendingPathComponent("main.asyncify.wasm").path, "/workspace"] + setup.arguments
        let result = try NativeOracleTests.run(command, environment: ProcessInfo.processInfo.environment,
                                               directory: guest.root)
        try NativeOracleTests.expectSame(result, in: guest, as: expected)
    }

    struct UnknownFlag: Error, CustomStringConvertible {
        var flag: String
        var description: String { "no wasmer-run option for the fixture's \(flag) yet" }
    }

    /// The driver's options for a fixture's wasix-run flags: wasmer can only give a guest the whole host network,
    /// which serves fixtures that keep to the endpoints they are allowed.
    static func driverOptions(_ flags: [String]) throws -> [String] {
        var options: [String] = []
        var index = 0
        while index < flags.count {
            switch flags[index] {
            case "--net": options.append("--net")
            case "--net-allow":
                options.append("--net")
                index += 1
            default: throw UnknownFlag(flag: flags[index])
            }
            index += 1
        }
        return Array(Set(options)).sorted()
    }
}
