import Foundation
import SpecRunner
import Testing

/// Runs the official spec suite from ../shared/wasm-testsuite (or `WASM_TESTSUITE`).
@Suite("Spec suite")
struct SpecSuiteTests {
    static let suiteRoot: String = {
        if let path = ProcessInfo.processInfo.environment["WASM_TESTSUITE"] { return path }
        let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return packageRoot.deletingLastPathComponent().appendingPathComponent("shared/wasm-testsuite").path
    }()

    /// Feature tags of MANIFEST.tsv that this runtime implements.
    static let inScopeFeatures: Set<String> = [
        "mvp", "2.0-simd", "2.0-bulk", "2.0-reftypes", "threads", "3.0-tailcall", "3.0-memory64",
        "3.0-multimemory", "3.0-exceptions", "3.0-funcref", "3.0-relaxed-simd",
    ]

    /// The JSON scripts whose feature tag is in scope, from the manifest.
    static let inScopeScripts: [String] = {
        guard let manifest = try? String(contentsOfFile: suiteRoot + "/MANIFEST.tsv", encoding: .utf8) else { return [] }
        return manifest.split(separator: "\n").dropFirst().compactMap { line in
            let columns = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard columns.count > 3, inScopeFeatures.contains(String(columns[3])) else { return nil }
            return String(columns[1])
        }
    }()

    @Test("the suite is present and in-scope scripts are listed")
    func suitePresent() {
        #expect(Self.inScopeScripts.count > 200, "no spec suite at \(Self.suiteRoot)")
    }

    @Test("module, assert_malformed and assert_invalid pass", arguments: inScopeScripts)
    func decodeAndValidate(script: String) {
        let runner = SpecRunner(commandFilter: ["module", "assert_malformed", "assert_invalid"])
        let result = runner.run(scriptAt: Self.suiteRoot + "/" + script)
        #expect(result.failed == 0, "\(result.failures.joined(separator: "\n"))")
        // Only GC modules may be refused as unsupported.
        #expect(result.unsupported.keys.allSatisfy { $0 == "gc" }, "\(result.unsupported)")
    }

    @Test("the whole suite, every proposal included, runs without crashing")
    func wholeSuite() {
        let runner = SpecRunner(commandFilter: ["module", "assert_malformed", "assert_invalid"])
        var passed = 0
        for script in SpecRunner.scripts(in: [Self.suiteRoot]) {
            passed += runner.run(scriptAt: script).passed
        }
        #expect(passed > 5000)
    }
}
