#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// Where a memory's bytes are and how many there are; read by the run loop through a stable pointer.
struct MemoryState {
    var base: UnsafeMutableRawPointer
    var size: Int
}

/// A linear memory (<https://webassembly.github.io/spec/core/exec/runtime.html#memory-instances>).
///
/// A memory reserves its maximum size of address space up front (at most `reservationLimit`) and the kernel
/// supplies zeroed pages as they are first touched: growing costs no copy and no resident memory, and the base
/// never moves (which a shared memory's other threads need). A memory64 whose maximum is beyond the cap is
/// reallocated when it grows instead.
///
/// With `copyOnWrite`, the reservation is a memory file mapped shared (`PageMap`), so that `clone()` shares the
/// pages with the copy instead of copying them: reading never copies, and the first write to a page in either
/// memory copies that page alone.
public final class Memory: @unchecked Sendable {
    public let type: MemoryType
    let state: UnsafeMutablePointer<MemoryState>
    /// Bytes of address space reserved; 0 for a memory that is reallocated as it grows.
    private let reserved: Int
    /// The most address space one memory reserves: a wasm32 memory's 4 GiB, and a memory64's maximum up to it.
    static let reservationLimit = 1 << 32
    /// The most pages this memory may ever have (its maximum, capped by the address space and configuration).
    let pageLimit: UInt64
    /// What the memory's bytes are taken from, if its store has a budget.
    let budget: MemoryBudget?
    /// The files a copy-on-write memory's pages come from; `nil` for anonymous memory.
    private let pages: Mutex<PageMap?>

    /// Creates a zeroed memory of `type.limits.min` pages.
    /// - Returns: `nil` if the memory cannot be allocated, its minimum is above `configuredLimit` or it does not
    ///   fit in `budget`.
    init?(type: MemoryType, pageLimit configuredLimit: UInt64 = 65536, budget: MemoryBudget? = nil,
          copyOnWrite: Bool = false) {
        self.type = type
        self.budget = budget
        let addressLimit: UInt64 = type.limits.addressType == .i32 ? 65536 : 1 << 48
        pageLimit = min(type.limits.max ?? addressLimit, addressLimit, configuredLimit)
        guard type.limits.min <= pageLimit, let bytes = Self.byteCount(pages: type.limits.min),
              let reservation = Self.byteCount(pages: pageLimit), budget?.take(bytes) ?? true else { return nil }
        state = .allocate(capacity: 1)
        if copyOnWrite, reservation <= Self.reservationLimit, let (base, map) = PageMap.create(size: max(reservation, 1)) {
            reserved = max(reservation, 1)
            pages = Mutex(map)
            state.initialize(to: MemoryState(base: base, size: bytes))
            return
        }
        pages = Mutex(nil)
        // A shared memory must not move, so it is reserved or not made; an unshared one falls back to being
        // reallocated if the host refuses the reservation (strict overcommit accounting, say).
        let mapping = type.limits.isShared || reservation <= Self.reservationLimit
            ? mmap(nil, max(reservation, 1), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0)
            : nil
        if let mapping, mapping != MAP_FAILED {
            reserved = max(reservation, 1)
            state.initialize(to: MemoryState(base: mapping, size: bytes))
        } else if !type.limits.isShared, let pointer = calloc(max(bytes, 1), 1) {
            reserved = 0
            state.initialize(to: MemoryState(base: pointer, size: bytes))
        } else {
            state.deallocate()
            budget?.give(bytes)
            return nil
        }
    }

    deinit {
        budget?.give(state.pointee.size)
        if reserved > 0 { munmap(state.pointee.base, reserved) } else { free(state.pointee.base) }
        pages.withLock { $0?.release() }
        state.deallocate()
    }

    /// The size of `pages` pages in bytes, or `nil` if it does not fit in an `Int`.
    private static func byteCount(pages: UInt64) -> Int? {
        let (bytes, overflow) = pages.multipliedReportingOverflow(by: UInt64(MemoryType.pageSize))
        return overflow || bytes > UInt64(Int.max) ? nil : Int(bytes)
    }

    /// Current size in pages.
    public var pageCount: UInt64 { UInt64(state.pointee.size / MemoryType.pageSize) }

    /// Current size in bytes.
    public var byteCount: Int { state.pointee.size }

    /// The memory's bytes, for host code that reads or writes them in place (WASI syscalls).
    /// Valid until the memory grows; don't keep it across calls into wasm.
    public var unsafeMutableBytes: UnsafeMutableRawBufferPointer {
        UnsafeMutableRawBufferPointer(start: state.pointee.base, count: state.pointee.size)
    }

    /// Grows by `delta` pages.
    /// - Returns: the old size in pages, or `nil` if the memory cannot grow that much.
    public func grow(by delta: UInt64) -> UInt64? {
        let old = pageCount
        guard delta <= pageLimit, old + delta <= pageLimit else { return nil }
        if delta == 0 { return old }
        guard let newSize = Self.byteCount(pages: old + delta), budget?.take(newSize - state.pointee.size) ?? true
        else { return nil }
        if reserved == 0 {
            guard let pointer = realloc(state.pointee.base, newSize) else {
                budget?.give(newSize - state.pointee.size)
                return nil
            }
            (pointer + state.pointee.size).initializeMemory(as: UInt8.self, repeating: 0, count: newSize - state.pointee.size)
            state.pointee.base = pointer
        }
        state.pointee.size = newSize
        return old
    }

    /// A copy of this memory's type and contents. A copy-on-write memory shares its pages with the copy; with
    /// `othersWrite` (other threads may write this memory meanwhile), the copy gets its pages copied instead.
    func clone(othersWrite: Bool = false) -> Memory? {
        // Where sharing is refused (no file or mapping left), this memory is still whole and is copied instead.
        let size = byteCount
        if let map = pages.withLock({ $0?.prepareClone(base: state.pointee.base, size: size, exclusive: !othersWrite) }),
           let shared = Memory(type: type, pageLimit: pageLimit, budget: budget, sharing: map, size: size) {
            return shared
        }
        return copy()
    }

    /// How many runs of pages from different memory files make up this memory; `nil` if it is not copy-on-write.
    var pageRuns: Int? { pages.withLock { $0?.runs.count } }

    /// A memory of `size` bytes over the pages of `map`, for a clone.
    private init?(type: MemoryType, pageLimit: UInt64, budget: MemoryBudget?, sharing map: PageMap, size: Int) {
        self.type = type
        self.pageLimit = pageLimit
        self.budget = budget
        guard let reservation = Self.byteCount(pages: pageLimit), budget?.take(size) ?? true else { return nil }
        reserved = max(reservation, 1)
        let base = mmap(nil, reserved, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0)
        guard let base, base != MAP_FAILED else {
            budget?.give(size)
            return nil
        }
        guard map.map(at: base) else {
            munmap(base, reserved)
            budget?.give(size)
            return nil
        }
        pages = Mutex(map)
        state = .allocate(capacity: 1)
        state.initialize(to: MemoryState(base: base, size: size))
    }

    /// A copy of this memory made by copying its bytes.
    private func copy() -> Memory? {
        guard let copy = Memory(type: type, pageLimit: pageLimit, budget: budget) else { return nil }
        guard copy.grow(by: pageCount - copy.pageCount) != nil else { return nil }
        copy.state.pointee.base.copyMemory(from: state.pointee.base, byteCount: state.pointee.size)
        return copy
    }

    /// Reads `count` bytes at `offset`.
    /// - Throws: `Trap.outOfBoundsMemoryAccess` if the range is not inside the memory.
    public func read(offset: Int, count: Int) throws(Trap) -> [UInt8] {
        guard offset >= 0, count >= 0, offset <= byteCount, count <= byteCount - offset else {
            throw .outOfBoundsMemoryAccess
        }
        return [UInt8](UnsafeRawBufferPointer(start: state.pointee.base + offset, count: count))
    }

    /// Writes `bytes` at `offset`.
    /// - Throws: `Trap.outOfBoundsMemoryAccess` if the range is not inside the memory.
    public func write<Bytes: Collection>(_ bytes: Bytes, at offset: Int) throws(Trap) where Bytes.Element == UInt8 {
        guard offset >= 0, offset <= byteCount, bytes.count <= byteCount - offset else {
            throw .outOfBoundsMemoryAccess
        }
        var address = state.pointee.base + offset
        for byte in bytes {
            address.storeBytes(of: byte, as: UInt8.self)
            address += 1
        }
    }
}
