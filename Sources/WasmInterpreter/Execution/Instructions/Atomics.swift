import Synchronization

/// Atomic memory instructions (threads proposal). Accesses reinterpret the guest's bytes as
/// `Synchronization.Atomic` values, which have the layout of the plain integer they wrap.
enum Atomics {
    static func fence() {
        atomicMemoryFence(ordering: .sequentiallyConsistent)
    }

    /// Runs an atomic instruction; `interruptible` lets a timeout or `interrupt()` end a `memory.atomic.wait`
    /// that nobody would notify.
    static func execute(_ opcode: Opcode, _ o: MemoryOperand,
                        memories: UnsafeMutablePointer<UnsafeMutablePointer<MemoryState>>,
                        instance: Instance, fp: UnsafeMutablePointer<UInt64>,
                        interruptible: ExecutionContext?) throws(Trap) {
        let width = UInt64(1) << UInt64(opcode.naturalAlignment ?? 0)
        // Alignment is checked before bounds, on the effective address as a mathematical sum, except that for
        // `wait` and `notify` an effective address past 2^64 (memory64 only) is out of bounds first: the order
        // wasmtime follows, which the differential tests compare against.
        let (effective, overflow) = o.base(fp).addingReportingOverflow(UInt64(o.offset))
        let waitOrNotify = opcode == .memoryAtomicNotify || opcode == .memoryAtomicWait32 || opcode == .memoryAtomicWait64
        guard !(overflow && waitOrNotify) else { throw .outOfBoundsMemoryAccess }
        guard effective % width == 0 else { throw .unalignedAtomic }
        let pointer = try address(o, width, memories, fp)
        let operand = fp[slot: o.value]
        let replacement = fp[slot: o.value + 1]
        switch opcode {
        case .memoryAtomicNotify:
            let memory = instance.memories[o.memoryIndex]
            fp[slot: o.address] = UInt64(ParkingLot.shared.notify(memory, pointer, count: UInt32(truncatingIfNeeded: operand)))
            return
        case .memoryAtomicWait32, .memoryAtomicWait64:
            let memory = instance.memories[o.memoryIndex]
            guard memory.type.limits.isShared else { throw .expectedSharedMemory }
            let timeout = Int64(bitPattern: replacement)
            let interrupted = interruptible.map { context in { context.attention.load(ordering: .relaxed) & ExecutionContext.interruptBit != 0 } }
            let result = ParkingLot.shared.wait(memory, pointer, timeout: timeout < 0 ? nil : UInt64(timeout),
                                                interrupted: interrupted) {
                width == 4 ? UInt64(load(pointer, as: UInt32.self)) == (operand & 0xFFFF_FFFF)
                           : load(pointer, as: UInt64.self) == operand
            }
            guard result != ParkingLot.interrupted else { throw .timeout }
            fp[slot: o.address] = UInt64(result)
            return
        default:
            break
        }
        let operation = AtomicOperation(opcode)
        let old: UInt64
        switch width {
        case 1: old = perform(pointer, UInt8.self, operation, operand, replacement)
        case 2: old = perform(pointer, UInt16.self, operation, operand, replacement)
        case 4: old = perform(pointer, UInt32.self, operation, operand, replacement)
        default: old = perform(pointer, UInt64.self, operation, operand, replacement)
        }
        if operation != .store { fp[slot: o.address] = old }
    }

    static func load<T: AtomicWord>(_ pointer: UnsafeMutableRawPointer, as: T.Type) -> T {
        T.atomic(pointer, .load, 0, 0)
    }

    private static func perform<T: AtomicWord>(_ pointer: UnsafeMutableRawPointer, _: T.Type, _ operation: AtomicOperation,
                                               _ operand: UInt64, _ replacement: UInt64) -> UInt64 {
        UInt64(T.atomic(pointer, operation, T(truncatingIfNeeded: operand), T(truncatingIfNeeded: replacement)))
    }
}

/// The operations of the atomic instructions.
enum AtomicOperation {
    case load, store, add, sub, and, or, xor, exchange, compareExchange

    init(_ opcode: Opcode) {
        let mnemonic = opcode.mnemonic
        if mnemonic.contains(".load") { self = .load; return }
        if mnemonic.contains(".store") { self = .store; return }
        switch mnemonic.split(separator: ".").last?.split(separator: "_").first {
        case "add": self = .add
        case "sub": self = .sub
        case "and": self = .and
        case "or": self = .or
        case "xor": self = .xor
        case "xchg": self = .exchange
        default: self = .compareExchange
        }
    }
}

/// An integer that guest memory can hold and that `Synchronization.Atomic` can operate on in place.
///
/// `Atomic`'s operations are declared per storage width, not generically, so each width repeats the same
/// dispatch below.
protocol AtomicWord: FixedWidthInteger & UnsignedInteger {
    static func atomic(_ pointer: UnsafeMutableRawPointer, _ operation: AtomicOperation, _ value: Self,
                       _ replacement: Self) -> Self
}

extension UInt8: AtomicWord {
    static func atomic(_ pointer: UnsafeMutableRawPointer, _ operation: AtomicOperation, _ value: Self, _ replacement: Self) -> Self {
        let atomic = UnsafeMutablePointer<Atomic<Self>>(OpaquePointer(pointer))
        switch operation {
        case .load: return atomic.pointee.load(ordering: .sequentiallyConsistent)
        case .store:
            atomic.pointee.store(value, ordering: .sequentiallyConsistent)
            return 0
        case .add: return atomic.pointee.wrappingAdd(value, ordering: .sequentiallyConsistent).oldValue
        case .sub: return atomic.pointee.wrappingSubtract(value, ordering: .sequentiallyConsistent).oldValue
        case .and: return atomic.pointee.bitwiseAnd(value, ordering: .sequentiallyConsistent).oldValue
        case .or: return atomic.pointee.bitwiseOr(value, ordering: .sequentiallyConsistent).oldValue
        case .xor: return atomic.pointee.bitwiseXor(value, ordering: .sequentiallyConsistent).oldValue
        case .exchange: return atomic.pointee.exchange(value, ordering: .sequentiallyConsistent)
        case .compareExchange:
            return atomic.pointee.compareExchange(expected: value, desired: replacement, ordering: .sequentiallyConsistent).original
        }
    }
}

extension UInt16: AtomicWord {
    static func atomic(_ pointer: UnsafeMutableRawPointer, _ operation: AtomicOperation, _ value: Self, _ replacement: Self) -> Self {
        let atomic = UnsafeMutablePointer<Atomic<Self>>(OpaquePointer(pointer))
        switch operation {
        case .load: return atomic.pointee.load(ordering: .sequentiallyConsistent)
        case .store:
            atomic.pointee.store(value, ordering: .sequentiallyConsistent)
            return 0
        case .add: return atomic.pointee.wrappingAdd(value, ordering: .sequentiallyConsistent).oldValue
        case .sub: return atomic.pointee.wrappingSubtract(value, ordering: .sequentiallyConsistent).oldValue
        case .and: return atomic.pointee.bitwiseAnd(value, ordering: .sequentiallyConsistent).oldValue
        case .or: return atomic.pointee.bitwiseOr(value, ordering: .sequentiallyConsistent).oldValue
        case .xor: return atomic.pointee.bitwiseXor(value, ordering: .sequentiallyConsistent).oldValue
        case .exchange: return atomic.pointee.exchange(value, ordering: .sequentiallyConsistent)
        case .compareExchange:
            return atomic.pointee.compareExchange(expected: value, desired: replacement, ordering: .sequentiallyConsistent).original
        }
    }
}

extension UInt32: AtomicWord {
    static func atomic(_ pointer: UnsafeMutableRawPointer, _ operation: AtomicOperation, _ value: Self, _ replacement: Self) -> Self {
        let atomic = UnsafeMutablePointer<Atomic<Self>>(OpaquePointer(pointer))
        switch operation {
        case .load: return atomic.pointee.load(ordering: .sequentiallyConsistent)
        case .store:
            atomic.pointee.store(value, ordering: .sequentiallyConsistent)
            return 0
        case .add: return atomic.pointee.wrappingAdd(value, ordering: .sequentiallyConsistent).oldValue
        case .sub: return atomic.pointee.wrappingSubtract(value, ordering: .sequentiallyConsistent).oldValue
        case .and: return atomic.pointee.bitwiseAnd(value, ordering: .sequentiallyConsistent).oldValue
        case .or: return atomic.pointee.bitwiseOr(value, ordering: .sequentiallyConsistent).oldValue
        case .xor: return atomic.pointee.bitwiseXor(value, ordering: .sequentiallyConsistent).oldValue
        case .exchange: return atomic.pointee.exchange(value, ordering: .sequentiallyConsistent)
        case .compareExchange:
            return atomic.pointee.compareExchange(expected: value, desired: replacement, ordering: .sequentiallyConsistent).original
        }
    }
}

extension UInt64: AtomicWord {
    static func atomic(_ pointer: UnsafeMutableRawPointer, _ operation: AtomicOperation, _ value: Self, _ replacement: Self) -> Self {
        let atomic = UnsafeMutablePointer<Atomic<Self>>(OpaquePointer(pointer))
        switch operation {
        case .load: return atomic.pointee.load(ordering: .sequentiallyConsistent)
        case .store:
            atomic.pointee.store(value, ordering: .sequentiallyConsistent)
            return 0
        case .add: return atomic.pointee.wrappingAdd(value, ordering: .sequentiallyConsistent).oldValue
        case .sub: return atomic.pointee.wrappingSubtract(value, ordering: .sequentiallyConsistent).oldValue
        case .and: return atomic.pointee.bitwiseAnd(value, ordering: .sequentiallyConsistent).oldValue
        case .or: return atomic.pointee.bitwiseOr(value, ordering: .sequentiallyConsistent).oldValue
        case .xor: return atomic.pointee.bitwiseXor(value, ordering: .sequentiallyConsistent).oldValue
        case .exchange: return atomic.pointee.exchange(value, ordering: .sequentiallyConsistent)
        case .compareExchange:
            return atomic.pointee.compareExchange(expected: value, desired: replacement, ordering: .sequentiallyConsistent).original
        }
    }
}

/// Threads waiting in `memory.atomic.wait`, by memory and address.
final class ParkingLot: @unchecked Sendable {
    static let shared = ParkingLot()
    private let condition = Condition()
    /// Waiter tickets per address; a notified ticket is removed.
    private var waiters: [Key: [Int]] = [:]
    private var nextTicket = 0

    private struct Key: Hashable {
        var memory: ObjectIdentifier
        var address: UInt
    }

    /// What `wait` returns when `interrupted` stopped it.
    static let interrupted: UInt32 = 3

    /// Blocks while `stillExpected()` holds, until notified or `timeout` nanoseconds pass, or, if `interrupted` is
    /// given, until it says so (checked every 10 ms).
    /// - Returns: 0 when woken, 1 when the value did not match, 2 on timeout, `interrupted`.
    func wait(_ memory: Memory, _ pointer: UnsafeMutableRawPointer, timeout: UInt64?,
              interrupted: (() -> Bool)? = nil, stillExpected: () -> Bool) -> UInt32 {
        condition.lock()
        defer { condition.unlock() }
        guard stillExpected() else { return 1 }
        let key = Key(memory: ObjectIdentifier(memory), address: UInt(bitPattern: pointer))
        let ticket = nextTicket
        nextTicket += 1
        waiters[key, default: []].append(ticket)
        let deadline = timeout.map { MonotonicClock.deadline(after: $0) }
        while waiters[key]?.contains(ticket) == true {
            if let interrupted, interrupted() {
                waiters[key]?.removeAll { $0 == ticket }
                return Self.interrupted
            }
            let slice = interrupted.map { _ in MonotonicClock.deadline(after: 10_000_000) }
            if let until = [deadline, slice].compactMap({ $0 }).min() {
                if !condition.wait(until: until), let deadline, MonotonicClock.now >= deadline {
                    waiters[key]?.removeAll { $0 == ticket }
                    return 2
                }
            } else {
                condition.wait()
            }
        }
        return 0
    }

    /// Wakes up to `count` waiters at `pointer`; returns how many.
    func notify(_ memory: Memory, _ pointer: UnsafeMutableRawPointer, count: UInt32) -> UInt32 {
        condition.lock()
        defer { condition.unlock() }
        let key = Key(memory: ObjectIdentifier(memory), address: UInt(bitPattern: pointer))
        guard var queue = waiters[key], !queue.isEmpty else { return 0 }
        let woken = min(Int(count), queue.count)
        queue.removeFirst(woken)
        waiters[key] = queue.isEmpty ? nil : queue
        condition.broadcast()
        return UInt32(woken)
    }
}

// MARK: - Waiting on memory from the host

extension Memory {
    /// How a `wait32` ended.
    public enum WaitResult: Sendable { case woken, notEqual, timedOut }

    /// Blocks while the 32-bit value at `offset` is `expected`, until `notify` wakes the caller or `timeout`
    /// nanoseconds pass: `memory.atomic.wait32` for host code (WASIX futexes). Works on unshared memories too.
    /// - Returns: `nil` if the address is out of bounds or not 4-byte aligned.
    public func wait32(at offset: Int, expected: UInt32, timeout: UInt64?) -> WaitResult? {
        guard offset >= 0, offset % 4 == 0, offset <= byteCount - 4 else { return nil }
        let pointer = state.pointee.base + offset
        switch ParkingLot.shared.wait(self, pointer, timeout: timeout, stillExpected: {
            Atomics.load(pointer, as: UInt32.self) == expected
        }) {
        case 0: return .woken
        case 1: return .notEqual
        default: return .timedOut
        }
    }

    /// Wakes up to `count` waiters at `offset`: `memory.atomic.notify` for host code.
    /// - Returns: how many were woken, or `nil` if the address is out of bounds or not 4-byte aligned.
    public func notify(at offset: Int, count: UInt32) -> UInt32? {
        guard offset >= 0, offset % 4 == 0, offset <= byteCount - 4 else { return nil }
        return ParkingLot.shared.notify(self, state.pointee.base + offset, count: count)
    }
}
