import Testing
@testable import WasmDecoder

@Suite("Implementation limits")
struct ImplementationLimitTests {
    typealias E = Encoding

    /// A module with `count` of what `limit` counts, each the smallest of its kind.
    static func module(counting limit: ImplementationLimit, _ count: Int) -> [UInt8] {
        let n = E.uleb(UInt64(count))
        let typeSection = E.typeSection()
        func repeated(_ item: [UInt8]) -> [UInt8] { n + Array([[UInt8]](repeating: item, count: count).joined()) }
        func function(body: [UInt8]) -> [UInt8] {
            E.module(typeSection, E.section(3, [1, 0]), E.section(10, [1] + E.uleb(UInt64(body.count)) + body))
        }
        switch limit {
        case .moduleSize:
            // A custom section padded so that the module has `count` bytes (at least 11).
            let padding = count - 11
            return E.module(E.section(0, E.name("") + [UInt8](repeating: 0, count: padding)))
        case .types: return E.module(E.section(1, repeated([0x60, 0, 0])))
        case .imports: return E.module(typeSection, E.section(2, repeated(E.name("m") + E.name("f") + [0, 0])))
        case .functions:
            return E.module(typeSection, E.section(3, repeated([0])), E.section(10, repeated([2, 0, 0x0B])))
        case .exports: return E.module(E.section(7, repeated(E.name("") + [0, 0])))
        case .globals: return E.module(E.section(6, repeated([0x7F, 0, 0x41, 0, 0x0B])))
        case .tags: return E.module(typeSection, E.section(13, repeated([0, 0])))
        case .tables: return E.module(E.section(4, repeated([0x70, 0, 0])))
        case .memories: return E.module(E.section(5, repeated([0, 0])))
        case .elementSegments: return E.module(E.section(9, repeated([1, 0, 0])))
        case .segmentElements: return E.module(E.section(9, [1, 1, 0] + repeated([0])))
        case .dataSegments: return E.module(E.section(11, repeated([1, 0])))
        case .parameters: return E.module(E.section(1, [1, 0x60] + repeated([0x7F]) + [0]))
        case .results: return E.module(E.section(1, [1, 0x60, 0] + repeated([0x7F])))
        case .functionBodySize:
            // No locals, nops, end: `count` bytes in all (at least 2).
            return function(body: [0] + [UInt8](repeating: 0x01, count: count - 2) + [0x0B])
        case .locals: return function(body: [1] + n + [0x7F, 0x0B])
        case .branchTableTargets:
            // block, i32.const 0, br_table 0 ... 0 (default 0), end, end.
            return function(body: [0, 0x02, 0x40, 0x41, 0] + [0x0E] + repeated([0]) + [0, 0x0B, 0x0B])
        }
    }

    @Test("each limit accepts a module at it and refuses one just beyond, naming itself",
          arguments: ImplementationLimit.allCases)
    func boundary(limit: ImplementationLimit) throws {
        var limits = ImplementationLimits()
        // Small enough for any limit's module to be tiny, large enough for the smallest module there is.
        let maximum = limit == .moduleSize ? 40 : 3
        limits[limit] = maximum
        _ = try ModuleDecoder.decode(Self.module(counting: limit, maximum), limits: limits)
        let beyond = Self.module(counting: limit, maximum + 1)
        do {
            _ = try ModuleDecoder.decode(beyond, limits: limits)
            Issue.record("\(limit): a module beyond the limit decoded")
        } catch {
            #expect(error.kind == .limitExceeded(limit, count: maximum + 1, maximum: maximum))
            #expect(error.offset >= 8 && error.offset <= beyond.count)
            #expect("\(error)".contains("(implementation limit \(limit.rawValue))"))
        }
    }

    @Test("modules at the default limits decode and validate where that is cheap")
    func atDefaults() throws {
        let limits = ImplementationLimits.default
        for limit: ImplementationLimit in [.parameters, .results, .memories, .locals, .branchTableTargets] {
            _ = try ModuleValidator.load(Self.module(counting: limit, limits[limit]))
            let beyond = Self.module(counting: limit, limits[limit] + 1)
            #expect(throws: DecodeError.self) { try ModuleDecoder.decode(beyond) }
        }
        // Parameters count as locals: 1,000 of them and 49,000 declared locals are the most a function may have.
        let parameters = [UInt8](repeating: 0x7F, count: 1000)
        let full = E.function(params: parameters, locals: [E.uleb(49_000) + [0x7E]], body: [0x0B])
        _ = try ModuleValidator.load(full)
        let over = E.function(params: parameters, locals: [E.uleb(49_001) + [0x7E]], body: [0x0B])
        // The count is the body's last five bytes but for its type and `end`.
        #expect(throws: DecodeError(.limitExceeded(.locals, count: 50_001, maximum: 50_000), at: over.count - 5)) {
            try ModuleDecoder.decode(over)
        }
    }

    @Test("locals are counted across groups before any is allocated")
    func localsAcrossGroups() throws {
        // The issue's module: 1,000 groups of 100,000 locals, which used to validate and fail only when called.
        let groups = [[UInt8]](repeating: E.uleb(100_000) + [0x7F], count: 1000)
        let bytes = E.function(locals: groups, body: [0x0B])
        // The groups, four bytes each, end the module but for the final `end`.
        let firstGroup = bytes.count - 1 - 4000
        #expect(throws: DecodeError(.limitExceeded(.locals, count: 100_000, maximum: 50_000), at: firstGroup)) {
            try ModuleDecoder.decode(bytes)
        }
        // Ten groups of 5,000 are the limit; an eleventh local is one too many.
        let fifty = [[UInt8]](repeating: E.uleb(5_000) + [0x7F], count: 10)
        _ = try ModuleValidator.load(E.function(locals: fifty, body: [0x0B]))
        let bytesOver = E.function(locals: fifty + [[1, 0x7D]], body: [0x0B])
        #expect(throws: DecodeError.self) { try ModuleDecoder.decode(bytesOver) }
    }

    @Test("without a locals limit, more than 2^32-1 locals are still malformed, as the spec requires")
    func localsBeyondUInt32() {
        var limits = ImplementationLimits()
        limits.locals = .max
        let bytes = E.function(locals: [[0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x7F], [0x02, 0x7E]], body: [0x0B])
        #expect(throws: DecodeError(.tooManyLocals, at: 36)) { try ModuleDecoder.decode(bytes, limits: limits) }
    }

    @Test("a limit is checked before the bytes that remain, and malformed input keeps the spec's message")
    func limitBeforeBytes() {
        // 1,000,001 types in a 3-byte section: the limit; 999,999 of them: the missing bytes.
        let claimed = E.module(E.section(1, E.uleb(1_000_001)))
        #expect(throws: DecodeError(.limitExceeded(.types, count: 1_000_001, maximum: 1_000_000), at: 10)) {
            try ModuleDecoder.decode(claimed)
        }
        let truncated = E.module(E.section(1, E.uleb(999_999)))
        #expect(throws: DecodeError(.unexpectedEndOfSectionOrFunction, at: 10)) { try ModuleDecoder.decode(truncated) }
    }

    @Test("imported tables and memories count towards their limits")
    func importsCount() throws {
        var limits = ImplementationLimits()
        limits.tables = 2
        limits.memories = 2
        let table = E.name("m") + E.name("t") + [1, 0x70, 0, 0]
        let memory = E.name("m") + E.name("m") + [2, 0, 0]
        let imports = E.section(2, E.vector([table, memory]))
        let within = E.module(imports, E.section(4, E.vector([[0x70, 0, 0]])), E.section(5, E.vector([[0, 0]])))
        _ = try ModuleDecoder.decode(within, limits: limits)
        let tables = E.module(imports, E.section(4, E.vector([[0x70, 0, 0], [0x70, 0, 0]])))
        #expect(throws: DecodeError(.limitExceeded(.tables, count: 3, maximum: 2), at: 28)) {
            try ModuleDecoder.decode(tables, limits: limits)
        }
        let memories = E.module(imports, E.section(5, E.vector([[0, 0], [0, 0]])))
        #expect(throws: DecodeError(.limitExceeded(.memories, count: 3, maximum: 2), at: 28)) {
            try ModuleDecoder.decode(memories, limits: limits)
        }
    }
}
