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
    /// The guest asked to exit with this status (WASI `proc_exit`); not a fault.
    case exit(Int32)
    /// A host function abandoned the invocation on purpose, to continue elsewhere (WASIX `exec` and `longjmp`);
    /// the embedder that asked for it knows where. Not a fault.
    case unwound
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
        case .exit(let status): "exit with status \(status)"
        case .unwound: "unwound by the host"
        case .fuelExhausted: "fuel exhausted"
        case .timeout: "execution timed out"
        }
    }
}

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
