import Dispatch
import Foundation

/// A sampling profiler of guest code: every `interval` it asks each running context of the stores it is
/// attached to (`Store.profiler`) for a sample, which the context takes at its next safepoint (a loop iteration
/// or a call) as the names of its frames. The result is folded stacks, which flame-graph tools read.
public final class Profiler: @unchecked Sendable {
    public let interval: Duration
    private let lock = NSLock()
    private var contexts: [WeakContext] = []
    private var counts: [String: Int] = [:]
    private var timer: DispatchSourceTimer?

    private struct WeakContext { weak var context: ExecutionContext? }

    public init(interval: Duration = .milliseconds(1)) {
        self.interval = interval
    }

    /// Starts sampling.
    public func start() {
        let timer = DispatchSource.makeTimerSource(queue: .global())
        let nanoseconds = max(Int(interval.components.seconds * 1_000_000_000 + interval.components.attoseconds / 1_000_000_000), 10_000)
        timer.schedule(deadline: .now(), repeating: .nanoseconds(nanoseconds))
        timer.setEventHandler { [weak self] in self?.tick() }
        lock.withLock { self.timer = timer }
        timer.resume()
    }

    /// Stops sampling; what was taken stays.
    public func stop() {
        lock.withLock { timer }?.cancel()
    }

    func register(_ context: ExecutionContext) {
        lock.withLock { contexts.append(WeakContext(context: context)) }
    }

    /// Asks every context that is running wasm (not waiting in a host call, where it would hold the sample
    /// until it returns) for a sample.
    private func tick() {
        let running = lock.withLock {
            contexts.removeAll { $0.context == nil }
            return contexts.compactMap(\.context)
        }
        for context in running where context.isRunningWasm { context.requestSample() }
    }

    /// Counts one sample: function names, outermost first.
    func record(_ stack: [String]) {
        let key = stack.joined(separator: ";")
        lock.withLock { counts[key, default: 0] += 1 }
    }

    /// The samples as folded stacks: one line per distinct stack, `outer;inner count`.
    public var foldedStacks: String {
        lock.withLock { counts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)\n" }.joined() }
    }

    /// How many samples were taken.
    public var sampleCount: Int { lock.withLock { counts.values.reduce(0, +) } }

    /// The functions that were sampled most: in how many samples each was running itself (`selfSamples`) or
    /// was on the stack (`totalSamples`), by self time then total.
    public func hottest(_ count: Int) -> [(name: String, selfSamples: Int, totalSamples: Int)] {
        var own: [String: Int] = [:], total: [String: Int] = [:]
        lock.withLock {
            for (stack, samples) in counts {
                let names = stack.split(separator: ";").map(String.init)
                if let leaf = names.last { own[leaf, default: 0] += samples }
                for name in Set(names) { total[name, default: 0] += samples }
            }
        }
        return total.map { (name: $0.key, selfSamples: own[$0.key] ?? 0, totalSamples: $0.value) }
            .sorted { ($0.selfSamples, $0.totalSamples, $1.name) > ($1.selfSamples, $1.totalSamples, $0.name) }
            .prefix(count).map { $0 }
    }
}
