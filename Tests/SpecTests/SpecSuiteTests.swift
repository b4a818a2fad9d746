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

    static let inScopeScripts = SpecRunner.inScopeScripts(suiteRoot: suiteRoot)

    @Test("the suite is present and in-scope scripts are listed")
    func suitePresent() {
        #expect(Self.inScopeScripts.count > 200, "no spec suite at \(Self.suiteRoot)")
    }

    @Test("module, assert_malformed and assert_invalid pass", arguments: inScopeScripts)
    func decodeAndValidate(script: String) {
        let runner = SpecRunner(commandFilter: ["module", "assert_malformed", "assert_invalid"])
        let result = runner.run(scriptAt: script)
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
