/// The most a module may declare (<https://webassembly.github.io/spec/core/appendix/implementation.html>), so that
/// a hostile module is refused while decoding instead of making the host allocate for it.
///
/// The defaults are the JS API's (<https://webassembly.github.io/spec/js-api/#limits>), which browsers enforce;
/// `branchTableTargets` is V8's and `elementSegments` wasmtime's, since the JS API sets neither. A module beyond one
/// is a `DecodeError` whose kind, `limitExceeded`, names the limit and its value. Sizes of tables and memories are
/// limits of the store instead (`Store.ResourceLimits`), checked when instantiating: validation must accept a table
/// of 2^32-1 elements, which the spec suite declares without instantiating.
public struct ImplementationLimits: Hashable, Sendable {
    /// Bytes in the whole module.
    public var moduleSize = 1 << 30
    /// Types in the type section.
    public var types = 1_000_000
    /// Functions defined in the module (the function and code sections).
    public var functions = 1_000_000
    /// Imports of any kind.
    public var imports = 1_000_000
    /// Exports of any kind.
    public var exports = 1_000_000
    /// Globals defined in the module.
    public var globals = 1_000_000
    /// Tags defined in the module.
    public var tags = 1_000_000
    /// Tables, imported and defined.
    public var tables = 100_000
    /// Memories, imported and defined.
    public var memories = 100
    /// Element segments.
    public var elementSegments = 100_000
    /// Elements in one element segment.
    public var segmentElements = 10_000_000
    /// Data segments.
    public var dataSegments = 100_000
    /// Parameters of one function type.
    public var parameters = 1_000
    /// Results of one function type.
    public var results = 1_000
    /// Bytes in one function body, local declarations included.
    public var functionBodySize = 7_654_321
    /// Locals of one function, its parameters included.
    public var locals = 50_000
    /// Targets of one `br_table`, its default excluded.
    public var branchTableTargets = 65_520

    /// The defaults above.
    public init() {}

    /// The defaults above.
    public static let `default` = ImplementationLimits()

    /// The value of `limit`.
    public subscript(limit: ImplementationLimit) -> Int {
        get { self[keyPath: limit.property] }
        set { self[keyPath: limit.property] = newValue }
    }
}

/// One of the `ImplementationLimits`, named as its property is.
public enum ImplementationLimit: String, CaseIterable, Hashable, Sendable {
    case moduleSize, types, functions, imports, exports, globals, tags, tables, memories, elementSegments,
        segmentElements, dataSegments, parameters, results, functionBodySize, locals, branchTableTargets

    /// The property of `ImplementationLimits` that holds this limit.
    var property: WritableKeyPath<ImplementationLimits, Int> {
        switch self {
        case .moduleSize: \.moduleSize
        case .types: \.types
        case .functions: \.functions
        case .imports: \.imports
        case .exports: \.exports
        case .globals: \.globals
        case .tags: \.tags
        case .tables: \.tables
        case .memories: \.memories
        case .elementSegments: \.elementSegments
        case .segmentElements: \.segmentElements
        case .dataSegments: \.dataSegments
        case .parameters: \.parameters
        case .results: \.results
        case .functionBodySize: \.functionBodySize
        case .locals: \.locals
        case .branchTableTargets: \.branchTableTargets
        }
    }

    /// What goes over the limit, as an error message says it: "too many locals", "function body too large".
    public var excess: String {
        switch self {
        case .moduleSize: "module too large"
        case .functionBodySize: "function body too large"
        case .segmentElements: "too many elements in a segment"
        case .branchTableTargets: "too many br_table targets"
        case .elementSegments: "too many element segments"
        case .dataSegments: "too many data segments"
        default: "too many \(rawValue)"
        }
    }
}

extension ImplementationLimits {
    /// Checks a count read at `offset` against `limit`.
    /// - Throws: `DecodeError` of kind `limitExceeded` if `count` is above it.
    func check(_ limit: ImplementationLimit, _ count: Int, at offset: Int) throws(DecodeError) {
        let maximum = self[limit]
        guard count <= maximum else {
            throw DecodeError(.limitExceeded(limit, count: count, maximum: maximum), at: offset)
        }
    }
}
