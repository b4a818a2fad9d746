import Foundation
import Testing

/// Every program in Fixtures/wasi runs with the expected stdout and exit status (checked against wasmtime by
/// Scripts/wasmtime-fixtures.py; see Fixtures/README.md for the one deliberate difference).
@Suite("WASI fixtures")
struct WasiFixtureTests {
    static let root = Runner.packageRoot.appendingPathComponent("Fixtures/wasi")

    static var names: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []).sorted()
    }

    static func lines(_ url: URL) -> [String] {
        ((try? String(contentsOf: url, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    @Test("fixture runs as expected", arguments: names)
    func fixture(name: String) throws {
        let fixture = Self.root.appendingPathComponent(name)
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
        var arguments = ["--mapdir", "/sandbox::\(sandbox.path)"]
        for variable in Self.lines(fixture.appendingPathComponent("env")) { arguments += ["--env", variable] }
        arguments.append(fixture.appendingPathComponent("main.wasm").path)
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
