import Foundation
import SpecRunner
import Testing
@testable import WasmDecoder

/// `ModuleValidator.load` reads each body once, validating while it decodes, and the compiler finds its constants
/// with a scan of its own; both must agree with the plain two-pass reading on every module there is.
@Suite("One-pass loading")
struct OnePassTests {
    /// Every module of the spec suite, the fixtures and the fuzz corpus.
    static let modules: [String] = {
        let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        var paths: [String] = []
        for root in [SpecSuiteTests.suiteRoot, packageRoot.appendingPathComponent("Fixtures").path,
                     packageRoot.appendingPathComponent("Benchmarks/Workloads").path] {
            let found = FileManager.default.enumerator(atPath: root)?.compactMap { $0 as? String } ?? []
            paths += found.filter { $0.hasSuffix(".wasm") }.sorted().map { root + "/" + $0 }
        }
        let corpus = packageRoot.appendingPathComponent("FuzzTesting/Corpus/run").path
        paths += ((try? FileManager.default.contentsOfDirectory(atPath: corpus)) ?? []).sorted().map { corpus + "/" + $0 }
        return paths
    }()

    @Test("load gives what decode then validate gives (the module or the same error), bodies in turn or in parallel")
    func loadAgreesWithTwoPasses() {
        var valid = 0, rejected = 0
        for path in Self.modules {
            let bytes = [UInt8](FileManager.default.contents(atPath: path) ?? Data())
            let twoPasses = Result { try ModuleValidator.validate(try ModuleDecoder.decode(bytes)) }
            let onePass = Result { try ModuleValidator.load(bytes) }
            // Every module's bodies in parallel too (by default only modules with a megabyte of code).
            let parallel = Result {
                try ModuleDecoder.decodeValidating(bytes, features: .all, limits: .default, parallelBodyBytes: 0)
            }
            for (way, result) in [("one pass", onePass), ("one pass in parallel", parallel)] {
                switch (result, twoPasses) {
                case (.success(let a), .success(let b)):
                    #expect(a.maxOperandHeights == b.maxOperandHeights, "\(path), \(way)")
                    #expect(a.module.bodies == b.module.bodies, "\(path), \(way)")
                case (.failure(let a), .failure(let b)):
                    #expect("\(type(of: a)): \(a)" == "\(type(of: b)): \(b)", "\(path), \(way)")
                default:
                    Issue.record("\(path): \(result) in \(way), \(twoPasses) in two")
                }
            }
            if case .success = twoPasses { valid += 1 } else { rejected += 1 }
        }
        #expect(valid > 3000 && rejected > 1000, "\(valid) valid, \(rejected) rejected")
    }

    @Test("scanConstants finds the constants that reading every instruction finds, in order")
    func constantScan() throws {
        var bodies = 0
        for path in Self.modules {
            let bytes = [UInt8](FileManager.default.contents(atPath: path) ?? Data())
            guard let module = try? ModuleValidator.load(bytes).module else { continue }
            for body in module.bodies {
                let start = ByteReader(bytes: module.bytes, position: body.code.lowerBound, regionEnd: body.code.upperBound)
                var read: [UInt64] = []
                var reader = start
                while !reader.isAtEnd {
                    switch try reader.readInstruction().immediate {
                    case .i32(let v): read.append(UInt64(UInt32(bitPattern: v)))
                    case .i64(let v): read.append(UInt64(bitPattern: v))
                    case .f32(let v): read.append(UInt64(v))
                    case .f64(let v): read.append(v)
                    default: break
                    }
                }
                var scanned: [UInt64] = []
                start.scanConstants { scanned.append($0) }
                #expect(scanned == read, "\(path)")
                bodies += 1
            }
        }
        #expect(bodies > 10000)
    }
}
