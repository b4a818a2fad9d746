#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import WasmInterpreter

/// Event loops: `fd_event` (an eventfd) and epoll, built on the host's `poll` so that it works wherever the
/// descriptors are host descriptors (edge-triggered interest is served level-triggered).
extension Syscalls {
    /// fd_event(initial: u64, flags: eventfdflags, fd: *fd): a counter read and written 8 bytes at a time;
    /// flag 1 (semaphore) makes a read take 1 instead of everything. `poll_oneoff` reports it readable once per
    /// change of the counter (`EventCounter`).
    static func fdEvent(_ c: SyscallContext) throws -> Errno {
        guard let eventfd = hostEventfd else { return .notsup }
        let hostFD = eventfd(UInt32(clamping: c.u64(0)), O_CLOEXEC)
        guard hostFD >= 0 else { return .current }
        let file = OpenFile(hostFD: hostFD, filetype: .unknown)
        file.eventCounter = EventCounter(semaphore: c.u32(1) & 1 != 0)
        let fd = try c.process.descriptors.insert(FileDescriptor(
            file: file, rightsBase: Rights.fdRead | Rights.fdWrite | Rights.fdFdstatSetFlags | Rights.pollFdReadwrite,
            rightsInheriting: 0))
        try c.memory.store(fd, at: c.u32(2))
        return .success
    }

    /// `fd_read` of an `fd_event` descriptor: the counter as 8 little-endian bytes (`inval` for less room), or
    /// `again` when it is zero and the descriptor does not block; a blocking one waits for a write.
    static func readEventCounter(_ c: SyscallContext, _ fd: FileDescriptor, _ counter: EventCounter) throws -> Errno {
        let buffers = try c.iovecs(1)
        guard buffers.reduce(0, { $0 + $1.count }) >= 8 else { return .inval }
        while true {
            if let value = counter.take(fd.file.hostFD) {
                var bytes = (0..<8).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }[...]
                for buffer in buffers where !bytes.isEmpty {
                    let part = bytes.prefix(buffer.count)
                    buffer.copyBytes(from: part)
                    bytes = bytes.dropFirst(part.count)
                }
                try c.storeSize(8, at: c.u32(3))
                return .success
            }
            guard fcntl(fd.file.hostFD, F_GETFL) & O_NONBLOCK == 0 else { return .again }
            try waitReady(c, fd, events: POLLIN)
        }
    }

    /// epoll_create(fd: *fd)
    static func epollCreate(_ c: SyscallContext) throws -> Errno {
        let placeholder = Glibc.open("/dev/null", O_RDONLY | O_CLOEXEC)
        guard placeholder >= 0 else { return .current }
        let file = OpenFile(hostFD: placeholder, filetype: .unknown)
        file.epoll = EpollInterest()
        let fd = try c.process.descriptors.insert(FileDescriptor(file: file, rightsBase: Rights.pollFdReadwrite,
                                                                  rightsInheriting: 0))
        try c.memory.store(fd, at: c.u32(0))
        return .success
    }

    /// epoll_ctl(epfd, op: 0 add / 1 modify / 2 delete, fd, event: *epoll_event): epoll_event is events
    /// u32@0 (1 in, 2 out, 4 rdhup, 8 pri, 16 err, 32 hup, 64 et, 128 oneshot) and 24 data bytes @8.
    static func epollCtl(_ c: SyscallContext) throws -> Errno {
        guard let interest = try c.fd(0).file.epoll else { return .inval }
        let target = try c.process.descriptors.get(c.u32(2))
        guard target.file.epoll !== interest else { return .inval }
        let op = c.u32(1)
        let entry = op == 2 ? nil : EpollInterest.Entry(
            file: target.file, events: try c.memory.load(c.u32(3), as: UInt32.self),
            data: try c.memory.bytes(c.u32(3) &+ 8, 24))
        return interest.change(fd: c.u32(2), op: op, entry: entry)
    }

    /// epoll_wait(epfd, events: *epoll_event, maxevents, timeout: ns (u64 max: none), count: *size)
    static func epollWait(_ c: SyscallContext) throws -> Errno {
        guard let interest = try c.fd(0).file.epoll else { return .inval }
        let deadline = c.u64(3) >= 1 << 62 ? nil : MonotonicClock.now &+ c.u64(3)
        var ready: [(events: UInt32, data: [UInt8])] = []
        while true {
            ready = interest.poll(maximum: Int(c.u32(2)), milliseconds: 0)
            if !ready.isEmpty { break }
            let now = MonotonicClock.now
            if let deadline, now >= deadline { break }
            let slice = Int32(min((deadline.map { $0 - now } ?? .max) / 1_000_000 + 1, 50))
            ready = interest.poll(maximum: Int(c.u32(2)), milliseconds: slice)
            if !ready.isEmpty { break }
            if c.kernel.locked({ c.thread.mustStopWaiting }) { return .intr }
        }
        for (index, event) in ready.enumerated() {
            let address = c.u32(1) &+ UInt32(index * 32)
            try c.memory.store(event.events, at: address)
            try c.memory.store(UInt32(0), at: address &+ 4)
            try c.memory.write(event.data, at: address &+ 8)
        }
        try c.storeSize(ready.count, at: c.u32(4))
        return .success
    }

    /// The host's `eventfd`, looked up at run time (Glibc's module map does not offer it).
    private static let hostEventfd: (@convention(c) (UInt32, Int32) -> Int32)? = {
        guard let symbol = dlsym(dlopen(nil, RTLD_NOW), "eventfd") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (UInt32, Int32) -> Int32).self)
    }()
}

/// The counter of an `fd_event` descriptor, as `poll_oneoff` shows it: readable once per change (a write, or a
/// semaphore read that leaves some), as wasmer's event descriptors are, not for as long as the counter is not
/// zero, as Linux's eventfd is under `poll` (see docs/RATIONALE.md, "Event descriptors report changes"). The host
/// eventfd holds what was written since `poll_oneoff` last reported the descriptor, which is then moved to
/// `held`, so that the host descriptor polls readable again only after the next write; a read takes both.
final class EventCounter: @unchecked Sendable {
    let semaphore: Bool
    private let lock = Lock()
    private var held: UInt64 = 0

    init(semaphore: Bool) { self.semaphore = semaphore }

    /// Whether some of the counter is held (epoll, which is level-triggered here, reports it readable).
    var isHeld: Bool { lock.withLock { held > 0 } }

    /// Moves the host eventfd's count to `held`: `poll_oneoff` has just reported it.
    func absorb(_ hostFD: Int32) { lock.withLock { drain(hostFD) } }

    /// What a read takes (all of it, or 1 in semaphore mode), or nil if the counter is zero. What a semaphore
    /// read leaves goes back to the host eventfd, so that the descriptor is reported again.
    func take(_ hostFD: Int32) -> UInt64? {
        lock.withLock {
            drain(hostFD)
            guard held > 0 else { return nil }
            guard semaphore else {
                defer { held = 0 }
                return held
            }
            held -= 1
            if held > 0, withUnsafeBytes(of: held, { write(hostFD, $0.baseAddress, 8) }) == 8 { held = 0 }
            return 1
        }
    }

    /// Reads the host eventfd if it has a count, which never blocks: every read of it is made here, under the lock.
    private func drain(_ hostFD: Int32) {
        var poller = pollfd(fd: hostFD, events: Int16(POLLIN), revents: 0)
        var value: UInt64 = 0
        guard Glibc.poll(&poller, 1, 0) > 0, poller.revents & Int16(POLLIN) != 0, read(hostFD, &value, 8) == 8 else { return }
        held = held.addingReportingOverflow(value).overflow ? .max - 1 : held + value
    }
}

/// An epoll instance's interest list, by guest descriptor. Entries hold their open files weakly: once every
/// descriptor of a file is closed, it leaves the list, as on Linux.
final class EpollInterest: @unchecked Sendable {
    struct Entry {
        weak var file: OpenFile?
        var events: UInt32
        var data: [UInt8]
    }

    private let lock = Lock()
    private var entries: [UInt32: Entry] = [:]

    func change(fd: UInt32, op: UInt32, entry: Entry?) -> Errno {
        lock.lock()
        defer { lock.unlock() }
        let present = entries[fd]?.file != nil
        switch op {
        case 0:
            guard !present else { return .exist }
        case 1, 2:
            guard present else { return .noent }
        default:
            return .inval
        }
        entries[fd] = entry
        return .success
    }

    /// The entries ready now, or within `milliseconds`, up to `maximum` of them; one-shot entries are disarmed.
    func poll(maximum: Int, milliseconds: Int32) -> [(events: UInt32, data: [UInt8])] {
        lock.lock()
        let live = entries.filter { $0.value.file != nil && $0.value.events & 0x2B != 0 }
        lock.unlock()
        var pollers = live.map { _, entry in
            pollfd(fd: entry.file?.hostFD ?? -1, events: Int16(Self.hostEvents(entry.events)), revents: 0)
        }
        guard !pollers.isEmpty else {
            if milliseconds > 0 { usleep(UInt32(milliseconds) * 1000) }
            return []
        }
        // An event descriptor whose count `poll_oneoff` moved out of the host eventfd is readable all the same.
        let held = live.map { $0.value.events & 1 != 0 && $0.value.file?.eventCounter?.isHeld == true }
        let found = Glibc.poll(&pollers, nfds_t(pollers.count), held.contains(true) ? 0 : milliseconds)
        for index in held.indices where held[index] { pollers[index].revents |= Int16(POLLIN) }
        guard found > 0 || held.contains(true) else { return [] }
        var ready: [(events: UInt32, data: [UInt8])] = []
        lock.lock()
        defer { lock.unlock() }
        for ((fd, entry), poller) in zip(live, pollers) where poller.revents != 0 && ready.count < maximum {
            ready.append((Self.guestEvents(poller.revents), entry.data))
            if entry.events & 128 != 0 { entries[fd]?.events = 0 }
        }
        return ready
    }

    /// Linux's POLLRDHUP, which Glibc's module map leaves out.
    private static let pollReadHangUp: Int32 = 0x2000

    private static func hostEvents(_ events: UInt32) -> Int32 {
        var host: Int32 = 0
        if events & 1 != 0 { host |= Int32(POLLIN) }
        if events & 2 != 0 { host |= Int32(POLLOUT) }
        if events & 4 != 0 { host |= pollReadHangUp }
        if events & 8 != 0 { host |= Int32(POLLPRI) }
        return host
    }

    private static func guestEvents(_ host: Int16) -> UInt32 {
        var events: UInt32 = 0
        if host & Int16(POLLIN) != 0 { events |= 1 }
        if host & Int16(POLLOUT) != 0 { events |= 2 }
        if Int32(host) & pollReadHangUp != 0 { events |= 4 }
        if host & Int16(POLLPRI) != 0 { events |= 8 }
        if host & Int16(POLLERR) != 0 { events |= 16 }
        if host & Int16(POLLHUP) != 0 { events |= 32 }
        return events
    }
}
