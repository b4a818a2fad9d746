/// Types of the WebAssembly type system, as decoded from the binary format.
///
/// The representation follows the Wasm 3.0 type grammar (<https://webassembly.github.io/spec/core/syntax/types.html>):
/// reference types carry a nullability bit and a heap type that is either abstract or a concrete type index,
/// and every defined type is a `SubType` in a recursion group, so GC's struct and array types can be added
/// as new `CompositeType` cases without changing any other type.

/// A value type: number, vector or reference.
public enum ValueType: Hashable, Sendable, CustomStringConvertible {
    case i32, i64, f32, f64, v128
    case ref(ReferenceType)

    /// `funcref`, the nullable reference to any function.
    public static let funcref = ValueType.ref(.funcref)
    /// `externref`, the nullable reference to a host value.
    public static let externref = ValueType.ref(.externref)
    /// `exnref`, the nullable reference to an exception.
    public static let exnref = ValueType.ref(.exnref)

    /// Whether the type is a reference type.
    public var isReference: Bool {
        if case .ref = self { return true }
        return false
    }

    /// Whether a local of this type has a default value (non-nullable references do not).
    public var isDefaultable: Bool {
        if case .ref(let r) = self { return r.isNullable }
        return true
    }

    public var description: String {
        switch self {
        case .i32: "i32"
        case .i64: "i64"
        case .f32: "f32"
        case .f64: "f64"
        case .v128: "v128"
        case .ref(let r): r.description
        }
    }
}

/// A reference type `(ref null? heaptype)`.
public struct ReferenceType: Hashable, Sendable, CustomStringConvertible {
    public var isNullable: Bool
    public var heapType: HeapType

    public init(isNullable: Bool, heapType: HeapType) {
        self.isNullable = isNullable
        self.heapType = heapType
    }

    public static let funcref = ReferenceType(isNullable: true, heapType: .abstract(.func))
    public static let externref = ReferenceType(isNullable: true, heapType: .abstract(.extern))
    public static let exnref = ReferenceType(isNullable: true, heapType: .abstract(.exn))

    public var description: String {
        switch (isNullable, heapType) {
        case (true, .abstract(.func)): "funcref"
        case (true, .abstract(.extern)): "externref"
        case (true, .abstract(.exn)): "exnref"
        default: "(ref \(isNullable ? "null " : "")\(heapType))"
        }
    }
}

/// A heap type: an abstract one, or a type defined in the module.
public enum HeapType: Hashable, Sendable, CustomStringConvertible {
    case abstract(AbstractHeapType)
    case concrete(TypeIndex)

    public var description: String {
        switch self {
        case .abstract(let a): a.rawValue
        case .concrete(let i): "\(i)"
        }
    }
}

/// Abstract heap types. The GC ones (`any`, `eq`, `i31`, `struct`, `array`, `none`) are decoded only to be
/// reported as unsupported; the bottom types of the func, extern and exn hierarchies are supported.
public enum AbstractHeapType: String, Hashable, Sendable {
    case `func`, extern, exn
    case nofunc, noextern, noexn
    case any, eq, i31, `struct`, array, none

    /// The top of this type's hierarchy.
    public var top: AbstractHeapType {
        switch self {
        case .func, .nofunc: .func
        case .extern, .noextern: .extern
        case .exn, .noexn: .exn
        case .any, .eq, .i31, .struct, .array, .none: .any
        }
    }

    /// The bottom of this type's hierarchy.
    public var bottom: AbstractHeapType {
        switch top {
        case .func: .nofunc
        case .extern: .noextern
        case .exn: .noexn
        default: .none
        }
    }
}

/// A function type `[params] -> [results]`.
public struct FunctionType: Hashable, Sendable, CustomStringConvertible {
    public var parameters: [ValueType]
    public var results: [ValueType]

    public init(parameters: [ValueType] = [], results: [ValueType] = []) {
        self.parameters = parameters
        self.results = results
    }

    public var description: String {
        "[\(parameters.map(\.description).joined(separator: " "))] -> [\(results.map(\.description).joined(separator: " "))]"
    }
}

/// The structure of a defined type. Only function types exist until GC adds structs and arrays.
public enum CompositeType: Hashable, Sendable {
    case function(FunctionType)
}

/// A defined type with its subtyping information (Wasm 3.0 `subtype`).
public struct SubType: Hashable, Sendable {
    public var isFinal: Bool
    public var supertypes: [TypeIndex]
    public var composite: CompositeType

    public init(isFinal: Bool = true, supertypes: [TypeIndex] = [], composite: CompositeType) {
        self.isFinal = isFinal
        self.supertypes = supertypes
        self.composite = composite
    }

    /// The function type, for a function composite type.
    public var functionType: FunctionType {
        switch composite {
        case .function(let f): f
        }
    }
}

/// Whether a memory or table is addressed with 32- or 64-bit indices.
public enum AddressType: Hashable, Sendable {
    case i32, i64

    /// The value type of addresses.
    public var valueType: ValueType { self == .i32 ? .i32 : .i64 }
}

/// Size limits of a memory (in pages) or table (in elements).
public struct Limits: Hashable, Sendable {
    public var min: UInt64
    public var max: UInt64?
    public var addressType: AddressType
    public var isShared: Bool

    public init(min: UInt64, max: UInt64? = nil, addressType: AddressType = .i32, isShared: Bool = false) {
        self.min = min
        self.max = max
        self.addressType = addressType
        self.isShared = isShared
    }
}

/// A memory type: limits in 64 KiB pages.
public struct MemoryType: Hashable, Sendable {
    public var limits: Limits

    /// Bytes per page.
    public static let pageSize = 65536

    public init(limits: Limits) {
        self.limits = limits
    }
}

/// A table type: element reference type and limits in elements.
public struct TableType: Hashable, Sendable {
    public var elementType: ReferenceType
    public var limits: Limits

    public init(elementType: ReferenceType, limits: Limits) {
        self.elementType = elementType
        self.limits = limits
    }
}

/// A global type: value type and mutability.
public struct GlobalType: Hashable, Sendable {
    public var valueType: ValueType
    public var isMutable: Bool

    public init(valueType: ValueType, isMutable: Bool) {
        self.valueType = valueType
        self.isMutable = isMutable
    }
}

/// A tag type (exception handling): the index of a function type whose results are empty.
public struct TagType: Hashable, Sendable {
    public var typeIndex: TypeIndex

    public init(typeIndex: TypeIndex) {
        self.typeIndex = typeIndex
    }
}

/// The type of an instruction sequence's block: empty, one result, or a function type.
public enum BlockType: Hashable, Sendable {
    case empty
    case value(ValueType)
    case type(TypeIndex)
}
