/// A sampling profiler of guest code: every `interval` it asks each running context of the stores it is
/// attached to (`Store.profiler`) for a sample, which the context takes at its next safepoint (a loop iteration
/// or a call) as the names of its frames. The result is folded stacks, which flame-graph tools read.
public final class Profiler: @unchecked Sendable {
    public let interval: Duration
    private let lock = Lock()
    private var contexts: [WeakContext] = []
    private var counts: [String: Int] = [:]
    private var timer: DeadlineTimer?

    private struct WeakContext { weak var context: ExecutionContext? }

    public init(interval: Duration = .milliseconds(1)) {
        self.interval = interval
    }

    /// Starts sampling.
    public func start() {
        let period = max(interval, .microseconds(10))
        let timer = DeadlineTimer(after: period, repeats: true) { [weak self] in
            guard let self else { return false }
            tick()
            return true
        }
        lock.withLock { self.timer = timer }
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

extension Profiler {
    /// The samples as a flame graph: an SVG of one bar per function on the stack, as wide as its share of the
    /// samples, callers below callees; hovering a bar names it with its count.
    public func flameGraph(title: String) -> String {
        final class Node {
            var count = 0
            var children: [String: Node] = [:]
        }
        let root = Node()
        for line in foldedStacks.split(separator: "\n") {
            guard let space = line.lastIndex(of: " "), let count = Int(line[line.index(after: space)...]) else { continue }
            var node = root
            node.count += count
            for name in line[..<space].split(separator: ";").map(String.init) {
                let child = node.children[name] ?? Node()
                node.children[name] = child
                child.count += count
                node = child
            }
        }
        let width = 1200.0, row = 17.0, top = 40.0
        let total = Double(max(root.count, 1))
        // Frames narrower than half a pixel are left out, with what they call (as flame-graph tools do).
        func shown(_ node: Node) -> Bool { width * Double(node.count) / total >= 0.5 }
        func depth(_ node: Node) -> Int { 1 + (node.children.values.filter(shown).map(depth).max() ?? 0) }
        let height = top + row * Double(depth(root)) + 10
        var bars: [String] = []
        func escape(_ text: String) -> String {
            var escaped = ""
            for scalar in text.unicodeScalars {
                switch scalar {
                case "&": escaped += "&amp;"
                case "<": escaped += "&lt;"
                case ">": escaped += "&gt;"
                default: escaped.unicodeScalars.append(scalar)
                }
            }
            return escaped
        }
        func draw(_ node: Node, name: String, x: Double, level: Int) {
            let w = width * Double(node.count) / total
            let y = height - 10 - row * Double(level + 1)
            let hue = name.utf8.reduce(0) { ($0 &* 31 &+ Int($1)) & 0xffff } % 40
            let label = w > 7 * 8 ? escape(String(name.prefix(Int(w / 7) - 1))) : ""
            bars.append("""
                <g><title>\(escape(name)) (\(node.count) samples, \(formatted(100 * Double(node.count) / total, digits: 1))%)</title>\
                <rect x="\(formatted(x, digits: 1))" y="\(Int(y))" width="\(formatted(max(w - 0.5, 0.1), digits: 1))" \
                height="\(Int(row) - 1)" fill="hsl(\(10 + hue),80%,60%)"/>\
                <text x="\(formatted(x + 3, digits: 1))" y="\(Int(y) + 12)">\(label)</text></g>
                """)
            var offset = x
            for (childName, child) in node.children.sorted(by: { $0.key < $1.key }) {
                if shown(child) { draw(child, name: childName, x: offset, level: level + 1) }
                offset += width * Double(child.count) / total
            }
        }
        draw(root, name: "all", x: 0, level: 0)
        return """
            <?xml version="1.0" standalone="no"?>
            <svg version="1.1" width="\(Int(width))" height="\(Int(height))" xmlns="http://www.w3.org/2000/svg">
            <style>text { font-family: monospace; font-size: 12px; }</style>
            <rect width="100%" height="100%" fill="#f8f8f0"/>
            <text x="\(width / 2)" y="24" text-anchor="middle" style="font-size:16px">\(escape(title))</text>
            \(bars.joined(separator: "\n"))
            </svg>

            """
    }
}
