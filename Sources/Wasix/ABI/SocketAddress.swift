#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A host socket address, and its WASIX forms. `__wasi_addr_port_t` is tag u8@0 (1 inet4, 2 inet6), then the
/// port at 2-3 and the address octets from 4 (4 or 16 of them, in network order); `__wasi_addr_t` (for
/// `resolve`) is the tag and the octets from 2. The port byte order follows wasmer: read as a little-endian u16
/// (the host-order value libc stores), written back as big-endian bytes (which libc copies into `sin_port`).
struct SocketAddress {
    var storage = sockaddr_storage()
    var length: socklen_t = 0

    /// The family of an `__wasi_address_family_t`.
    static func family(_ tag: UInt32) throws(Errno) -> Int32 {
        switch tag {
        case 1: AF_INET
        case 2: AF_INET6
        default: throw .afnosupport
        }
    }

    /// Reads an `__wasi_addr_port_t`.
    init(guest memory: GuestMemory, at address: UInt32) throws(Errno) {
        let port = try memory.load(address &+ 2, as: UInt16.self)
        switch try memory.load(address, as: UInt8.self) {
        case 1:
            var v4 = sockaddr_in()
            v4.sin_family = sa_family_t(AF_INET)
            v4.sin_port = port.bigEndian
            let octets = try memory.bytes(address &+ 4, 4)
            withUnsafeMutableBytes(of: &v4.sin_addr) { $0.copyBytes(from: octets) }
            self.init(v4)
        case 2:
            var v6 = sockaddr_in6()
            v6.sin6_family = sa_family_t(AF_INET6)
            v6.sin6_port = port.bigEndian
            let octets = try memory.bytes(address &+ 4, 16)
            withUnsafeMutableBytes(of: &v6.sin6_addr) { $0.copyBytes(from: octets) }
            self.init(v6)
        default:
            throw .afnosupport
        }
    }

    init<Address>(_ address: Address) {
        withUnsafeMutableBytes(of: &storage) { target in
            withUnsafeBytes(of: address) { target.copyMemory(from: $0) }
        }
        length = socklen_t(MemoryLayout<Address>.size)
    }

    /// An empty address for the host to fill in (`accept`, `getsockname`, `recvfrom`).
    init() { length = socklen_t(MemoryLayout<sockaddr_storage>.size) }

    var family: Int32 { Int32(storage.ss_family) }

    /// The port, in host order.
    var port: UInt16 {
        withUnsafeBytes(of: storage) { bytes in
            UInt16(bigEndian: bytes.load(fromByteOffset: 2, as: UInt16.self))
        }
    }

    /// The address octets, in network order.
    var octets: [UInt8] {
        withUnsafeBytes(of: storage) { bytes in
            family == AF_INET6 ? Array(bytes[8..<24]) : Array(bytes[4..<8])
        }
    }

    /// The address in text (`127.0.0.1`, `::1`).
    var host: String {
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        var octets = self.octets
        _ = inet_ntop(family, &octets, &text, socklen_t(text.count))
        return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Writes the address as an `__wasi_addr_port_t` (20 bytes).
    func write(to memory: GuestMemory, at address: UInt32) throws(Errno) {
        var bytes = [UInt8](repeating: 0, count: 20)
        bytes[0] = family == AF_INET6 ? 2 : 1
        bytes[2] = UInt8(port >> 8)
        bytes[3] = UInt8(port & 0xFF)
        bytes.replaceSubrange(4..<(4 + octets.count), with: octets)
        try memory.write(bytes, at: address)
    }

    /// Calls `body` with the address as a `sockaddr` pointer and its length.
    func withSockaddr<T>(_ body: (UnsafePointer<sockaddr>, socklen_t) -> T) -> T {
        withUnsafePointer(to: storage) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, length) } }
    }

    /// Calls `body` with a `sockaddr` the host may fill in, and its in-out length.
    mutating func fill<T>(_ body: (UnsafeMutablePointer<sockaddr>, UnsafeMutablePointer<socklen_t>) -> T) -> T {
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let result = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, &length) }
        }
        self.length = length
        return result
    }
}
