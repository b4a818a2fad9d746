/// A runtime fault. `description` is the spec's message, so the spec runner can compare it directly.
public enum Trap: Error, Sendable, CustomStringConvertible {
    case unreachable
    case integerDivideByZero
    case integerOverflow
    case invalidConversionToInteger
    case outOfBoundsMemoryAccess
    case outOfBoundsTableAccess
    case undefinedElement
    case uninitializedElement
    case indirectCallTypeMismatch
    case nullFunctionReference
    case nullReference
    case nullExceptionReference
    case callStackExhausted
    case unalignedAtomic
    case expectedSharedMemory
    /// An exception no handler caught; the payload is its address in the store.
    case uncaughtException(Int)
    /// An error thrown by a host function.
    case host(String)
    /// A host function ended the invocation on purpose with an error of the embedder's own (WASIX: the guest
    /// exits, or continues elsewhere after `exec` or `longjmp`). Not a fault: it reaches the embedder unchanged.
    case terminated(any HostTermination)
    /// The invocation used up its fuel (`Store.ResourceLimits.fuel`).
    case fuelExhausted
    /// The invocation ran longer than `Store.ResourceLimits.timeout`.
    case timeout

    public var description: String {
        switch self {
        case .unreachable: "unreachable"
        case .integerDivideByZero: "integer divide by zero"
        case .integerOverflow: "integer overflow"
        case .invalidConversionToInteger: "invalid conversion to integer"
        case .outOfBoundsMemoryAccess: "out of bounds memory access"
        case .outOfBoundsTableAccess: "out of bounds table access"
        case .undefinedElement: "undefined element"
        case .uninitializedElement: "uninitialized element"
        case .indirectCallTypeMismatch: "indirect call type mismatch"
        case .nullFunctionReference: "null function reference"
        case .nullReference: "null reference"
        case .nullExceptionReference: "null exception reference"
        case .callStackExhausted: "call stack exhausted"
        case .unalignedAtomic: "unaligned atomic"
        case .expectedSharedMemory: "expected shared memory"
        case .uncaughtException: "uncaught exception"
        case .host(let message): message
        case .terminated(let termination): "\(termination)"
        case .fuelExhausted: "fuel exhausted"
        case .timeout: "execution timed out"
        }
    }
}

/// An error a host function throws to end the invocation it was called from on purpose (not a fault of the
/// guest); the invocation's caller receives it as `Trap.terminated`.
public protocol HostTermination: Error, Sendable {}

/// A trap with the wasm call stack at the moment it happened, innermost frame first.
public struct TrapError: Error, Sendable, CustomStringConvertible {
    public let trap: Trap
    /// Function names (from the name section, else `func[N]`) of the frames, innermost first.
    public let backtrace: [String]

    public init(trap: Trap, backtrace: [String]) {
        self.trap = trap
        self.backtrace = backtrace
    }

    public var description: String {
        ([trap.description] + backtrace.enumerated().map { "  \($0.offset): \($0.element)" }).joined(separator: "\n")
    }
}
