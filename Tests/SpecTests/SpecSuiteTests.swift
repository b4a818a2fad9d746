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

    @Test("every command of an in-scope script passes", arguments: inScopeScripts)
    func inScope(script: String) {
        let result = SpecRunner().run(scriptAt: script)
        #expect(result.failed == 0, "\(result.failures.joined(separator: "\n"))")
        // Only GC modules may be refused as unsupported.
        #expect(result.unsupported.keys.allSatisfy { $0 == "gc" }, "\(result.unsupported)")
    }

    @Test("the whole suite, every proposal included, runs without crashing or hanging")
    func wholeSuite() {
        let runner = SpecRunner()
        var passed = 0
        var unsupported: Set<String> = []
        for script in SpecRunner.scripts(in: [Self.suiteRoot]) {
            let result = runner.run(scriptAt: script)
            passed += result.passed
            unsupported.formUnion(result.unsupported.keys)
        }
        #expect(passed > 60000)
        #expect(unsupported == ["gc", "legacy exceptions", "wide arithmetic"])
    }
}
