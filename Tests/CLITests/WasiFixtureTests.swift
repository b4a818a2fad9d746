import Foundation
import Testing

/// Every program in Fixtures/wasi runs with the expected stdout and exit status (checked against wasmtime by
/// Scripts/wasmtime-fixtures.py; see Fixtures/README.md for the one deliberate difference), and so does every
/// WASIX-only program in Fixtures/wasix (those with an expected output; NativeOracleTests checks the others
/// against their native builds), with Fixtures/wasix/programs as its /bin, and every one in Fixtures/threads.
@Suite("WASI and WASIX fixtures")
struct WasiFixtureTests {
    static let wasi = Runner.packageRoot.appendingPathComponent("Fixtures/wasi")
    static let wasix = Runner.packageRoot.appendingPathComponent("Fixtures/wasix")
    static let programs = wasix.appendingPathComponent("programs")
    static let threads = Runner.packageRoot.appendingPathComponent("Fixtures/threads")

    /// The fixture directories under `root`: those with an expected output.
    static func names(_ root: URL) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []).sorted().filter {
            FileManager.default.fileExists(atPath: root.appendingPathComponent("\($0)/expected.stdout").path)
        }
    }

    static func lines(_ url: URL) -> [String] {
        ((try? String(contentsOf: url, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    @Test("WASI fixture runs as expected", arguments: names(wasi))
    func wasiFixture(name: String) throws {
        try run(Self.wasi.appendingPathComponent(name))
    }

    /// A WASIX fixture run one way: a binary of it and a fork mode.
    struct WasixRun: Sendable, CustomStringConvertible {
        var name: String
        var binary: String
        var mode: String
        var description: String { "\(name)/\(binary) --fork-mode \(mode)" }
    }

    /// Each WASIX fixture three ways: plain and asyncified binaries with native fork, and the asyncified one
    /// with `--fork-mode asyncify` (fixtures written in WAT have no asyncified binary).
    static var wasixRuns: [WasixRun] {
        names(wasix).flatMap { name in
            [("main.wasm", "native"), ("main.asyncify.wasm", "native"), ("main.asyncify.wasm", "asyncify")]
                .filter { FileManager.default.fileExists(atPath: wasix.appendingPathComponent("\(name)/\($0.0)").path) }
                .map { WasixRun(name: name, binary: $0.0, mode: $0.1) }
        }
    }

    @Test("WASIX fixture runs as expected", arguments: wasixRuns)
    func wasixFixture(run fixture: WasixRun) throws {
        try run(Self.wasix.appendingPathComponent(fixture.name), binary: fixture.binary,
                options: ["--fork-mode", fixture.mode, "--mapdir", "/bin::\(Self.programs.path)"])
    }

    @Test("thread fixture runs as expected", arguments: names(threads))
    func threadFixture(name: String) throws {
        try run(Self.threads.appendingPathComponent(name))
    }

    /// Runs the fixture in directory `fixture` with a copy of its `sandbox/` at /sandbox, `options` and the
    /// words of its `flags` file ($PROGRAMS stands for Fixtures/wasix/programs) before the module, its `env` and
    /// `args`, and `stdin` if present; compares stdout and the exit status.
    func run(_ fixture: URL, binary: String = "main.wasm", options: [String] = []) throws {
        let temporary = FileManager.default.temporaryDirectory.appendingPathComponent("wasix-fixture-\(UUID())")
        defer { try? FileManager.default.removeItem(at: temporary) }
        let sandbox = temporary.appendingPathComponent("sandbox")
        try FileManager.default.createDirectory(at: temporary, withIntermediateDirectories: true)
        try "secret\n".write(to: temporary.appendingPathComponent("secret.txt"), atomically: true, encoding: .utf8)
        let template = fixture.appendingPathComponent("sandbox")
        if FileManager.default.fileExists(atPath: template.path) {
            try FileManager.default.copyItem(at: template, to: sandbox)
        } else {
            try FileManager.default.createDirectory(at: sandbox, withIntermediateDirectories: true)
        }
        var arguments = options + ["--mapdir", "/sandbox::\(sandbox.path)"]
        for line in Self.lines(fixture.appendingPathComponent("flags")) {
            arguments += line.replacingOccurrences(of: "$PROGRAMS", with: Self.programs.path).split(separator: " ").map(String.init)
        }
        for variable in Self.lines(fixture.appendingPathComponent("env")) { arguments += ["--env", variable] }
        arguments.append(fixture.appendingPathComponent(binary).path)
        arguments += Self.lines(fixture.appendingPathComponent("args"))
        let stdin = fixture.appendingPathComponent("stdin")
        let result = try Runner.run(arguments, stdin: FileManager.default.fileExists(atPath: stdin.path) ? stdin : nil)

        let expected = try String(contentsOf: fixture.appendingPathComponent("expected.stdout"), encoding: .utf8)
        let status = Int32(Self.lines(fixture.appendingPathComponent("expected.exit")).first ?? "0") ?? 0
        #expect(result.stdout == expected, "stderr: \(result.stderr)")
        #expect(result.status == status, "stderr: \(result.stderr)")
        // Nothing outside the sandbox changed.
        #expect(try String(contentsOf: temporary.appendingPathComponent("secret.txt"), encoding: .utf8) == "secret\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: temporary.path).sorted() == ["sandbox", "secret.txt"])
    }
}
