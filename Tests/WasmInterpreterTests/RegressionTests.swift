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

    /// The modules of Fixtures/regression/limits, each beyond the implementation limit its name begins with.
    static let limitFixtures: [String] = {
        let directory = Self.directory.appendingPathComponent("limits")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasSuffix(".wasm") }.sorted().map { directory.appendingPathComponent($0).path }
    }()

    @Test("every limit has a fixture")
    func everyLimitHasAFixture() {
        let covered = Set(Self.limitFixtures.map { Self.limitName(of: $0) })
        // A module beyond 1 GiB is no fixture; ImplementationLimitTests covers moduleSize.
        let expected = Set(ImplementationLimit.allCases.map(\.rawValue)).subtracting(["moduleSize"])
        #expect(covered == expected)
    }

    @Test("a module beyond an implementation limit fails to load with that limit's error",
          arguments: limitFixtures)
    func beyondLimit(path: String) throws {
        // The .hex source beside the module states the error: `;; Expected: <description>`.
        let source = try String(contentsOfFile: String(path.dropLast(5)) + ".hex", encoding: .utf8)
        let expected = source.split(separator: "\n").first { $0.hasPrefix(";; Expected: ") }?.dropFirst(13)
        do {
            _ = try ValidatedModule(contentsOfFile: path)
            Issue.record("\(path) loaded")
        } catch let error as DecodeError {
            guard case .limitExceeded(let limit, _, _) = error.kind else {
                Issue.record("\(path): \(error)")
                return
            }
            #expect(limit.rawValue == Self.limitName(of: path))
            #expect(expected.map(String.init) == error.description)
        }
    }

    @Test("a module read from a file is refused once past moduleSize")
    func moduleSizeFromFile() {
        var limits = ImplementationLimits()
        limits.moduleSize = 41
        let path = Self.directory.appendingPathComponent("limits/locals.wasm").path
        #expect(throws: DecodeError(.limitExceeded(.moduleSize, count: 42, maximum: 41), at: 41)) {
            try ValidatedModule(contentsOfFile: path, limits: limits)
        }
        // Read one byte beyond the limit and no further.
        limits.moduleSize = 10
        #expect(throws: DecodeError(.limitExceeded(.moduleSize, count: 11, maximum: 10), at: 10)) {
            try ValidatedModule(contentsOfFile: path, limits: limits)
        }
    }

    @Test("a table beyond tableElements fails to instantiate, naming the limit, before it is allocated")
    func tableElementsLimit() throws {
        let path = Self.directory.appendingPathComponent("table-elements-limit.wasm").path
        let module = try ValidatedModule(contentsOfFile: path)
        #expect(Self.instantiationError(module, Store())
            == "cannot allocate table of 10000001 elements, above the limit tableElements = 10000000")
    }

    @Test("a 64-bit memory of 2^48 pages fails to instantiate, naming memoryPages, instead of crashing")
    func memoryPagesLimit() throws {
        let path = Self.directory.appendingPathComponent("memory-pages-limit.wasm").path
        let module = try ValidatedModule(contentsOfFile: path)
        #expect(Self.instantiationError(module, Store())
            == "cannot allocate memory of 281474976710656 pages, above the limit memoryPages = 65536")
        // Without the limit, the size in bytes overflows: the memory cannot be allocated, and nothing crashes.
        var limits = Store.ResourceLimits()
        limits.memoryPages = .max
        #expect(Self.instantiationError(module, Store(limits: limits))
            == "cannot allocate memory of 281474976710656 pages")
    }

    /// The part of a limit fixture's file name before any `-`: the limit it goes beyond.
    static func limitName(of path: String) -> String {
        let file = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        return String(file.split(separator: "-")[0])
    }

    /// The description of the error that instantiating `module` in `store` fails with, or nil if it succeeds.
    static func instantiationError(_ module: ValidatedModule, _ store: Store) -> String? {
        do {
            _ = try store.instantiate(module)
            return nil
        } catch {
            return error.description
        }
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
