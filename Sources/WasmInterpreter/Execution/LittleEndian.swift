/// Little-endian loads and stores at any alignment, for guest memory.
///
/// Built from byte accesses, which the optimiser merges into single moves, because the standard library's
/// `loadUnaligned` and `storeBytes` are not always inlined into the run loop: its size exceeds the inliner's
/// budget, and a call there costs more than the access. Byte order is explicit, so this is right on any host.
extension UnsafeMutableRawPointer {
    @inline(__always) var bytes: UnsafeMutablePointer<UInt8> { assumingMemoryBound(to: UInt8.self) }

    @inline(__always) func loadLE(_: UInt8.Type) -> UInt8 { bytes[0] }

    @inline(__always) func loadLE(_: UInt16.Type) -> UInt16 {
        UInt16(bytes[0]) | UInt16(bytes[1]) &<< 8
    }

    @inline(__always) func loadLE(_: UInt32.Type) -> UInt32 {
        UInt32(loadLE(UInt16.self)) | UInt32((self + 2).loadLE(UInt16.self)) &<< 16
    }

    @inline(__always) func loadLE(_: UInt64.Type) -> UInt64 {
        UInt64(loadLE(UInt32.self)) | UInt64((self + 4).loadLE(UInt32.self)) &<< 32
    }

    @inline(__always) func storeLE(_ value: UInt8) { bytes[0] = value }

    @inline(__always) func storeLE(_ value: UInt16) {
        bytes[0] = UInt8(truncatingIfNeeded: value)
        bytes[1] = UInt8(truncatingIfNeeded: value &>> 8)
    }

    @inline(__always) func storeLE(_ value: UInt32) {
        storeLE(UInt16(truncatingIfNeeded: value))
        (self + 2).storeLE(UInt16(truncatingIfNeeded: value &>> 16))
    }

    @inline(__always) func storeLE(_ value: UInt64) {
        storeLE(UInt32(truncatingIfNeeded: value))
        (self + 4).storeLE(UInt32(truncatingIfNeeded: value &>> 32))
    }
}
