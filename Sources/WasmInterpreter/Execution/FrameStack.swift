/// The frame records of one execution context, in a buffer the context owns.
///
/// An `Array` would check uniqueness and bounds on every call and return; this stack does neither (indices come
/// from the context itself), and grows by doubling up to the context's call-depth limit.
struct FrameStack {
    private(set) var base: UnsafeMutablePointer<ExecutionContext.FrameRecord>
    private(set) var count = 0
    private var capacity: Int
    /// The call-depth limit.
    let maximum: Int
    /// How many records fit without growing or passing `maximum`: the run loop's fast path checks only this.
    private(set) var limit: Int

    init(capacity: Int = 256, maximum: Int) {
        self.capacity = capacity
        self.maximum = maximum
        limit = min(capacity, maximum)
        base = .allocate(capacity: capacity)
    }

    /// Frees the buffer; the stack is unusable afterwards.
    func deallocate() { base.deallocate() }

    @inline(__always)
    mutating func append(_ record: ExecutionContext.FrameRecord) {
        if count == capacity { grow() }
        (base + count).initialize(to: record)
        count &+= 1
    }

    /// Saves the top record's resume point `ip` and pushes `record`, for a caller that read `count` and checked
    /// it is below `limit`.
    @inline(__always)
    mutating func call(from ip: UnsafePointer<Inst>, to record: ExecutionContext.FrameRecord, count: Int) {
        let top = base + count
        top[-1].ip = ip
        top.initialize(to: record)
        self.count = count &+ 1
    }

    private mutating func grow() {
        let larger = UnsafeMutablePointer<ExecutionContext.FrameRecord>.allocate(capacity: capacity * 2)
        larger.moveInitialize(from: base, count: count)
        base.deallocate()
        base = larger
        capacity *= 2
        limit = min(capacity, maximum)
    }

    @inline(__always)
    mutating func removeLast() { count &-= 1 }

    /// Drops every record from index `depth` on.
    mutating func truncate(to depth: Int) { count = min(count, depth) }

    @inline(__always)
    subscript(index: Int) -> ExecutionContext.FrameRecord {
        get { base[index] }
        nonmutating set { base[index] = newValue }
    }

    var last: ExecutionContext.FrameRecord? { count > 0 ? base[count - 1] : nil }

    /// Copies of the records from index `start` on, outermost first.
    func records(from start: Int = 0) -> [ExecutionContext.FrameRecord] {
        Array(UnsafeBufferPointer(start: base + min(start, count), count: max(count - start, 0)))
    }
}
