import WasmInterpreter

/// How a WASIX syscall ends the invocation that called it on purpose; it reaches `WasixThread.run` as
/// `Trap.terminated`. Not a fault of the guest.
enum Termination: HostTermination, CustomStringConvertible {
    /// The process exits with this status (`proc_exit`, or a signal's default action: 128 + its number).
    case exit(Int32)
    /// The thread continues elsewhere: the syscall left a `WasixThread.Action` (`exec`, `longjmp`).
    case unwound

    var description: String {
        switch self {
        case .exit(let status): "exit with status \(status)"
        case .unwound: "unwound by the host"
        }
    }
}

extension Trap {
    /// The WASIX termination this trap carries, if it is one.
    var termination: Termination? {
        if case .terminated(let termination) = self { return termination as? Termination }
        return nil
    }
}
