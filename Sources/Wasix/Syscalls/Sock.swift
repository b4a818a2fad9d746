#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Sockets: preview1's calls on sockets (`sock_accept`, `sock_recv`, `sock_send`, `sock_shutdown`), and WASIX's,
/// which open them: TCP and UDP over IPv4 and IPv6 on host sockets, behind `WasixConfiguration.network` (without
/// it `sock_open` and `resolve` are `notcapable`; an endpoint it does not allow is `acces`).
extension Syscalls {
    /// sock_accept(fd, flags: fdflags, result: *fd)
    static func sockAccept(_ c: SyscallContext) throws -> Errno {
        try accept(c, resultIndex: 2, addressIndex: nil)
    }

    /// sock_recv(fd, ri_data: *iovec, ri_data_len, ri_flags: u16, ro_datalen: *size, ro_flags: *u16)
    static func sockRecv(_ c: SyscallContext) throws -> Errno {
        let fd = try socketDescriptor(c)
        let flags = receiveFlags(c.u32(3))
        if flags & Int32(MSG_DONTWAIT) == 0 { try waitReady(c, fd, events: POLLIN) }
        let total = try transfer(try c.iovecs(1)) { recv(fd.file.hostFD, $0, $1, flags) }
        try c.storeSize(total, at: c.u32(4))
        try c.memory.store(UInt16(0), at: c.u32(5))
        return .success
    }

    /// sock_send(fd, si_data: *ciovec, si_data_len, si_flags: u16, so_datalen: *size): one host `sendmsg`.
    static func sockSend(_ c: SyscallContext) throws -> Errno {
        let fd = try socketDescriptor(c)
        let flags = Int32(MSG_NOSIGNAL) | (c.u32(3) & 1 != 0 ? Int32(MSG_DONTWAIT) : 0)
        _ = try c.memory.buffer(c.u32(4), c.wordSize)  // a bad count pointer fails before anything is sent
        let total = try c.raisingSIGPIPE { () throws(Errno) -> Int in
            try gathered(try c.iovecs(1)) { vectors, count, _ in
                var message = msghdr()
                message.msg_iov = UnsafeMutablePointer(mutating: vectors)
                message.msg_iovlen = Int(count)
                return sendWaiting(c, fd, flags: flags) { sendmsg(fd.file.hostFD, &message, $0) }
            }
        }
        try c.storeSize(total, at: c.u32(4))
        return .success
    }

    /// sock_shutdown(fd, how: sdflags) — 1 = RD, 2 = WR.
    static func sockShutdown(_ c: SyscallContext) throws -> Errno {
        let fd = try socketDescriptor(c)
        let how: Int32
        switch c.u32(1) {
        case 1: how = Int32(SHUT_RD)
        case 2: how = Int32(SHUT_WR)
        case 3: how = Int32(SHUT_RDWR)
        default: return .inval
        }
        return shutdown(fd.file.hostFD, how) == 0 ? .success : .current
    }

    /// sock_open(af: u8, type: u8, proto: u16, fd: *fd): af 1 inet4, 2 inet6; type 1 stream, 2 dgram.
    static func sockOpen(_ c: SyscallContext) throws -> Errno {
        guard c.kernel.configuration.network.isEnabled else { return .notcapable }
        let family = try SocketAddress.family(c.u32(0))
        let (kind, filetype): (Int32, Filetype) = switch c.u32(1) {
        case 1: (Int32(SOCK_STREAM.rawValue), .socketStream)
        case 2: (Int32(SOCK_DGRAM.rawValue), .socketDgram)
        default: throw Errno.prototype
        }
        let hostFD = Glibc.socket(family, kind | Int32(SOCK_CLOEXEC.rawValue), Int32(c.u32(2)))
        guard hostFD >= 0 else { return .current }
        try c.memory.store(try c.process.descriptors.insert(socket(hostFD, filetype)), at: c.u32(3))
        return .success
    }

    /// sock_pair(af, type, proto, fd0: *fd, fd1: *fd): a connected pair (a local socketpair, whatever `af`).
    static func sockPair(_ c: SyscallContext) throws -> Errno {
        let (kind, filetype): (Int32, Filetype) = c.u32(1) == 2
            ? (Int32(SOCK_DGRAM.rawValue), .socketDgram) : (Int32(SOCK_STREAM.rawValue), .socketStream)
        var ends: [Int32] = [0, 0]
        guard socketpair(AF_UNIX, kind | Int32(SOCK_CLOEXEC.rawValue), 0, &ends) == 0 else { return .current }
        let (first, second) = try c.process.descriptors.insertPair(socket(ends[0], filetype), socket(ends[1], filetype))
        try c.memory.store(first, at: c.u32(3))
        try c.memory.store(second, at: c.u32(4))
        return .success
    }

    /// sock_bind(fd, addr: *addr_port)
    static func sockBind(_ c: SyscallContext) throws -> Errno {
        let fd = try socketDescriptor(c)
        let address = try allowedAddress(c, at: c.u32(1))
        return address.withSockaddr { bind(fd.file.hostFD, $0, $1) } == 0 ? .success : .current
    }

    /// sock_listen(fd, backlog)
    static func sockListen(_ c: SyscallContext) throws -> Errno {
        let fd = try socketDescriptor(c)
        return listen(fd.file.hostFD, Int32(clamping: c.u32(1))) == 0 ? .success : .current
    }

    /// sock_accept(fd, flags: fdflags, fd: *fd, addr: *addr_port): the 2022 WASIX form, as sock_accept_v2.
    static func sockAcceptV2(_ c: SyscallContext) throws -> Errno {
        try accept(c, resultIndex: 2, addressIndex: 3)
    }

    /// sock_connect(fd, addr: *addr_port)
    static func sockConnect(_ c: SyscallContext) throws -> Errno {
        let fd = try socketDescriptor(c)
        let address = try allowedAddress(c, at: c.u32(1))
        return address.withSockaddr { connect(fd.file.hostFD, $0, $1) } == 0 ? .success : .current
    }

    /// sock_recv_from(fd, ri_data: *iovec, ri_data_len, ri_flags, ro_datalen: *size, ro_flags: *u16,
    /// addr: *addr_port): one datagram (or what a stream has), and where it came from.
    static func sockRecvFrom(_ c: SyscallContext) throws -> Errno {
        let fd = try socketDescriptor(c)
        let flags = receiveFlags(c.u32(3))
        if flags & Int32(MSG_DONTWAIT) == 0 { try waitReady(c, fd, events: POLLIN) }
        let buffers = try c.iovecs(1)
        var data = [UInt8](repeating: 0, count: min(buffers.reduce(0) { $0 + $1.count }, 1 << 20))
        var source = SocketAddress()
        let count = data.withUnsafeMutableBytes { bytes in
            source.fill { recvfrom(fd.file.hostFD, bytes.baseAddress, bytes.count, flags, $0, $1) }
        }
        guard count >= 0 else { return .current }
        scatter(data[0..<count], into: buffers)
        try c.storeSize(count, at: c.u32(4))
        try c.memory.store(UInt16(count > data.count ? 4 : 0), at: c.u32(5))
        try source.write(to: c.memory, at: c.u32(6))
        return .success
    }

    /// sock_send_to(fd, si_data: *ciovec, si_data_len, si_flags, addr: *addr_port, so_datalen: *size)
    static func sockSendTo(_ c: SyscallContext) throws -> Errno {
        let fd = try socketDescriptor(c)
        let address = try allowedAddress(c, at: c.u32(4))
        // At most 1 MiB a call (a datagram is smaller; a stream send may be partial): iovecs may all point at the
        // same large buffer, and copying them whole is the guest's to multiply.
        var data: [UInt8] = []
        for buffer in try c.iovecs(1) where data.count < 1 << 20 {
            data += buffer.prefix((1 << 20) - data.count)
        }
        let flags = Int32(MSG_NOSIGNAL) | (c.u32(3) & 1 != 0 ? Int32(MSG_DONTWAIT) : 0)
        let count = data.withUnsafeBytes { bytes in
            address.withSockaddr { address, length in
                sendWaiting(c, fd, flags: flags) { sendto(fd.file.hostFD, bytes.baseAddress, bytes.count, $0, address, length) }
            }
        }
        guard count >= 0 else { return .current }
        try c.storeSize(count, at: c.u32(5))
        return .success
    }

    /// sock_addr_local(fd, addr: *addr_port)
    static func sockAddrLocal(_ c: SyscallContext) throws -> Errno {
        try reportAddress(c, getsockname)
    }

    /// sock_addr_peer(fd, addr: *addr_port)
    static func sockAddrPeer(_ c: SyscallContext) throws -> Errno {
        try reportAddress(c, getpeername)
    }

    /// sock_status(fd, status: *u8): 1 (opened) for a socket the host has open, 3 (failed) after an error.
    static func sockStatus(_ c: SyscallContext) throws -> Errno {
        let fd = try socketDescriptor(c)
        var error: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        let failed = getsockopt(fd.file.hostFD, SOL_SOCKET, SO_ERROR, &error, &length) != 0 || error != 0
        try c.memory.store(UInt8(failed ? 3 : 1), at: c.u32(1))
        return .success
    }

    /// Sets an `int` socket option on the host socket.
    private static func setIntegerOption(_ fd: FileDescriptor, _ level: Int32, _ name: Int32, _ value: Int32) -> Errno {
        var value = value
        return setsockopt(fd.file.hostFD, level, name, &value, socklen_t(MemoryLayout<Int32>.size)) == 0
            ? .success : .current
    }

    /// An `int` socket option of the host socket.
    private static func integerOption(_ fd: FileDescriptor, _ level: Int32, _ name: Int32) throws(Errno) -> Int32 {
        var value: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        guard getsockopt(fd.file.hostFD, level, name, &value, &length) == 0 else { throw .current }
        return value
    }

    /// sock_set_opt_flag(fd, option, flag: bool)
    static func sockSetOptFlag(_ c: SyscallContext) throws -> Errno {
        let fd = try socketDescriptor(c)
        guard let (level, name) = SocketOption.flag(c.u32(1)) else { return .noprotoopt }
        return setIntegerOption(fd, level, name, c.u32(2) != 0 ? 1 : 0)
    }

    /// sock_get_opt_flag(fd, option, flag: *bool)
    static func sockGetOptFlag(_ c: SyscallContext) throws -> Errno {
        let fd = try socketDescriptor(c)
        guard let (level, name) = SocketOption.flag(c.u32(1)) else { return .noprotoopt }
        try c.memory.store(UInt8(try integerOption(fd, level, name) != 0 ? 1 : 0), at: c.u32(2))
        return .success
    }

    /// sock_set_opt_size(fd, option, size: u64): buffer sizes, low-water marks, TTLs.
    static func sockSetOptSize(_ c: SyscallContext) throws -> Errno {
        let fd = try socketDescriptor(c)
        guard let (level, name) = SocketOption.size(c.u32(1)) else { return .noprotoopt }
        return setIntegerOption(fd, level, name, Int32(clamping: c.u64(2)))
    }

    /// sock_get_opt_size(fd, option, size: *u64)
    static func sockGetOptSize(_ c: SyscallContext) throws -> Errno {
        let fd = try socketDescriptor(c)
        guard let (level, name) = SocketOption.size(c.u32(1)) else { return .noprotoopt }
        try c.memory.store(UInt64(max(try integerOption(fd, level, name), 0)), at: c.u32(2))
        return .success
    }

    /// sock_set_opt_time(fd, option, time: *option_timestamp): receive and send timeouts, linger.
    static func sockSetOptTime(_ c: SyscallContext) throws -> Errno {
        let fd = try socketDescriptor(c)
        let nanoseconds = try c.memory.load(c.u32(2), as: UInt8.self) == 1
            ? try c.memory.load(c.u32(2) &+ 8, as: UInt64.self) : 0
        if c.u32(1) == 13 {
            var linger = Glibc.linger(l_onoff: try c.memory.load(c.u32(2), as: UInt8.self) == 1 ? 1 : 0,
                                      l_linger: Int32(clamping: nanoseconds / 1_000_000_000))
            return setsockopt(fd.file.hostFD, SOL_SOCKET, SO_LINGER, &linger,
                              socklen_t(MemoryLayout<Glibc.linger>.size)) == 0 ? .success : .current
        }
        guard let name = SocketOption.time(c.u32(1)) else { return .noprotoopt }
        var time = timeval(tv_sec: Int(nanoseconds / 1_000_000_000), tv_usec: Int(nanoseconds % 1_000_000_000 / 1000))
        return setsockopt(fd.file.hostFD, SOL_SOCKET, name, &time, socklen_t(MemoryLayout<timeval>.size)) == 0
            ? .success : .current
    }

    /// sock_get_opt_time(fd, option, time: *option_timestamp)
    static func sockGetOptTime(_ c: SyscallContext) throws -> Errno {
        let fd = try socketDescriptor(c)
        // CONNECT_TIMEOUT, which the 2022 Rust std reads before it connects: none, connect blocks (setting one
        // stays ENOPROTOOPT: Linux has no such option to carry it out).
        if c.u32(1) == SocketOption.connectTimeout {
            try c.memory.write([UInt8](repeating: 0, count: 16), at: c.u32(2))
            return .success
        }
        guard let name = SocketOption.time(c.u32(1)) else { return .noprotoopt }
        var time = timeval()
        var length = socklen_t(MemoryLayout<timeval>.size)
        guard getsockopt(fd.file.hostFD, SOL_SOCKET, name, &time, &length) == 0 else { return .current }
        let nanoseconds = UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_usec) * 1000
        try c.memory.write([UInt8](repeating: 0, count: 16), at: c.u32(2))
        try c.memory.store(UInt8(nanoseconds == 0 ? 0 : 1), at: c.u32(2))
        try c.memory.store(nanoseconds, at: c.u32(2) &+ 8)
        return .success
    }

    /// resolve(host: string, port: u16, addrs: *addr, naddrs, count: *size): the host's addresses (18-byte
    /// `__wasi_addr_t` entries), through the host's resolver; numeric addresses and `localhost` included.
    static func resolve(_ c: SyscallContext) throws -> Errno {
        guard c.kernel.configuration.network.isEnabled else { return .notcapable }
        let host = try c.string(0)
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &list) == 0 else { return .noent }
        defer { freeaddrinfo(list) }
        var addresses: [[UInt8]] = []
        var entry = list
        while let current = entry, addresses.count < Int(c.u32(4)) {
            if let pointer = current.pointee.ai_addr {
                let address = current.pointee.ai_family == AF_INET6
                    ? SocketAddress(pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { $0.pointee })
                    : SocketAddress(pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee })
                var bytes = [UInt8](repeating: 0, count: 18)
                bytes[0] = address.family == AF_INET6 ? 2 : 1
                bytes.replaceSubrange(2..<(2 + address.octets.count), with: address.octets)
                if !addresses.contains(bytes) { addresses.append(bytes) }
            }
            entry = current.pointee.ai_next
        }
        for (index, bytes) in addresses.enumerated() { try c.memory.write(bytes, at: c.u32(3) &+ UInt32(index * 18)) }
        try c.storeSize(addresses.count, at: c.u32(5))
        return .success
    }

    /// sock_send_file(out_fd, in_fd, offset: u64, count: u64, sent: *u64): copies from a file to a socket.
    static func sockSendFile(_ c: SyscallContext) throws -> Errno {
        let output = try socketDescriptor(c)
        let input = try c.fd(1)
        var chunk = [UInt8](repeating: 0, count: Int(min(c.u64(3), 1 << 16)))
        let read = chunk.withUnsafeMutableBytes { pread(input.file.hostFD, $0.baseAddress, $0.count, off_t(clamping: c.u64(2))) }
        guard read >= 0 else { return .current }
        let sent = chunk.withUnsafeBytes { bytes in
            sendWaiting(c, output, flags: Int32(MSG_NOSIGNAL)) { send(output.file.hostFD, bytes.baseAddress, read, $0) }
        }
        guard sent >= 0 else { return .current }
        try c.memory.store(UInt64(sent), at: c.u32(4))
        return .success
    }

    /// accept, with the new descriptor's flags from argument 1, written to `resultIndex`, and the peer to
    /// `addressIndex` if given.
    private static func accept(_ c: SyscallContext, resultIndex: Int, addressIndex: Int?) throws(Errno) -> Errno {
        let fd = try socketDescriptor(c)
        try waitReady(c, fd, events: POLLIN)
        var peer = SocketAddress()
        let accepted = peer.fill { Glibc.accept(fd.file.hostFD, $0, $1) }
        guard accepted >= 0 else { return .current }
        _ = fcntl(accepted, F_SETFD, FD_CLOEXEC)
        if c.u32(1) & UInt32(FDFlags.nonblock) != 0 { _ = fcntl(accepted, F_SETFL, O_NONBLOCK) }
        let new = try c.process.descriptors.insert(socket(accepted, .socketStream))
        try c.memory.store(new, at: c.u32(resultIndex))
        if let addressIndex { try peer.write(to: c.memory, at: c.u32(addressIndex)) }
        return .success
    }

    /// Writes the address that `query` (getsockname or getpeername) reports to argument 1.
    private static func reportAddress(_ c: SyscallContext,
                                      _ query: (Int32, UnsafeMutablePointer<sockaddr>, UnsafeMutablePointer<socklen_t>) -> Int32)
        throws(Errno) -> Errno
    {
        let fd = try socketDescriptor(c)
        var address = SocketAddress()
        guard address.fill({ query(fd.file.hostFD, $0, $1) }) == 0 else { return .current }
        try address.write(to: c.memory, at: c.u32(1))
        return .success
    }

    private static func socket(_ hostFD: Int32, _ filetype: Filetype) -> FileDescriptor {
        FileDescriptor(file: OpenFile(hostFD: hostFD, filetype: filetype), rightsBase: Rights.socket, rightsInheriting: 0)
    }

    private static func socketDescriptor(_ c: SyscallContext) throws(Errno) -> FileDescriptor {
        let fd = try c.fd(0)
        guard fd.file.filetype == .socketStream || fd.file.filetype == .socketDgram else { throw .notsock }
        return fd
    }

    /// The `addr_port` at `address`, if the network capability allows it.
    private static func allowedAddress(_ c: SyscallContext, at address: UInt32) throws(Errno) -> SocketAddress {
        let socketAddress = try SocketAddress(guest: c.memory, at: address)
        guard c.kernel.configuration.network.allows(host: socketAddress.host, port: socketAddress.port) else {
            throw .acces
        }
        return socketAddress
    }

    /// riflags: 1 peek, 2 wait all, 8 don't wait.
    private static func receiveFlags(_ riflags: UInt32) -> Int32 {
        var flags: Int32 = 0
        if riflags & 1 != 0 { flags |= Int32(MSG_PEEK) }
        if riflags & 2 != 0 { flags |= Int32(MSG_WAITALL) }
        if riflags & 8 != 0 { flags |= Int32(MSG_DONTWAIT) }
        return flags
    }

    private static func scatter(_ data: ArraySlice<UInt8>, into buffers: [UnsafeMutableRawBufferPointer]) {
        var rest = data
        for buffer in buffers where !rest.isEmpty {
            let count = min(buffer.count, rest.count)
            buffer.copyBytes(from: rest.prefix(count))
            rest = rest.dropFirst(count)
        }
    }
}

/// WASIX `sock_option` numbers and their host options.
enum SocketOption {
    /// Boolean options: reuse port/address, no delay, don't route, only v6, broadcast, multicast loops,
    /// listening (read only), keep-alive, out-of-band inline.
    static func flag(_ option: UInt32) -> (Int32, Int32)? {
        switch option {
        case 1: (SOL_SOCKET, SO_REUSEPORT)
        case 2: (SOL_SOCKET, SO_REUSEADDR)
        case 3: (Int32(IPPROTO_TCP), TCP_NODELAY)
        case 4: (SOL_SOCKET, SO_DONTROUTE)
        case 5: (Int32(IPPROTO_IPV6), IPV6_V6ONLY)
        case 6: (SOL_SOCKET, SO_BROADCAST)
        case 7: (Int32(IPPROTO_IP), IP_MULTICAST_LOOP)
        case 8: (Int32(IPPROTO_IPV6), IPV6_MULTICAST_LOOP)
        case 10: (SOL_SOCKET, SO_ACCEPTCONN)
        case 12: (SOL_SOCKET, SO_KEEPALIVE)
        case 14: (SOL_SOCKET, SO_OOBINLINE)
        default: nil
        }
    }

    /// Size options: buffer sizes, low-water marks, TTLs, type and protocol (read only).
    static func size(_ option: UInt32) -> (Int32, Int32)? {
        switch option {
        case 15: (SOL_SOCKET, SO_RCVBUF)
        case 16: (SOL_SOCKET, SO_SNDBUF)
        case 17: (SOL_SOCKET, SO_RCVLOWAT)
        case 18: (SOL_SOCKET, SO_SNDLOWAT)
        case 23: (Int32(IPPROTO_IP), IP_TTL)
        case 24: (Int32(IPPROTO_IP), IP_MULTICAST_TTL)
        case 25: (SOL_SOCKET, SO_TYPE)
        case 26: (SOL_SOCKET, SO_PROTOCOL)
        default: nil
        }
    }

    /// Time options: receive and send timeouts.
    /// WASIX's `CONNECT_TIMEOUT`.
    static let connectTimeout: UInt32 = 21

    static func time(_ option: UInt32) -> Int32? {
        switch option {
        case 19: SO_RCVTIMEO
        case 20: SO_SNDTIMEO
        default: nil
        }
    }
}
