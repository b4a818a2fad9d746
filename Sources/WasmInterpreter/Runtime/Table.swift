/// A table of references (<https://webassembly.github.io/spec/core/exec/runtime.html#table-instances>),
/// each kept in its slot encoding (address + 1, 0 for null).
public final class Table: @unchecked Sendable {
    public let type: TableType
    @exclusivity(unchecked) var elements: [UInt64]
    let elementLimit: UInt64

    init(type: TableType, initial: UInt64 = 0, elementLimit configuredLimit: UInt64 = 10_000_000) {
        self.type = type
        elementLimit = min(type.limits.max ?? .max, max(configuredLimit, type.limits.min))
        elements = [UInt64](repeating: initial, count: Int(type.limits.min))
    }

    /// Current number of elements.
    public var count: Int { elements.count }

    /// Grows by `delta` elements set to `value`; returns the old size, or `nil` if it cannot grow.
    func grow(by delta: UInt64, value: UInt64) -> UInt64? {
        let old = UInt64(elements.count)
        guard delta <= elementLimit, old + delta <= elementLimit else { return nil }
        elements.append(contentsOf: repeatElement(value, count: Int(delta)))
        return old
    }

    func clone() -> Table {
        let copy = Table(type: type, elementLimit: elementLimit)
        copy.elements = elements
        return copy
    }
}

/// A global variable; `v128` globals use both words.
public final class Global: @unchecked Sendable {
    public let type: GlobalType
    let storage: UnsafeMutablePointer<UInt64>

    init(type: GlobalType, value: Value) {
        self.type = type
        storage = .allocate(capacity: 2)
        storage.initialize(repeating: 0, count: 2)
        SlotEncoding.write(value, to: storage)
    }

    deinit { storage.deallocate() }

    /// The current value.
    public var value: Value { SlotEncoding.read(type.valueType, from: storage) }

    /// Sets the value of a mutable global.
    public func set(_ value: Value) {
        SlotEncoding.write(value, to: storage)
    }

    func clone() -> Global {
        let copy = Global(type: type, value: .i64(0))
        copy.storage.update(from: storage, count: 2)
        return copy
    }
}

/// An exception tag; tags are compared by identity.
public final class Tag: @unchecked Sendable {
    public let type: FunctionType

    init(type: FunctionType) {
        self.type = type
    }
}

/// A thrown exception: its tag and payload slots.
final class ExceptionInstance: @unchecked Sendable {
    let tag: Tag
    let payload: [UInt64]

    init(tag: Tag, payload: [UInt64]) {
        self.tag = tag
        self.payload = payload
    }
}
