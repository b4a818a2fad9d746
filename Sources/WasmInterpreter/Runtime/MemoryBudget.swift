import Synchronization

/// A cap on the bytes that linear memories hold together, shared by every store it is set in
/// (`Store.ResourceLimits.memoryBudget`): a process tree's forks, threads and exec'd programs share their
/// parent's. A memory takes its initial size from it when it is made and its growth when it grows, and gives it
/// all back when it is freed; beyond the cap, making a memory fails and `memory.grow` returns -1.
public final class MemoryBudget: Sendable {
    /// The cap in bytes.
    public let limit: Int
    private let used = Atomic<Int>(0)
    private let highest = Atomic<Int>(0)

    public init(bytes limit: Int) {
        self.limit = limit
    }

    /// Bytes held now.
    public var inUse: Int { used.load(ordering: .relaxed) }

    /// The most bytes held at once so far.
    public var peak: Int { highest.load(ordering: .relaxed) }

    /// Takes `bytes` if they fit under the cap.
    func take(_ bytes: Int) -> Bool {
        var current = used.load(ordering: .relaxed)
        while true {
            let (next, overflow) = current.addingReportingOverflow(bytes)
            guard !overflow, next <= limit else { return false }
            let (exchanged, original) = used.compareExchange(expected: current, desired: next, ordering: .relaxed)
            if exchanged {
                highest.max(next, ordering: .relaxed)
                return true
            }
            current = original
        }
    }

    /// Gives back `bytes` taken before.
    func give(_ bytes: Int) {
        used.wrappingSubtract(bytes, ordering: .relaxed)
    }
}
