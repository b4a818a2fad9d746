#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import WasmInterpreter

/// `poll_oneoff`: waits for clocks and descriptor readiness.
extension Syscalls {
    private struct Subscription {
        var userdata: UInt64
        var type: EventType
        var fd: UInt32 = 0
        /// Absolute deadline on the monotonic clock, for clock subscriptions.
        var deadline: UInt64 = 0
    }

    /// poll_oneoff(in: *subscription, out: *event, nsubscriptions: u32, nevents: *u32).
    /// Subscriptions are 48 bytes (preview1: userdata u64@0, tag u8@8, clock {id u32@16, timeout u64@24,
    /// precision u64@32, flags u16@40} or fd u32@16) or 56 (preview0: the clock has an identifier u64@16 first).
    /// Events are 32 bytes: userdata u64@0, error u16@8, type u8@10, nbytes u64@16, flags u16@24.
    static func pollOneoff(_ c: SyscallContext) throws(Errno) -> Errno {
        let count = c.u32(2)
        guard count > 0, count <= 4096 else { return .inval }
        let size: UInt32 = c.flavor == .preview1 ? 48 : 56
        let clockOffset: UInt32 = c.flavor == .preview1 ? 16 : 24
        var subscriptions: [Subscription] = []
        let monotonicNow = try now(1)
        for i in 0..<count {
            let address = c.u32(0) &+ i &* size
            let userdata = try c.memory.load(address, as: UInt64.self)
            guard let type = EventType(rawValue: try c.memory.load(address &+ 8, as: UInt8.self)) else { return .inval }
            var subscription = Subscription(userdata: userdata, type: type)
            if type == .clock {
                let clock = try c.memory.load(address &+ clockOffset, as: UInt32.self)
                let timeout = try c.memory.load(address &+ clockOffset &+ 8, as: UInt64.self)
                let flags = try c.memory.load(address &+ clockOffset &+ 24, as: UInt16.self)
                if flags & 1 != 0 {
                    let clockNow = try now(clock)
                    subscription.deadline = monotonicNow &+ (timeout > clockNow ? timeout - clockNow : 0)
                } else {
                    _ = try hostClock(clock)
                    subscription.deadline = monotonicNow.addingReportingOverflow(timeout).overflow
                        ? .max : monotonicNow + timeout
                }
            } else {
                subscription.fd = try c.memory.load(address &+ 16, as: UInt32.self)
            }
            subscriptions.append(subscription)
        }

        var events: [(userdata: UInt64, error: Errno, type: EventType, bytes: UInt64, hangup: Bool)] = []
        var pollers: [pollfd] = []
        var pollIndices: [Int] = []
        for (index, subscription) in subscriptions.enumerated() where subscription.type != .clock {
            guard let fd = c.process.descriptors[subscription.fd] else {
                events.append((subscription.userdata, .badf, subscription.type, 0, false))
                continue
            }
            if fd.file.filetype == .regularFile || fd.file.filetype == .directory {
                events.append((subscription.userdata, .success, subscription.type, 0, false))
                continue
            }
            pollers.append(pollfd(fd: fd.file.hostFD, events: Int16(subscription.type == .fdRead ? POLLIN : POLLOUT), revents: 0))
            pollIndices.append(index)
        }
        let earliest = subscriptions.filter { $0.type == .clock }.map(\.deadline).min()
        while true {
            let current = try now(1)
            var timeout: Int32 = -1
            if !events.isEmpty {
                timeout = 0
            } else if let earliest {
                let remaining = earliest > current ? earliest - current : 0
                timeout = Int32(min((remaining + 999_999) / 1_000_000, UInt64(Int32.max)))
            }
            // Waits are cut into slices so that a signal to deliver (or a timeout) ends them with `intr`.
            let slice = timeout < 0 || timeout > 50 ? 50 : timeout
            if pollers.isEmpty {
                if slice > 0, !c.kernel.sleep(c.thread, until: MonotonicClock.deadline(after: UInt64(slice) * 1_000_000)) {
                    return .intr
                }
            } else if Glibc.poll(&pollers, nfds_t(pollers.count), slice) < 0 && errno != EINTR {
                return .current
            }
            for (poller, index) in zip(pollers, pollIndices) where poller.revents != 0 {
                let subscription = subscriptions[index]
                var available: Int32 = 0
                if subscription.type == .fdRead { _ = ioctl(poller.fd, UInt(FIONREAD), &available) }
                let hangup = poller.revents & Int16(POLLHUP) != 0
                if subscription.type == .fdRead, let counter = c.process.descriptors[subscription.fd]?.file.eventCounter {
                    counter.absorb(poller.fd)
                }
                events.append((subscription.userdata, .success, subscription.type, UInt64(max(available, 0)), hangup))
            }
            let after = try now(1)
            for subscription in subscriptions where subscription.type == .clock && subscription.deadline <= after {
                events.append((subscription.userdata, .success, .clock, 0, false))
            }
            if !events.isEmpty { break }
            if c.kernel.locked({ c.thread.mustStopWaiting }) { return .intr }
        }
        for (i, event) in events.enumerated() {
            let address = c.u32(1) &+ UInt32(i) &* 32
            try c.memory.write([UInt8](repeating: 0, count: 32), at: address)
            try c.memory.store(event.userdata, at: address)
            try c.memory.store(event.error.rawValue, at: address &+ 8)
            try c.memory.store(event.type.rawValue, at: address &+ 10)
            try c.memory.store(event.bytes, at: address &+ 16)
            try c.memory.store(UInt16(event.hangup ? 1 : 0), at: address &+ 24)
        }
        try c.storeSize(events.count, at: c.u32(3))
        return .success
    }

    /// `writev` for a write that may have to wait: to a pipe or socket in blocking mode it waits for room in
    /// slices (which a signal to handle or a timeout ends: -1 with errno `EINTR`) and then writes only what
    /// cannot block the host thread: at most `PIPE_BUF` bytes to a pipe (room for which is what its `POLLOUT`
    /// promises), with `MSG_DONTWAIT` to a socket. A host thread blocked in `write` could not be woken at all: a
    /// guest filling a pipe that nobody reads would outlive signals and the run's timeout.
    static func writeWaiting(_ c: SyscallContext, _ fd: FileDescriptor, _ vectors: UnsafePointer<iovec>,
                             _ count: Int32) -> Int {
        var info = stat()
        let kind = fstat(fd.file.hostFD, &info) == 0 ? info.st_mode & S_IFMT : 0
        // A read end is never ready to write: `writev` says `badf` at once.
        let flags = fcntl(fd.file.hostFD, F_GETFL)
        guard flags >= 0, flags & O_ACCMODE != O_RDONLY else { return writev(fd.file.hostFD, vectors, count) }
        if kind == S_IFSOCK {
            var message = msghdr()
            message.msg_iov = UnsafeMutablePointer(mutating: vectors)
            message.msg_iovlen = Int(count)
            return sendWaiting(c, fd, flags: 0) { sendmsg(fd.file.hostFD, &message, $0) }
        }
        guard kind == S_IFIFO, flags & O_NONBLOCK == 0 else { return writev(fd.file.hostFD, vectors, count) }
        do {
            try waitReady(c, fd, events: POLLOUT)
        } catch {
            errno = EINTR
            return -1
        }
        var limited: [iovec] = []
        var room = Int(PIPE_BUF)
        for index in 0..<Int(count) where room > 0 {
            limited.append(iovec(iov_base: vectors[index].iov_base, iov_len: min(vectors[index].iov_len, room)))
            room -= limited[limited.count - 1].iov_len
        }
        return writev(fd.file.hostFD, limited, Int32(limited.count))
    }

    /// Sends with `send(flags)` so that the host thread never blocks: unless the guest asked not to wait, waits
    /// for room as `writeWaiting` does and sends with `MSG_DONTWAIT`, again if there was no room after all (a
    /// datagram's peer may be full while the socket polls writable).
    static func sendWaiting(_ c: SyscallContext, _ fd: FileDescriptor, flags: Int32, _ send: (Int32) -> Int) -> Int {
        guard flags & Int32(MSG_DONTWAIT) == 0, fcntl(fd.file.hostFD, F_GETFL) & O_NONBLOCK == 0 else {
            return send(flags)
        }
        while true {
            do {
                try waitReady(c, fd, events: POLLOUT)
            } catch {
                errno = EINTR
                return -1
            }
            let sent = send(flags | Int32(MSG_DONTWAIT))
            guard sent < 0, errno == EAGAIN || errno == EWOULDBLOCK else { return sent }
            if c.kernel.locked({ c.thread.mustStopWaiting }) {
                errno = EINTR
                return -1
            }
            usleep(1_000)
        }
    }

    /// For a descriptor in blocking mode, waits until the host descriptor is ready for `events`, in slices, so
    /// that a signal to handle (or a timeout) ends the wait with `intr`.
    static func waitReady(_ c: SyscallContext, _ fd: FileDescriptor, events: Int32) throws(Errno) {
        guard fcntl(fd.file.hostFD, F_GETFL) & O_NONBLOCK == 0 else { return }
        var poller = pollfd(fd: fd.file.hostFD, events: Int16(events), revents: 0)
        // A host signal (the host's SIGTERM being forwarded, say) can cut a poll short: that is no readiness,
        // and the blocking call after it could no longer be interrupted, so it waits on.
        while true {
            let ready = Glibc.poll(&poller, 1, 50)
            guard ready == 0 || (ready < 0 && errno == EINTR) else { return }
            if c.kernel.locked({ c.thread.mustStopWaiting }) { throw .intr }
        }
    }
}
