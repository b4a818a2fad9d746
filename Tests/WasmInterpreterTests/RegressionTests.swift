import Foundation
import Testing
import WasmInterpreter

/// Modules in Fixtures/regression, each with the results it must give.
@Suite("Regressions")
struct RegressionTests {
    static let directory = Fixture.directory.deletingLastPathComponent().appendingPathComponent("regression")

    @Test("a block result reached by a branch survives local.tee after the block")
    func blockResultTee() throws {
        let store = Store()
        let path = Self.directory.appendingPathComponent("block-result-tee.wasm").path
        let instance = try store.instantiate(try ValidatedModule(contentsOfFile: path))
        #expect(try instance.invoke("f", [.i32(1)]) == [.i32(7)])
        #expect(try instance.invoke("f", [.i32(0)]) == [.i32(UInt32.max)])
    }
}
