#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import WasmInterpreter

/// Event loops: `fd_event` (an eventfd) and epoll, served by the host's epoll on Linux (edge-triggered and
/// one-shot interest as Linux has them) and by its `poll` elsewhere (edge-triggered interest served
/// level-triggered).
extension Syscalls {
    /// fd_event(initial: u64, flags: eventfdflags, fd: *fd): a counter read and written 8 bytes at a time;
    /// flag 1 (semaphore) makes a read take 1 instead of everything. For the 2022 ABI, `poll_oneoff` reports it
    /// readable once per change of the counter (`EventCounter`); for the current one, as long as it is not zero.
    static func fdEvent(_ c: SyscallContext) throws -> Errno {
        guard let eventfd = hostEventfd else { return .notsup }
        let semaphore = c.u32(1) & 1 != 0, reportsChanges = !c.isCurrentABI
        // EFD_SEMAPHORE is 1; an `EventCounter` keeps the semaphore mode itself.
        let hostFD = eventfd(UInt32(clamping: c.u64(0)), (semaphore && !reportsChanges ? 1 : 0) | O_CLOEXEC)
        guard hostFD >= 0 else { return .current }
        let file = OpenFile(hostFD: hostFD, filetype: .unknown)
        if reportsChanges { file.eventCounter = EventCounter(semaphore: semaphore) }
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
                var bytes = withUnsafeBytes(of: value.littleEndian, Array.init)[...]
                let moved = try transfer(buffers) { destination, room in
                    let part = bytes.prefix(room)
                    part.withUnsafeBytes { source in
                        if let base = source.baseAddress { destination?.copyMemory(from: base, byteCount: part.count) }
                    }
                    bytes = bytes.dropFirst(part.count)
                    return part.count
                }
                try c.storeSize(moved, at: c.u32(3))
                return .success
            }
            guard fcntl(fd.file.hostFD, F_GETFL) & O_NONBLOCK == 0 else { return .again }
            try waitReady(c, fd, events: POLLIN)
        }
    }

    /// epoll_create(fd: *fd)
    static func epollCreate(_ c: SyscallContext) throws -> Errno {
        // Without the host's epoll, the instance stands on a descriptor of /dev/null.
        let host = HostEpoll.calls.map { $0.create(O_CLOEXEC) } ?? -1
        let hostFD = host >= 0 ? host : Glibc.open("/dev/null", O_RDONLY | O_CLOEXEC)
        guard hostFD >= 0 else { return .current }
        let file = OpenFile(hostFD: hostFD, filetype: .unknown)
        file.epoll = EpollInterest(host: host)
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
        return interest.change(fd: c.u32(2), file: target.file, op: op, entry: entry)
    }

    /// epoll_wait(epfd, events: *epoll_event, maxevents, timeout: ns (u64 max: none), count: *size)
    static func epollWait(_ c: SyscallContext) throws -> Errno {
        guard let interest = try c.fd(0).file.epoll, c.u32(2) > 0 else { return .inval }
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

/// The counter of a 2022 ABI `fd_event` descriptor, as `poll_oneoff` shows it: readable once per change (a
/// write, or a semaphore read that leaves some), as wasmer's event descriptors are, not for as long as the
/// counter is not zero, as Linux's eventfd is (see docs/RATIONALE.md, "Event descriptors report changes"). The host
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

/// An epoll instance's interest list, by guest descriptor: its events and data. With the host's epoll (`host`),
/// the host instance keeps the interest (each guest descriptor's host descriptor, its number as the data) and
/// reports readiness; otherwise `poll` does, level-triggered. Entries hold their open files weakly: once every
/// descriptor of a file is closed, it leaves the list, as on Linux.
final class EpollInterest: @unchecked Sendable {
    struct Entry {
        weak var file: OpenFile?
        var events: UInt32
        var data: [UInt8]
    }

    /// The host epoll instance, or -1.
    private let host: Int32
    private let lock = Lock()
    private var entries: [UInt32: Entry] = [:]

    init(host: Int32) { self.host = host }

    func change(fd: UInt32, file: OpenFile, op: UInt32, entry: Entry?) -> Errno {
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
        if host >= 0, let calls = HostEpoll.calls {
            var event = HostEpoll.event(events: Self.hostEvents(entry?.events ?? 0), key: UInt64(fd))
            let hostOp: Int32 = op == 0 ? 1 : op == 1 ? 3 : 2  // EPOLL_CTL_ADD, _MOD, _DEL
            let result = event.withUnsafeMutableBytes { calls.control(host, hostOp, file.hostFD, $0.baseAddress) }
            guard result == 0 else { return .current }
        }
        entries[fd] = entry
        return .success
    }

    /// The entries ready now, or within `milliseconds`, up to `maximum` of them; one-shot entries are disarmed.
    /// An event descriptor whose count `poll_oneoff` moved out of the host eventfd is readable all the same,
    /// unless its interest is edge-triggered.
    func poll(maximum: Int, milliseconds: Int32) -> [(events: UInt32, data: [UInt8])] {
        lock.lock()
        let live = entries.filter { $0.value.file != nil && $0.value.events & 0x2B != 0 }
        lock.unlock()
        let held = live.filter { $0.value.events & 0xC1 == 1 && $0.value.file?.eventCounter?.isHeld == true }
        var ready = held.prefix(maximum).map { (events: UInt32(1), data: $0.value.data) }
        let wait = ready.isEmpty ? milliseconds : 0
        guard ready.count < maximum else { return ready }
        if host >= 0, let calls = HostEpoll.calls {
            let count = min(maximum - ready.count, 256)
            var events = [UInt8](repeating: 0, count: count * HostEpoll.eventSize)
            let found = events.withUnsafeMutableBytes { calls.wait(host, $0.baseAddress, Int32(count), wait) }
            lock.lock()
            defer { lock.unlock() }
            for index in 0..<max(Int(found), 0) {
                let (hostEvents, key) = HostEpoll.read(events, at: index)
                guard let entry = entries[UInt32(truncatingIfNeeded: key)], entry.file != nil,
                      !held.keys.contains(UInt32(truncatingIfNeeded: key)) else { continue }
                ready.append((Self.guestEvents(hostEvents), entry.data))
            }
            return ready
        }
        let polled = live.filter { !held.keys.contains($0.key) }
        var pollers = polled.map { _, entry in
            pollfd(fd: entry.file?.hostFD ?? -1, events: Int16(truncatingIfNeeded: Self.hostEvents(entry.events)), revents: 0)
        }
        guard !pollers.isEmpty else {
            if wait > 0 { usleep(UInt32(wait) * 1000) }
            return ready
        }
        guard Glibc.poll(&pollers, nfds_t(pollers.count), wait) > 0 else { return ready }
        lock.lock()
        defer { lock.unlock() }
        for ((fd, entry), poller) in zip(polled, pollers) where poller.revents != 0 && ready.count < maximum {
            ready.append((Self.guestEvents(UInt32(UInt16(bitPattern: poller.revents))), entry.data))
            if entry.events & 128 != 0 { entries[fd]?.events = 0 }
        }
        return ready
    }

    /// Linux's event bits, which `poll` shares for the first six (Glibc's module map leaves out POLLRDHUP and
    /// sys/epoll.h).
    private static let linuxBits: [(guest: UInt32, host: UInt32)] = [
        (1, 0x1), (2, 0x4), (4, 0x2000), (8, 0x2), (16, 0x8), (32, 0x10), (64, 1 << 31), (128, 1 << 30),
    ]

    /// Guest events (`EPOLLIN 1, OUT 2, RDHUP 4, PRI 8, ERR 16, HUP 32, ET 64, ONESHOT 128`) as Linux's.
    private static func hostEvents(_ events: UInt32) -> UInt32 {
        linuxBits.reduce(0) { events & $1.guest != 0 ? $0 | $1.host : $0 }
    }

    private static func guestEvents(_ host: UInt32) -> UInt32 {
        linuxBits.reduce(0) { host & $1.host != 0 ? $0 | $1.guest : $0 }
    }
}

/// The host's epoll calls, looked up at run time (Glibc's module map leaves out sys/epoll.h); nil where the
/// host has none.
enum HostEpoll {
    typealias Create = @convention(c) (Int32) -> Int32
    typealias Control = @convention(c) (Int32, Int32, Int32, UnsafeMutableRawPointer?) -> Int32
    typealias Wait = @convention(c) (Int32, UnsafeMutableRawPointer?, Int32, Int32) -> Int32

    static let calls: (create: Create, control: Control, wait: Wait)? = {
        let process = dlopen(nil, RTLD_NOW)
        guard let create = dlsym(process, "epoll_create1"), let control = dlsym(process, "epoll_ctl"),
              let wait = dlsym(process, "epoll_wait") else { return nil }
        return (unsafeBitCast(create, to: Create.self), unsafeBitCast(control, to: Control.self),
                unsafeBitCast(wait, to: Wait.self))
    }()

    /// A `struct epoll_event`: events u32, then the data u64, packed on x86-64.
    #if arch(x86_64)
    static let eventSize = 12, dataOffset = 4
    #else
    static let eventSize = 16, dataOffset = 8
    #endif

    static func event(events: UInt32, key: UInt64) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: eventSize)
        bytes.withUnsafeMutableBytes {
            $0.storeBytes(of: events, as: UInt32.self)
            $0.storeBytes(of: key, toByteOffset: dataOffset, as: UInt64.self)
        }
        return bytes
    }

    /// Event `index` of an `epoll_wait` buffer: its events and data.
    static func read(_ buffer: [UInt8], at index: Int) -> (events: UInt32, key: UInt64) {
        buffer.withUnsafeBytes {
            ($0.loadUnaligned(fromByteOffset: index * eventSize, as: UInt32.self),
             $0.loadUnaligned(fromByteOffset: index * eventSize + dataOffset, as: UInt64.self))
        }
    }
}
