/// The types of a module with what validation needs to compare them: subtyping and type equivalence
/// (<https://webassembly.github.io/spec/core/valid/matching.html>).
struct TypeContext: Sendable {
    let types: [SubType]
    /// Equal ids for structurally equivalent types (each type is its own recursion group until GC).
    let canonicalIDs: [Int]

    init(types: [SubType]) {
        self.types = types
        var ids: [Int] = []
        var seen: [CanonicalKey: Int] = [:]
        for (index, type) in types.enumerated() {
            let key = CanonicalKey(type: type, selfIndex: index, ids: ids)
            if let id = seen[key] {
                ids.append(id)
            } else {
                seen[key] = index
                ids.append(index)
            }
        }
        canonicalIDs = ids
    }

    /// A type with references to earlier types replaced by their canonical ids and self-references marked.
    private struct CanonicalKey: Hashable {
        var type: SubType

        init(type: SubType, selfIndex: Int, ids: [Int]) {
            func canonical(_ t: ValueType) -> ValueType {
                guard case .ref(var r) = t, case .concrete(let i) = r.heapType else { return t }
                let id = Int(i) == selfIndex ? -1 : (Int(i) < ids.count ? ids[Int(i)] : Int(i))
                r.heapType = .concrete(TypeIndex(bitPattern: Int32(truncatingIfNeeded: id)))
                return .ref(r)
            }
            let f = type.functionType
            self.type = SubType(composite: .function(FunctionType(
                parameters: f.parameters.map(canonical), results: f.results.map(canonical))))
        }
    }

    func functionType(_ index: TypeIndex) -> FunctionType? {
        Int(index) < types.count ? types[Int(index)].functionType : nil
    }

    /// Whether `a` matches (is a subtype of) `b`.
    func isSubtype(_ a: ValueType, _ b: ValueType) -> Bool {
        // Spelled out rather than `a == b`, which calls the derived equality of the whole enum.
        switch (a, b) {
        case (.i32, .i32), (.i64, .i64), (.f32, .f32), (.f64, .f64), (.v128, .v128): true
        case (.ref(let ra), .ref(let rb)): isSubtype(ra, rb)
        default: false
        }
    }

    func isSubtype(_ a: ReferenceType, _ b: ReferenceType) -> Bool {
        (!a.isNullable || b.isNullable) && isSubtype(a.heapType, b.heapType)
    }

    func isSubtype(_ a: HeapType, _ b: HeapType) -> Bool {
        switch (a, b) {
        case (.abstract(let x), .abstract(let y)):
            return x == y || (x == x.bottom && x.top == y.top) || (x.top == .any && y == .any)
        case (.concrete(let x), .concrete(let y)):
            return canonicalIDs[Int(x)] == canonicalIDs[Int(y)]
        case (.concrete, .abstract(let y)):
            return y == .func
        case (.abstract(let x), .concrete):
            return x == .nofunc
        }
    }

    /// Whether every type of `a` matches the type at the same position of `b`.
    func isSubtype(_ a: [ValueType], _ b: [ValueType]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { isSubtype($0, $1) }
    }
}
