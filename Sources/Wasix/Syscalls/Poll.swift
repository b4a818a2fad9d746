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
