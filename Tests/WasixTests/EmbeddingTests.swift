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

/// Running from Swift concurrency: cancellation, and stdio as asynchronous sequences.
@Suite("WASIX from Swift concurrency")
struct ConcurrencyTests {
    static let fixtures = EmbeddingTests.fixtures.deletingLastPathComponent()

    @Test("cancelling the task ends a guest that loops forever, within 100 ms")
    func cancel() async throws {
        let module = try ValidatedModule(
            contentsOfFile: Self.fixtures.appendingPathComponent("wasix/programs/write-then.wasm").path)
        // Its sandbox is a directory from memory: no host directory is given.
        var configuration = WasixConfiguration(arguments: ["write-then", "loop"],
                                               preopens: [try .inMemory(guestPath: "/sandbox", files: [:])])
        let output = try GuestStreams.lines()
        configuration.stdout = output.descriptor
        let configured = configuration
        let run = Task { try await WasiProgram.run(module, configuration: configured) }
        // "ready" comes once the guest loops (without syscalls, with a forked child asleep).
        for await line in output.lines where line == "ready" { break }
        let cancelled = ContinuousClock.now
        run.cancel()
        let outcome = try await run.value
        let elapsed = ContinuousClock.now - cancelled
        close(output.descriptor)
        guard case .killed(let signal) = outcome else {
            Issue.record("expected the guest killed by SIGTERM, got \(outcome)")
            return
        }
        #expect(signal == SIGTERM)
        #expect(elapsed < .milliseconds(100))
        #expect(!FileManager.default.fileExists(atPath: configuration.preopens[0].hostPath))
    }

    @Test("the README's concurrency example runs as written")
    func readmeExample() async throws {
        let module = try ValidatedModule(contentsOfFile: Self.fixtures.appendingPathComponent("wasi/stdin/main.wasm").path)
        var seen: [String] = []
        // From the README (`print(line)` collects instead):
        let (input, feed) = AsyncStream<[UInt8]>.makeStream()
        var configuration = WasixConfiguration(arguments: ["stdin"],
                                               preopens: [try .inMemory(guestPath: "/data", files: ["a.txt": Array("hi".utf8)])])
        configuration.stdin = try GuestStreams.stdin(from: input)
        let output = try GuestStreams.lines()
        configuration.stdout = output.descriptor
        let run = Task { [configuration] in try await WasiProgram.run(module, configuration: configuration) }
        feed.yield(Array("first\n".utf8))
        for await line in output.lines { seen.append(line); break }     // "1: FIRST", while the guest still runs
        run.cancel()                                             // or feed.finish() to let it end by itself
        // What it shows:
        #expect(seen == ["1: FIRST"])
        guard case .killed(let signal) = try await run.value else {
            Issue.record("expected the cancelled guest killed")
            return
        }
        #expect(signal == SIGTERM)
        #expect(!FileManager.default.fileExists(atPath: configuration.preopens[0].hostPath))
        close(output.descriptor)
        close(configuration.stdin)
    }

    @Test("stdin comes from an AsyncStream and stdout lines arrive as the guest writes them")
    func streams() async throws {
        let module = try ValidatedModule(contentsOfFile: Self.fixtures.appendingPathComponent("wasi/stdin/main.wasm").path)
        let (input, feed) = AsyncStream<[UInt8]>.makeStream()
        var configuration = WasixConfiguration(arguments: ["stdin"])
        configuration.stdin = try GuestStreams.stdin(from: input)
        let output = try GuestStreams.lines()
        configuration.stdout = output.descriptor
        let configured = configuration
        let run = Task { try await WasiProgram.run(module, configuration: configured) }
        var lines = output.lines.makeAsyncIterator()
        // Each answer comes before the next line is sent: the guest's output is read while it runs.
        for word in ["first", "second", "third"] {
            feed.yield(Array("\(word)\n".utf8))
            let answer = await lines.next()
            #expect(answer?.hasSuffix(word.uppercased()) == true)
        }
        feed.finish()
        #expect(await lines.next() == "3 lines")
        guard case .exited(0) = try await run.value else {
            Issue.record("expected exit 0")
            return
        }
        close(output.descriptor)
        close(configuration.stdin)
    }
}
