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

    @Test("an atomic access both misaligned and out of bounds traps as misaligned")
    func atomicAlignmentFirst() throws {
        let store = Store()
        let path = Self.directory.appendingPathComponent("atomic-alignment-first.wasm").path
        let instance = try store.instantiate(try ValidatedModule(contentsOfFile: path))
        func trap(_ function: String, _ address: UInt32) -> String? {
            Self.trap(instance, function, [.i32(address)])
        }
        #expect(try instance.invoke("load", [.i32(2)]) == [.i32(0)])
        #expect(trap("load", 0xFFFF_FFFF) == "unaligned atomic")
        #expect(trap("load", 65_535) == "unaligned atomic")
        #expect(trap("add", 0xFFFF_FFFF) == "unaligned atomic")
        #expect(trap("load", 65_534) == "out of bounds memory access")
    }

    @Test("notify at a 64-bit address past 2^64 is out of bounds, misaligned or not; other atomics check alignment first")
    func atomicOverflowBounds() throws {
        let store = Store()
        let path = Self.directory.appendingPathComponent("atomic-overflow-bounds.wasm").path
        let instance = try store.instantiate(try ValidatedModule(contentsOfFile: path))
        func trap(_ address: UInt64, _ function: String = "notify") -> String? {
            Self.trap(instance, function, [.i64(address)])
        }
        #expect(trap(UInt64(bitPattern: -4096)) == "out of bounds memory access")  // past 2^64, misaligned
        #expect(trap(UInt64.max - 196_606) == "out of bounds memory access")  // past 2^64, aligned
        #expect(trap(2) == "unaligned atomic")  // within 2^64, misaligned and out of bounds
        #expect(trap(1) == "out of bounds memory access")  // within 2^64, aligned, out of bounds
        #expect(trap(UInt64.max, "add") == "unaligned atomic")  // past 2^64, misaligned
        #expect(trap(UInt64.max - 86_513, "add") == "out of bounds memory access")  // past 2^64, aligned
    }

    /// The message of the trap that calling `function` ends with, or nil if it returns.
    static func trap(_ instance: Instance, _ function: String, _ arguments: [Value]) -> String? {
        do {
            _ = try instance.invoke(function, arguments)
            return nil
        } catch let error as TrapError {
            return error.trap.description
        } catch {
            return "\(error)"
        }
    }
}
