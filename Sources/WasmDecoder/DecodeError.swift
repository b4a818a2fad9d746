/// A module that is not well-formed binary WebAssembly (the spec's "malformed"), or that goes beyond one of the
/// `ImplementationLimits`.
///
/// `description` starts with the message the spec test suite expects for `assert_malformed`, followed by the
/// absolute byte offset where decoding stopped.
public struct DecodeError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What is wrong.
    public var kind: Kind
    /// Absolute byte offset in the module where the problem was found.
    public var offset: Int

    public init(_ kind: Kind, at offset: Int) {
        self.kind = kind
        self.offset = offset
    }

    public var description: String { "\(kind.message) at offset \(offset)" }

    /// The kinds of decode error. Each `message` is the spec's text.
    public enum Kind: Equatable, Sendable {
        case unexpectedEnd
        case magicHeaderNotDetected
        case unknownBinaryVersion
        case integerTooLarge
        case integerRepresentationTooLong
        case malformedSectionID
        case sectionSizeMismatch
        case unexpectedEndOfSectionOrFunction
        case unexpectedContentAfterLastSection
        case lengthOutOfBounds
        case malformedUTF8
        case malformedImportKind
        case malformedExportKind
        case malformedLimitsFlags
        case malformedMutability
        case malformedReferenceType
        case malformedValueType
        case malformedDefinitionType
        case malformedMemopFlags
        case malformedElementKind
        case malformedSegmentFlags
        case malformedTagAttribute
        case malformedCatchKind
        case illegalOpcode(String)
        case endOpcodeExpected
        case zeroByteExpected
        case tooManyLocals
        case functionAndCodeLengthsDiffer
        case dataCountRequired
        case dataCountAndDataLengthsDiffer
        case unsupportedFeature(String)
        /// `count` is above `maximum`, the value of `limit`.
        case limitExceeded(ImplementationLimit, count: Int, maximum: Int)

        public var message: String {
            switch self {
            case .unexpectedEnd: "unexpected end"
            case .magicHeaderNotDetected: "magic header not detected"
            case .unknownBinaryVersion: "unknown binary version"
            case .integerTooLarge: "integer too large"
            case .integerRepresentationTooLong: "integer representation too long"
            case .malformedSectionID: "malformed section id"
            case .sectionSizeMismatch: "section size mismatch"
            case .unexpectedEndOfSectionOrFunction: "unexpected end of section or function"
            case .unexpectedContentAfterLastSection: "unexpected content after last section"
            case .lengthOutOfBounds: "length out of bounds"
            case .malformedUTF8: "malformed UTF-8 encoding"
            case .malformedImportKind: "malformed import kind"
            case .malformedExportKind: "malformed export kind"
            case .malformedLimitsFlags: "malformed limits flags"
            case .malformedMutability: "malformed mutability"
            case .malformedReferenceType: "malformed reference type"
            case .malformedValueType: "malformed value type"
            case .malformedDefinitionType: "malformed definition type"
            case .malformedMemopFlags: "malformed memop flags"
            case .malformedElementKind: "malformed element kind"
            case .malformedSegmentFlags: "malformed elements segment kind"
            case .malformedTagAttribute: "malformed tag attribute"
            case .malformedCatchKind: "malformed catch clause"
            case .illegalOpcode(let code): "illegal opcode \(code)"
            case .endOpcodeExpected: "END opcode expected"
            case .zeroByteExpected: "zero byte expected"
            case .tooManyLocals: "too many locals"
            case .functionAndCodeLengthsDiffer: "function and code section have inconsistent lengths"
            case .dataCountRequired: "data count section required"
            case .dataCountAndDataLengthsDiffer: "data count and data section have inconsistent lengths"
            case .unsupportedFeature(let name): "unsupported feature: \(name)"
            case .limitExceeded(.moduleSize, _, let maximum):
                // A module read from a file is read only one byte beyond the limit, so its size is not known.
                "module too large: more than \(maximum) bytes (implementation limit moduleSize)"
            case .limitExceeded(let limit, let count, let maximum):
                "\(limit.excess): \(count)\(limit == .functionBodySize ? " bytes" : "") > \(maximum) "
                    + "(implementation limit \(limit.rawValue))"
            }
        }
    }
}
