#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization
import WasmInterpreter

/// The host's SIGINT, SIGTERM and SIGHUP for runs that pass them on to their guest
/// (`WasixConfiguration.forwardsInterrupts`). A run blocks them in its thread (threads of the runtime never take
/// them, see `HostThread.interrupts`) and registers a handler; one thread of ours waits for them with `sigwait`
/// and calls every handler registered at the time. They stay ignored (`SIG_IGN`) where they are not blocked, as
/// before the first run.
enum HostInterrupts {
    /// Handlers by registration number.
    private static let handlers = Mutex<[Int: @Sendable (Int32) -> Void]>([:])
    private static let nextNumber = Atomic<Int>(0)
    /// Starts the waiting thread, once.
    private static let waiter: Void = {
        HostThread.detach(stackSize: 64 << 10) {
            var set = sigset_t()
            sigemptyset(&set)
            for signal in HostThread.interrupts { sigaddset(&set, signal) }
            while true {
                var signal: Int32 = 0
                guard sigwait(&set, &signal) == 0 else { continue }
                for handler in handlers.withLock({ Array($0.values) }) { handler(signal) }
            }
        }
    }()

    /// A registration: `cancel()` removes the handler and restores the thread's signal mask.
    struct Registration {
        fileprivate let number: Int
        fileprivate let previousMask: sigset_t

        /// Call on the thread that registered.
        func cancel() {
            _ = HostInterrupts.handlers.withLock { $0.removeValue(forKey: number) }
            var mask = previousMask
            pthread_sigmask(SIG_SETMASK, &mask, nil)
        }
    }

    /// Calls `handler` with each of the signals that arrives until the registration is cancelled.
    static func register(_ handler: @escaping @Sendable (Int32) -> Void) -> Registration {
        var blocked = sigset_t(), previous = sigset_t()
        sigemptyset(&blocked)
        for interrupt in HostThread.interrupts {
            signal(interrupt, SIG_IGN)
            sigaddset(&blocked, interrupt)
        }
        pthread_sigmask(SIG_BLOCK, &blocked, &previous)
        let number = nextNumber.wrappingAdd(1, ordering: .relaxed).newValue
        handlers.withLock { $0[number] = handler }
        _ = waiter
        return Registration(number: number, previousMask: previous)
    }
}
