/// Typed access to frame slots (see `SlotEncoding`).
extension UnsafeMutablePointer where Pointee == UInt64 {
    @inline(__always)
    subscript(i32 slot: Slot) -> UInt32 {
        get { UInt32(truncatingIfNeeded: self[Int(slot)]) }
        nonmutating set { self[Int(slot)] = UInt64(newValue) }
    }

    @inline(__always)
    subscript(i64 slot: Slot) -> UInt64 {
        get { self[Int(slot)] }
        nonmutating set { self[Int(slot)] = newValue }
    }

    @inline(__always)
    subscript(f32 slot: Slot) -> Float {
        get { Float(bitPattern: UInt32(truncatingIfNeeded: self[Int(slot)])) }
        nonmutating set { self[Int(slot)] = UInt64(newValue.bitPattern) }
    }

    @inline(__always)
    subscript(f64 slot: Slot) -> Double {
        get { Double(bitPattern: self[Int(slot)]) }
        nonmutating set { self[Int(slot)] = newValue.bitPattern }
    }

    @inline(__always)
    subscript(v128 slot: Slot) -> V128 {
        get { V128(low: self[Int(slot)], high: self[Int(slot) + 1]) }
        nonmutating set {
            self[Int(slot)] = newValue.low
            self[Int(slot) + 1] = newValue.high
        }
    }

    @inline(__always)
    subscript(bool slot: Slot) -> Bool {
        get { UInt32(truncatingIfNeeded: self[Int(slot)]) != 0 }
        nonmutating set { self[Int(slot)] = newValue ? 1 : 0 }
    }
}

extension UnsafeMutablePointer where Pointee == UInt64 {
    /// The raw slot `slot`.
    @inline(__always)
    subscript(slot slot: Slot) -> UInt64 {
        get { self[Int(slot)] }
        nonmutating set { self[Int(slot)] = newValue }
    }
}
