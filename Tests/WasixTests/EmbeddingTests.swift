import Foundation
import Testing
import Wasix

/// The README's WASIX embedding example, run: a forking program through `WasiProgram.run`, its stdout in a file.
@Suite("WASIX embedding")
struct EmbeddingTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/wasix")

    @Test("a program that forks runs through the library, with the configuration's stdout and limits")
    func forkingProgram() throws {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("embedding-\(UUID()).txt")
        FileManager.default.createFile(atPath: output.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: output) }
        let stdout = try FileHandle(forWritingTo: output)

        let data = FileManager.default.temporaryDirectory.appendingPathComponent("embedding-data-\(UUID())")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: data) }

        // As in the README (with our own directory and descriptor):
        var configuration = WasixConfiguration(arguments: ["wasix-calls"], environment: ["HOME=/"],
                                               preopens: [.init(guestPath: "/data", hostPath: data.path)])
        configuration.stdout = stdout.fileDescriptor       // any host descriptor
        configuration.maxProcesses = 64                      // fork fails with EAGAIN beyond it
        _ = configuration.network.allow("127.0.0.1:*")       // sockets to loopback only; none without this
        // A program that forks (the fork fixture itself takes a sandbox argument and has a native oracle instead).
        let fixture = Self.fixtures.appendingPathComponent("wasix-calls")
        let module = try ValidatedModule(contentsOfFile: fixture.appendingPathComponent("main.wasm").path)
        let outcome = try WasiProgram.run(module, configuration: configuration)

        try stdout.close()
        guard case .exited(let status) = outcome else {
            Issue.record("expected an exit, got \(outcome)")
            return
        }
        #expect(status == 0)
        let expected = try String(contentsOf: fixture.appendingPathComponent("expected.stdout"), encoding: .utf8)
        #expect(try String(contentsOf: output, encoding: .utf8) == expected)
    }
}
