import Foundation

/// Conveniences for embedders.
extension ValidatedModule {
    /// Reads, decodes and validates the module in the file at `path`.
    /// - Throws: a file error, `DecodeError` or `ValidationError`.
    public init(contentsOfFile path: String, features: WasmFeatures = .all) throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        self = try ModuleValidator.load([UInt8](data), features: features)
    }
}

/// An instance used after its store was released.
public struct StoreReleased: Error, Sendable, CustomStringConvertible {
    public var description: String { "the store of this instance was released" }
}

/// An export that is missing or not a function.
public struct MissingExport: Error, Sendable, CustomStringConvertible {
    public var name: String

    public init(name: String) {
        self.name = name
    }

    public var description: String { "no exported function \"\(name)\"" }
}

extension Instance {
    /// Calls the exported function `name` with `arguments`, on `context` or on a new execution context.
    /// - Throws: `MissingExport`, or `TrapError` if the call traps.
    public func invoke(_ name: String, _ arguments: [Value] = [], in context: ExecutionContext? = nil) throws -> [Value] {
        guard let function = exportedFunction(name) else { throw MissingExport(name: name) }
        guard let store else { throw StoreReleased() }
        return try (context ?? ExecutionContext(store: store)).invoke(function, arguments)
    }
}
