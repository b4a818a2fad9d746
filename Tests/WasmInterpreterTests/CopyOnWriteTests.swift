import Testing
@testable import WasmInterpreter

/// Copy-on-write clones of memories (`Store.ResourceLimits.copyOnWriteMemories`): a clone and its original never
/// see each other's writes, whichever way their pages are shared.
@Suite("Copy-on-write memories")
struct CopyOnWriteTests {
    static let hostPage = PageMap.pageSize
    static let wasmPage = MemoryType.pageSize

    static func memory(_ limits: Limits = Limits(min: 2, max: 32)) throws -> Memory {
        let memory = try #require(Memory(type: MemoryType(limits: limits), copyOnWrite: true))
        #expect(memory.pageRuns != nil, "made without a memory file")
        return memory
    }

    /// The offsets at the edges of host pages and of wasm pages, from `from` to the end of `memory`.
    static func edges(of memory: Memory, from: Int = 0) -> [Int] {
        stride(from: from, to: memory.byteCount, by: hostPage).flatMap { [$0, $0 + hostPage - 1] }
    }

    static func fill(_ memory: Memory, at offsets: [Int], with value: UInt8) throws {
        for offset in offsets { try memory.write([value], at: offset) }
    }

    static func expect(_ memory: Memory, at offsets: [Int], holds value: UInt8, _ who: String) throws {
        for offset in offsets {
            let byte = try memory.read(offset: offset, count: 1)[0]
            #expect(byte == value, "\(who) at \(offset): \(byte), expected \(value)")
            if byte != value { return }
        }
    }

    @Test("a clone and its original each see only their own writes, at every page edge and after growing",
          arguments: [Limits(min: 2, max: 32), Limits(min: 2, max: 32, addressType: .i64),
                      Limits(min: 2, max: 32, isShared: true)])
    func edgesAndGrowth(limits: Limits) throws {
        let original = try Self.memory(limits)
        let before = Self.edges(of: original)
        try Self.fill(original, at: before, with: 1)
        let clone = try #require(original.clone())
        #expect(clone.pageRuns != nil)
        try Self.expect(clone, at: before, holds: 1, "clone before writing")
        // Alternate pages: the original writes the even ones, the clone the odd ones.
        let even = before.enumerated().filter { ($0.offset / 2) % 2 == 0 }.map(\.element)
        let odd = before.enumerated().filter { ($0.offset / 2) % 2 == 1 }.map(\.element)
        try Self.fill(original, at: even, with: 2)
        try Self.fill(clone, at: odd, with: 3)
        try Self.expect(original, at: even, holds: 2, "original's own")
        try Self.expect(original, at: odd, holds: 1, "original, where the clone wrote")
        try Self.expect(clone, at: odd, holds: 3, "clone's own")
        try Self.expect(clone, at: even, holds: 1, "clone, where the original wrote")
        // Growth after the clone: new pages are zero in both and stay apart.
        #expect(original.grow(by: 1) == 2 && clone.grow(by: 2) == 2)
        let grownOriginal = Self.edges(of: original, from: 2 * Self.wasmPage)
        let grownClone = Self.edges(of: clone, from: 2 * Self.wasmPage)
        try Self.expect(original, at: grownOriginal, holds: 0, "original's new pages")
        try Self.expect(clone, at: grownClone, holds: 0, "clone's new pages")
        try Self.fill(original, at: grownOriginal, with: 4)
        try Self.expect(clone, at: grownClone, holds: 0, "clone's new pages after the original wrote its own")
        try Self.fill(clone, at: grownClone, with: 5)
        try Self.expect(original, at: grownOriginal, holds: 4, "original's new pages after the clone wrote")
        // A clone of the clone, while the original lives: the clone's writes go to a file of their own.
        let grandchild = try #require(clone.clone())
        try Self.expect(grandchild, at: odd, holds: 3, "grandchild")
        try Self.expect(grandchild, at: grownClone, holds: 5, "grandchild's grown pages")
        try Self.fill(clone, at: odd, with: 6)
        try Self.expect(grandchild, at: odd, holds: 3, "grandchild after the clone wrote again")
    }

    /// A little deterministic generator, so that a failure repeats.
    struct Generator {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(bound))
        }
    }

    @Test("random writes, growth, clones and frees agree with a model of each memory's bytes",
          arguments: [false, true])
    func model(othersWrite: Bool) throws {
        var random = Generator(state: othersWrite ? 7 : 42)
        var memories = [try Self.memory(Limits(min: 1, max: 32))]
        var models = [[UInt8](repeating: 0, count: Self.wasmPage)]
        var mostRuns = 0
        for step in 0..<3000 {
            let index = random.next(memories.count)
            switch random.next(20) {
            case 0 where memories.count < 12:
                let clone = try #require(memories[index].clone(othersWrite: othersWrite && random.next(2) == 0))
                memories.append(clone)
                models.append(models[index])
            case 1 where memories.count > 1:
                memories.remove(at: index)
                models.remove(at: index)
            case 2:
                let delta = UInt64(random.next(2))
                if memories[index].grow(by: delta) != nil {
                    models[index] += [UInt8](repeating: 0, count: Int(delta) * Self.wasmPage)
                }
            default:
                // Writes cluster at page edges and spread over the memory, so runs split and join.
                let size = models[index].count
                let page = random.next(size / Self.hostPage)
                let offset = [page * Self.hostPage, page * Self.hostPage + Self.hostPage - 1,
                              random.next(size)][random.next(3)]
                let value = UInt8(truncatingIfNeeded: step)
                try memories[index].write([value], at: offset)
                models[index][offset] = value
            }
            mostRuns = max(mostRuns, memories.compactMap(\.pageRuns).max() ?? 0)
            if step % 50 == 0 || step == 2999 {
                for (memory, model) in zip(memories, models) {
                    let bytes = try memory.read(offset: 0, count: memory.byteCount)
                    #expect(bytes == model, "step \(step): memory differs from its model")
                    if bytes != model { return }
                }
            }
        }
        #expect(mostRuns > 1, "no memory was ever mapped from more than one file")
    }

    @Test("past the run limit, a clone flattens the memory into one file")
    func flattening() throws {
        let original = try Self.memory(Limits(min: 16, max: 16))
        var clones: [Memory] = []
        // Each clone leaves the original's scattered writes in a new file while the earlier clones hold the rest.
        for round in 0..<40 {
            for page in stride(from: round % 2, to: original.byteCount / Self.hostPage, by: 2) {
                try original.write([UInt8(round)], at: page * Self.hostPage)
            }
            clones.append(try #require(original.clone()))
            #expect((original.pageRuns ?? .max) <= PageMap.runLimit)
        }
        for (round, clone) in clones.enumerated() {
            try Self.expect(clone, at: [round % 2 * Self.hostPage], holds: UInt8(round), "clone \(round)")
        }
    }
}
