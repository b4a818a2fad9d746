/// A module that decodes but is not valid (<https://webassembly.github.io/spec/core/valid/index.html>).
///
/// `description` starts with the message the spec test suite expects for `assert_invalid`, then says where:
/// the function index and the byte offset of the offending instruction.
public struct ValidationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The spec's text, e.g. "type mismatch" or "unknown local 3".
    public var message: String
    /// The function whose body is invalid, if the problem is in a body.
    public var function: FunctionIndex?
    /// Absolute byte offset of the offending instruction or definition, when known.
    public var offset: Int?

    public init(_ message: String, function: FunctionIndex? = nil, offset: Int? = nil) {
        self.message = message
        self.function = function
        self.offset = offset
    }

    public var description: String {
        var text = message
        if let function { text += " in function \(function)" }
        if let offset { text += " at offset \(offset)" }
        return text
    }

    static let typeMismatch = ValidationError("type mismatch")
    static let constantExpressionRequired = ValidationError("constant expression required")

    static func unknown(_ space: String, _ index: UInt32) -> ValidationError {
        ValidationError("unknown \(space) \(index)")
    }
}
