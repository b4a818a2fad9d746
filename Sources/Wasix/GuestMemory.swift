import WasmInterpreter

/// Bounds-checked access to a guest's linear memory for syscalls: every failure is `Errno.fault`.
struct GuestMemory {
    let memory: Memory

    private func pointer(_ address: UInt32, _ count: Int) throws(Errno) -> UnsafeMutableRawPointer {
        let bytes = memory.unsafeMutableBytes
        guard count >= 0, UInt64(address) + UInt64(count) <= UInt64(bytes.count), let base = bytes.baseAddress else {
            throw .fault
        }
        return base + Int(address)
    }

    func load<T: FixedWidthInteger>(_ address: UInt32, as type: T.Type = T.self) throws(Errno) -> T {
        T(littleEndian: try pointer(address, MemoryLayout<T>.size).loadUnaligned(as: T.self))
    }

    func store<T: FixedWidthInteger>(_ value: T, at address: UInt32) throws(Errno) {
        try pointer(address, MemoryLayout<T>.size).storeBytes(of: value.littleEndian, as: T.self)
    }

    /// A view of `count` bytes at `address`, valid until the memory grows.
    func buffer(_ address: UInt32, _ count: UInt32) throws(Errno) -> UnsafeMutableRawBufferPointer {
        UnsafeMutableRawBufferPointer(start: try pointer(address, Int(count)), count: Int(count))
    }

    func bytes(_ address: UInt32, _ count: UInt32) throws(Errno) -> [UInt8] {
        [UInt8](try buffer(address, count))
    }

    func write<Bytes: Collection>(_ bytes: Bytes, at address: UInt32) throws(Errno) where Bytes.Element == UInt8 {
        let target = try buffer(address, UInt32(clamping: bytes.count))
        _ = target.initializeMemory(as: UInt8.self, from: bytes)
    }

    /// A UTF-8 string of `count` bytes; invalid UTF-8 is `ilseq`.
    func string(_ address: UInt32, _ count: UInt32) throws(Errno) -> String {
        guard let text = String(validating: try buffer(address, count), as: UTF8.self) else { throw .ilseq }
        return text
    }

    /// The buffers of an iovec array (`buf, buf_len`: two words of `wordSize` bytes each).
    func iovecs(_ address: UInt32, _ count: UInt32, wordSize: UInt32 = 4) throws(Errno) -> [UnsafeMutableRawBufferPointer] {
        guard count <= 1024 else { throw .inval }
        var result: [UnsafeMutableRawBufferPointer] = []
        for i in 0..<count {
            let entry = address &+ i &* 2 &* wordSize
            if wordSize == 8 {
                let base = try load(entry, as: UInt64.self), length = try load(entry &+ 8, as: UInt64.self)
                guard base <= UInt32.max, length <= UInt32.max else { throw .fault }
                result.append(try buffer(UInt32(base), UInt32(length)))
            } else {
                result.append(try buffer(try load(entry, as: UInt32.self), try load(entry &+ 4, as: UInt32.self)))
            }
        }
        return result
    }
}
