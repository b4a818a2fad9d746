import Testing
@testable import WasmInterpreter

/// The compiler fuses instruction sequences into single ops (Fixtures/interpreter/fused.wat); each must compute
/// what the sequence computes, and the fusions must actually happen, or these tests would test nothing new.
@Suite("Fused ops")
struct FusionTests {
    let store = Store()
    let instance: Instance

    init() throws {
        instance = try store.instantiate(try Fixture.module("fused"))
    }

    static let triples: [(UInt32, UInt32, UInt32)] = [
        (1, 2, 3), (0xFFFF_FFFF, 1, 0x8000_0000), (0x1234_5678, 37, 0x9ABC_DEF0), (7, 0, 0xFFFF_FFFF),
    ]

    func i32(_ name: String, _ a: UInt32, _ b: UInt32, _ c: UInt32) throws -> UInt32? {
        guard case .i32(let result)? = try instance.invoke(name, [.i32(a), .i32(b), .i32(c)]).first else { return nil }
        return result
    }

    /// The ops of an export's compiled body (it must have run once).
    func code(_ name: String) -> [Op] {
        guard let compiled = instance.exportedFunction(name)?.compiled else { return [] }
        return Array(UnsafeBufferPointer(start: compiled.ops, count: compiled.codeCount))
    }

    @Test("two arithmetic instructions in one op give the sequence's result, whichever operand the first feeds")
    func arithmetic() throws {
        let rotl = { (x: UInt32, k: UInt32) in k & 31 == 0 ? x : x << (k & 31) | x >> (32 - k & 31) }
        let cases: [(String, (UInt32, UInt32, UInt32) -> UInt32)] = [
            ("add_add", { $0 &+ $1 &+ $2 }), ("add_add_right", { $2 &+ ($0 &+ $1) }),
            ("mul_add", { $0 &* $1 &+ $2 }), ("shl_add", { $2 &+ ($0 << ($1 & 31)) }),
            ("xor_add", { ($0 ^ $1) &+ $2 }), ("rotl_xor", { rotl($0, $1) ^ $2 }), ("and_xor", { $2 ^ ($0 & $1) }),
            ("chain_into_local", { let x = $0 &+ $1 &+ $2; return rotl(x, 5) ^ x }),
            ("tee_between", { let x = $0 &+ $1; return x &+ $2 &+ x }),
        ]
        for (name, expected) in cases {
            for (a, b, c) in Self.triples {
                #expect(try i32(name, a, b, c) == expected(a, b, c), "\(name)(\(a), \(b), \(c))")
            }
        }
        #expect(code("add_add").contains { if case .i32AddAdd = $0 { true } else { false } })
        #expect(code("rotl_xor").contains { if case .i32RotlXor = $0 { true } else { false } })
        #expect(code("chain_into_local").contains { if case .i32AddAdd(_, _, _, 3) = $0 { true } else { false } })
    }

    @Test("fused f64 arithmetic rounds each step, as the two instructions do")
    func floatingPoint() throws {
        let values: [(Double, Double, Double)] = [(1.5, 2, 0.25), (0.1, 0.2, 0.3), (1e308, 10, -1e308), (.nan, 1, 2)]
        for (a, b, c) in values {
            let add = try instance.invoke("f64_mul_add", [.f64(a.bitPattern), .f64(b.bitPattern), .f64(c.bitPattern)])
            let mul = try instance.invoke("f64_mul_mul", [.f64(a.bitPattern), .f64(b.bitPattern), .f64(c.bitPattern)])
            guard case .f64(let sum)? = add.first, case .f64(let product)? = mul.first else {
                Issue.record("no f64 result")
                continue
            }
            let (expectedSum, expectedProduct) = (a * b + c, c * (a * b))
            #expect(Double(bitPattern: sum) == expectedSum || (expectedSum.isNaN && Double(bitPattern: sum).isNaN))
            #expect(Double(bitPattern: product) == expectedProduct
                    || (expectedProduct.isNaN && Double(bitPattern: product).isNaN))
        }
        #expect(code("f64_mul_add").contains { if case .f64MulAdd = $0 { true } else { false } })
    }

    @Test("an address computed by i32.add wraps at 32 bits and keeps its offset; out of bounds still traps")
    func indexedAccess() throws {
        #expect(try instance.invoke("store_load", [.i32(100), .i32(20), .i32(0x1234_5678)]) == [.i64(305_438_092)])
        // 0xFFFFFFFF + 2 wraps to 1: the value lands at 9 (offset 8).
        #expect(try instance.invoke("store_load", [.i32(0xFFFF_FFFF), .i32(2), .i32(0x80FF_8081)])
                == [.i64(10_754_195_713)])
        #expect(try instance.invoke("store64_load64", [.i32(3), .i32(4), .i64(0x1122_3344_5566_7788)])
                == [.i64(0x1122_3344_CDEF_AB88)])
        #expect(throws: TrapError.self) { try instance.invoke("store_load", [.i32(65_530), .i32(0), .i32(1)]) }
        #expect(code("store_load").contains { if case .store32Indexed = $0 { true } else { false } })
        #expect(code("store_load").contains { if case .i32Load16SIndexed = $0 { true } else { false } })
    }

    @Test("an array element's address (index shifted by the element size) wraps at 32 bits; out of bounds traps")
    func scaledAccess() throws {
        /// What `scaled` computes, on a little-endian byte map.
        func expected(_ base: UInt32, _ index: UInt32, _ value: UInt64) -> UInt64 {
            var memory: [UInt32: UInt8] = [:]
            func store(_ address: UInt32, _ bytes: Int, _ v: UInt64) {
                for i in 0..<bytes { memory[address &+ UInt32(i)] = UInt8(truncatingIfNeeded: v >> (8 * UInt64(i))) }
            }
            func load(_ address: UInt32, _ bytes: Int) -> UInt64 {
                (0..<bytes).reduce(0) { $0 | UInt64(memory[address &+ UInt32($1)] ?? 0) << (8 * UInt64($1)) }
            }
            let (word, double) = (base &+ (index &<< 2) &+ 4, base &+ (index &<< 3))
            store(word, 4, value)
            store(double, 8, value)
            return load(word, 4) &+ load(double, 8) &+ load(double, 4)
        }
        for (base, index, value) in [(UInt32(100), UInt32(1), UInt64(0x1122_3344_5566_7788)), (8, 0x4000_0001, 0xFFFF_FFFF_0000_0001),
                                     (1000, 7, 42)] {
            #expect(try instance.invoke("scaled", [.i32(base), .i32(index), .i64(value)]) == [.i64(expected(base, index, value))],
                    "scaled(\(base), \(index))")
        }
        #expect(throws: TrapError.self) { try instance.invoke("scaled", [.i32(65_530), .i32(0), .i64(1)]) }
        for scaled in ["i32LoadScaled", "i64LoadScaled", "store32Scaled", "store64Scaled"] {
            #expect(code("scaled").contains { "\($0)".hasPrefix(scaled) }, "\(scaled)")
        }
    }

    @Test("consecutive copies run as one op, but never across a label")
    func copies() throws {
        // (a, b, c) rotates left each iteration, starting from (2, 3, 1) after the copy before the loop.
        let expected: [UInt32: UInt32] = [1: 231, 2: 312, 3: 123, 4: 231, 5: 312]
        for (n, value) in expected {
            #expect(try instance.invoke("rotate", [.i32(n)]) == [.i32(value)], "rotate(\(n))")
        }
        #expect(try instance.invoke("branch_pair", [.i32(10), .i32(3)]) == [.i32(UInt32(bitPattern: -7))])
        #expect(code("rotate").contains { if case .copy2 = $0 { true } else { false } })
    }

    @Test("a load tested by i32.eqz is one op, with or without its branch, but not across a label")
    func loadTest() throws {
        // Memory holds 5 at 1024 and 0 at 1028.
        #expect(try instance.invoke("load_eqz_branch", [.i32(1020)]) == [.i32(1005)])
        #expect(try instance.invoke("load_eqz_branch", [.i32(1024)]) == [.i32(UInt32.max)])
        #expect(try instance.invoke("load_eqz", [.i32(1024)]) == [.i32(0)])
        #expect(try instance.invoke("load_eqz", [.i32(1028)]) == [.i32(1)])
        #expect(try instance.invoke("label_between", [.i32(1028), .i32(0)]) == [.i32(1)])
        #expect(try instance.invoke("label_between", [.i32(1028), .i32(1)]) == [.i32(0)])
        #expect(throws: TrapError.self) { try instance.invoke("load_eqz", [.i32(65_534)]) }
        #expect(code("load_eqz_branch").contains { if case .jumpIfLoadI32Eqz = $0 { true } else { false } })
        #expect(code("load_eqz").contains { if case .i32LoadEqz = $0 { true } else { false } })
        #expect(!code("label_between").contains { if case .i32LoadEqz = $0 { true } else { false } })
    }

    @Test("an i32.and tested by a branch is one op, taken exactly when some bit is set in both operands")
    func bitTests() throws {
        let pairs: [(UInt32, UInt32)] = [(0, 0), (1, 1), (2, 1), (0x8000_0000, 0x8000_0001), (0xFFFF_FFFF, 0), (6, 3)]
        for (x, mask) in pairs {
            let expected: [Value] = [.i32(x & mask != 0 ? 1 : 0)]
            #expect(try instance.invoke("bits_branch", [.i32(x), .i32(mask)]) == expected)
            #expect(try instance.invoke("bits_if", [.i32(x), .i32(mask)]) == expected)
        }
        #expect(code("bits_branch").contains { if case .jumpIfI32And = $0 { true } else { false } })
        #expect(code("bits_if").contains { if case .jumpIfNotI32And = $0 { true } else { false } })
    }

    @Test("a loop's counter step and exit test are one op, for each test and either operand order, not across a label")
    func countedLoops() throws {
        /// The loop of the `count_*` functions: step, then go on while `again(counter, bound)`.
        func expected(_ start: UInt32, _ step: UInt32, _ bound: UInt32, subtract: Bool = false,
                      stepOnOddIterations: Bool = true, _ again: (UInt32, UInt32) -> Bool) -> UInt32 {
            var (i, n): (UInt32, UInt32) = (start, 0)
            repeat {
                n += 1
                if stepOnOddIterations || n % 2 == 0 { i = subtract ? i &- step : i &+ step }
            } while again(i, bound) && n < 1000
            return n &* 1000 &+ i
        }
        let signed = { (x: UInt32) in Int32(bitPattern: x) }
        let up: [(UInt32, UInt32, UInt32)] = [(0, 1, 10), (7, 5, 57), (0xFFFF_FFFE, 1, 3), (0x7FFF_FFFE, 1, 0x8000_0002)]
        let down: [(UInt32, UInt32, UInt32)] = [(100, 1, 50), (3, 1, 0xFFFF_FFFD), (0x8000_0001, 1, 0x7FFF_FFFE), (10, 3, 1)]
        let downByAdding = down.map { ($0.0, 0 &- $0.1, $0.2) }
        let cases: [(String, [(UInt32, UInt32, UInt32)], Bool, (UInt32, UInt32) -> Bool)] = [
            ("count_add_ne", up, false, { $0 != $1 }), ("count_add_lt_u", up, false, { $0 < $1 }),
            ("count_add_lt_s", up, false, { signed($0) < signed($1) }),
            ("count_add_gt_u", downByAdding, false, { $0 > $1 }),
            ("count_add_gt_s", downByAdding, false, { signed($0) > signed($1) }),
            ("count_sub_ne", down, true, { $0 != $1 }), ("count_sub_gt_u", down, true, { $0 > $1 }),
            ("count_sub_gt_s", down, true, { signed($0) > signed($1) }),
            ("count_bound_lt_u", downByAdding, false, { $1 < $0 }),
        ]
        for (name, inputs, subtract, again) in cases {
            for (i, step, bound) in inputs {
                #expect(try i32(name, i, step, bound) == expected(i, step, bound, subtract: subtract, again),
                        "\(name)(\(i), \(step), \(bound))")
            }
            #expect(code(name).contains { "\($0)".contains("JumpIf") && "\($0)".contains("CountedJump") }, "\(name)")
        }
        for (i, step, bound) in up {
            #expect(try i32("count_label_between", i, step, bound)
                    == expected(i, step, bound, stepOnOddIterations: false) { $0 < $1 })
        }
        #expect(!code("count_label_between").contains { "\($0)".contains("CountedJump") })
    }

    @Test("a load compared by a branch is one op, for each test and either order; not if a local keeps the value or a label comes between")
    func loadComparisons() throws {
        let signed = { (x: UInt32) in Int32(bitPattern: x) }
        let cases: [(String, (UInt32, UInt32) -> Bool)] = [
            ("load_eq", { $0 == $1 }), ("load_ne", { $0 != $1 }), ("load_lt_s", { signed($0) < signed($1) }),
            ("load_lt_u", { $0 < $1 }), ("load_gt_s", { signed($0) > signed($1) }), ("load_gt_u", { $0 > $1 }),
            ("load_right_lt_s", { signed($1) < signed($0) }),
        ]
        let pairs: [(UInt32, UInt32)] = [(1, 2), (2, 1), (5, 5), (0xFFFF_FFFF, 1), (1, 0xFFFF_FFFF), (0x8000_0000, 0x7FFF_FFFF)]
        for (name, holds) in cases {
            for (x, v) in pairs {
                #expect(try i32(name, 2048, x, v) == (holds(x, v) ? 1 : 0), "\(name)(\(x), \(v))")
            }
            #expect(throws: TrapError.self) { try instance.invoke(name, [.i32(65_534), .i32(0), .i32(0)]) }
            #expect(code(name).contains { "\($0)".contains("LoadComparison") }, "\(name)")
        }
        // The local gets the loaded value: returned as is when below 9, plus 1000 otherwise.
        #expect(try i32("load_tee_lt_u", 2048, 3, 9) == 3)
        #expect(try i32("load_tee_lt_u", 2048, 12, 9) == 1012)
        #expect(!code("load_tee_lt_u").contains { "\($0)".contains("LoadComparison") })
        // Memory at 1028 holds 0; with $x nonzero the branch brings 7 past the load.
        #expect(try i32("load_label_between", 1028, 0, 1) == 1)
        #expect(try i32("load_label_between", 1028, 1, 8) == 1)
        #expect(try i32("load_label_between", 1028, 1, 7) == 0)
        #expect(!code("load_label_between").contains { "\($0)".contains("LoadComparison") })
    }

    /// Whether `name`'s compiled code holds an op whose description starts with `op` (its case name).
    func has(_ name: String, _ op: String) -> Bool { code(name).contains { "\($0)".hasPrefix(op + "(") } }

    func f64(_ name: String, _ values: [Double]) throws -> Value? {
        try instance.invoke(name, values.map { .f64($0.bitPattern) }).first
    }

    @Test("bit fields, masked sums, hashes and bit tests are one op each and give the sequence's result")
    func moreArithmetic() throws {
        let cases: [(String, String, (UInt32, UInt32, UInt32) -> UInt32)] = [
            ("shr_u_and", "i32ShrUAnd", { ($0 >> ($1 & 31)) & $2 }),
            ("shr_u_xor", "i32ShrUXor", { $2 ^ ($0 >> ($1 & 31)) }),
            ("xor_and", "i32XorAnd", { ($0 ^ $1) & $2 }), ("sub_and", "i32SubAnd", { $2 & ($0 &- $1) }),
            ("add_and", "i32AddAnd", { ($0 &+ $1) & $2 }), ("xor_mul", "i32XorMul", { ($0 ^ $1) &* $2 }),
            ("and_eqz", "i32AndEqz", { ($0 & $1 == 0 ? 1 : 0) &+ $2 }),
        ]
        for (name, op, expected) in cases {
            for (a, b, c) in Self.triples + [(0xF0, 0x0F, 5), (0xFF, 33, 0xFFFF_FFFF)] {
                #expect(try i32(name, a, b, c) == expected(a, b, c), "\(name)(\(a), \(b), \(c))")
            }
            #expect(has(name, op), "\(name) runs as \(op)")
        }
    }

    @Test("fused f64 chains round each step; a product subtracted from is not fused as one subtracted")
    func moreFloatingPoint() throws {
        let cases: [(String, String?, (Double, Double, Double) -> Double)] = [
            ("f64_mul_sub", "f64MulSub", { $0 * $1 - $2 }), ("f64_sub_mul_right", nil, { $2 - $0 * $1 }),
            ("f64_sub_mul", "f64SubMul", { ($0 - $1) * $2 }), ("f64_add_mul", "f64AddMul", { $2 * ($0 + $1) }),
        ]
        for (name, op, expected) in cases {
            for (a, b, c) in [(1.5, 2.0, 0.25), (0.1, 0.2, 0.3), (1e308, 10, 1e308), (.nan, 1, 2), (3, 7, 100)] {
                guard case .f64(let bits)? = try f64(name, [a, b, c]) else {
                    Issue.record("\(name): no f64 result")
                    continue
                }
                let (got, want) = (Double(bitPattern: bits), expected(a, b, c))
                #expect(got == want || (got.isNaN && want.isNaN), "\(name)(\(a), \(b), \(c))")
            }
            if let op { #expect(has(name, op), "\(name) runs as \(op)") }
        }
        #expect(!code("f64_sub_mul_right").contains { "\($0)".hasPrefix("f64MulSub") })
    }

    @Test("an f64 comparison and its branch are one op, and a NaN operand fails every comparison")
    func floatingPointBranches() throws {
        let cases: [(String, (Double, Double) -> Bool)] = [("lt", { $0 < $1 }), ("gt", { $0 > $1 }),
                                                            ("le", { $0 <= $1 }), ("ge", { $0 >= $1 })]
        for (test, holds) in cases {
            for form in ["branch", "if"] {
                let name = "f64_\(test)_\(form)"
                for (a, b) in [(1.0, 2.0), (2.0, 1.0), (3.0, 3.0), (.nan, 1.0), (1.0, .nan), (-0.0, 0.0)] {
                    #expect(try f64(name, [a, b]) == .i32(holds(a, b) ? 1 : 2), "\(name)(\(a), \(b))")
                }
                #expect(code(name).contains { "\($0)".hasPrefix("jumpIf") && "\($0)".contains("F64") }, "\(name)")
            }
        }
    }

    @Test("a branch on a loaded word or byte, on a copy and on a counter's step is one op with it")
    func branchesOnValues() throws {
        // A three-node list at 3000: 3000 -> 3008 -> 3016 -> null.
        for (address, next) in [(3000, 3008), (3008, 3016), (3016, 0)] as [(UInt32, UInt32)] {
            _ = try instance.invoke("store_load", [.i32(address &- 8), .i32(0), .i32(next)])
        }
        #expect(try instance.invoke("walk", [.i32(3000)]) == [.i32(3)])
        #expect(try instance.invoke("walk", [.i32(3016)]) == [.i32(1)])
        #expect(try instance.invoke("walk", [.i32(0)]) == [.i32(0)])
        #expect(has("walk", "jumpIfLoadI32Nez"))
        #expect(has("walk", "store32Sum"))
        #expect(throws: TrapError.self) { try instance.invoke("walk", [.i32(65_534)]) }
        // "abc" at 3100 (the list's memory is elsewhere): three bytes to the zero one; 5 counts down to 0.
        _ = try instance.invoke("store_load", [.i32(3092), .i32(0), .i32(0x0063_6261)])
        #expect(try instance.invoke("strlen_countdown", [.i32(3100), .i32(5)]) == [.i32(3)])
        #expect(try instance.invoke("strlen_countdown", [.i32(3103), .i32(0)]) == [.i32(0)])
        #expect(has("strlen_countdown", "jumpIfLoad8UEqz"))
        #expect(has("strlen_countdown", "i32SubJumpIfNez"))
        // rev = list; list = next: the loop runs twice when $a is nonzero, and $y ends as $a.
        #expect(try instance.invoke("copy_branch", [.i32(7), .i32(1)]) == [.i32(8)])
        #expect(try instance.invoke("copy_branch", [.i32(0), .i32(1)]) == [.i32(1)])
        #expect(has("copy_branch", "copyJumpIf"))
        for (index, expected) in [(0, 10), (1, 20), (2, 30), (3, 30), (0xFFFF_FFFF, 30)] as [(UInt32, UInt32)] {
            #expect(try instance.invoke("table_on_local", [.i32(index)]) == [.i32(expected)])
        }
        #expect(!code("table_on_local").contains { "\($0)".hasPrefix("copy(") })
    }
}
