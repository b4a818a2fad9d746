/// The values a module's imports resolve to, by module and field name (and, for functions defined under one
/// name with several types, by type).
public struct Imports: Sendable {
    /// Names are compared as UTF-8 bytes, like export names.
    var entries: [[UInt8]: [[UInt8]: [ExternalValue]]] = [:]

    public init() {}

    /// Makes `value` importable as `module`.`name`, replacing what was defined under that name.
    public mutating func define(module: String, name: String, _ value: ExternalValue) {
        entries[Array(module.utf8), default: [:]][Array(name.utf8)] = [value]
    }

    /// Adds `function` as another shape of `module`.`name`: an import of that name gets the first function
    /// defined under it whose type it expects (WASIX has calls whose type changed over time).
    public mutating func overload(module: String, name: String, _ function: Function) {
        entries[Array(module.utf8), default: [:]][Array(name.utf8), default: []].append(.function(function))
    }

    /// Makes every export of `instance` importable under `module`.
    public mutating func define(module: String, exportsOf instance: Instance) {
        for (name, value) in instance.exports { define(module: module, name: name, value) }
    }

    /// The value for an import; among functions of one name, the first whose type id is `typeID`.
    func lookup(module: String, name: String, typeID: Int? = nil) -> ExternalValue? {
        guard let values = entries[Array(module.utf8)]?[Array(name.utf8)] else { return nil }
        return values.first { value in
            if case .function(let function) = value, let typeID { return function.typeID == typeID }
            return true
        } ?? values.first
    }
}

/// Why instantiation failed before any code ran.
public struct LinkError: Error, Sendable, CustomStringConvertible {
    /// The spec's message: "unknown import" or "incompatible import type".
    public var message: String
    public var module: String
    public var name: String

    public var description: String { "\(message): \(module).\(name)" }
}

/// Instantiation errors: linking, or a trap while initialising (segments out of bounds, start function).
public enum InstantiationError: Error, Sendable, CustomStringConvertible {
    case link(LinkError)
    case trap(TrapError)
    /// A memory or table could not be allocated within the store's limits.
    case resourceExhausted(String)

    public var description: String {
        switch self {
        case .link(let e): e.description
        case .trap(let t): t.description
        case .resourceExhausted(let what): "cannot allocate \(what)"
        }
    }
}
