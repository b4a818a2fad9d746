import Testing
@testable import WasmInterpreter

/// The compiler gives the most used constants of a body slots of their own (`Compiler.constantLimit`); how it picks
/// them and how it counts them must not change which ones it picks.
@Suite("Constant slots")
struct ConstantSlotTests {
    @Test("the constants picked are those a stable sort by uses puts first")
    func pickedAsByStableSort() {
        var generator = SystemRandomNumberGenerator()
        for round in 0..<2000 {
            let count = round % 200, limit = [1, 3, 64][round % 3]
            let uses = (0..<count).map { _ in Int.random(in: 1...(round % 7 + 1), using: &generator) }
            let sorted = uses.indices.sorted { uses[$0] > uses[$1] }.prefix(limit)
            let expected = uses.indices.map { sorted.contains($0) }
            #expect(Compiler.mostUsed(uses, limit: limit) == expected, "\(uses), limit \(limit)")
        }
    }

    @Test("the constant map keeps what it is given")
    func constantMap() {
        var map = ConstantMap()
        var reference: [UInt64: UInt32] = [:]
        var generator = SystemRandomNumberGenerator()
        for i in 0..<5000 {
            // Few distinct keys, some of them colliding in the low bits, and 0 among them.
            let key = UInt64.random(in: 0..<300, using: &generator) << (i % 2 == 0 ? 0 : 40)
            #expect(map[key] == reference[key])
            let value = UInt32(i)
            map[key] = value
            reference[key] = value
        }
        for (key, value) in reference { #expect(map[key] == value) }
    }
}
