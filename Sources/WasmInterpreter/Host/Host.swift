#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// The few host services the libraries need beyond the standard library, built on the C library so that no target
// needs Foundation (which loads ICU: about 10 MB of resident memory and several milliseconds before `main`).
// See docs/RATIONALE.md, "No Foundation".

/// A mutual exclusion lock over `pthread_mutex_t`. Not recursive.
package final class Lock: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>

    package init() {
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    package func lock() { pthread_mutex_lock(mutex) }
    package func unlock() { pthread_mutex_unlock(mutex) }

    package func withLock<T>(_ body: () throws -> T) rethrows -> T {
        lock()
        defer { unlock() }
        return try body()
    }
}

/// A lock with a condition variable (`pthread_cond_t`), whose timed waits measure time on `MonotonicClock`, so
/// that a change of the wall clock neither ends nor stretches them. As with any condition variable, a wait may
/// return without a signal: callers check their predicate in a loop.
package final class Condition: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let condition: UnsafeMutablePointer<pthread_cond_t>

    package init() {
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
        condition = .allocate(capacity: 1)
        condition.initialize(to: pthread_cond_t())
        #if os(Linux)
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        pthread_cond_init(condition, &attributes)
        pthread_condattr_destroy(&attributes)
        #else
        pthread_cond_init(condition, nil)
        #endif
    }

    deinit {
        pthread_cond_destroy(condition)
        condition.deallocate()
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    package func lock() { pthread_mutex_lock(mutex) }
    package func unlock() { pthread_mutex_unlock(mutex) }

    package func withLock<T>(_ body: () throws -> T) rethrows -> T {
        lock()
        defer { unlock() }
        return try body()
    }

    /// Waits for a signal; the caller holds the lock.
    package func wait() { pthread_cond_wait(condition, mutex) }

    /// Waits for a signal until `deadline` (`MonotonicClock` nanoseconds); the caller holds the lock.
    /// - Returns: false if the deadline passed first.
    @discardableResult
    package func wait(until deadline: UInt64) -> Bool {
        #if os(Linux)
        // Whole seconds beyond Int.max / 2 are as good as forever, and keep the C library's arithmetic in range.
        let seconds = min(deadline / 1_000_000_000, UInt64(Int.max / 2))
        var time = timespec(tv_sec: Int(seconds), tv_nsec: Int(deadline % 1_000_000_000))
        return pthread_cond_timedwait(condition, mutex, &time) != ETIMEDOUT
        #else
        let now = MonotonicClock.now
        guard deadline > now else { return false }
        let remaining = deadline - now
        var time = timespec(tv_sec: Int(min(remaining / 1_000_000_000, UInt64(Int.max / 2))),
                            tv_nsec: Int(remaining % 1_000_000_000))
        return pthread_cond_timedwait_relative_np(condition, mutex, &time) != ETIMEDOUT
        #endif
    }

    /// Wakes one waiter.
    package func signal() { pthread_cond_signal(condition) }
    /// Wakes every waiter.
    package func broadcast() { pthread_cond_broadcast(condition) }
}

/// The host's monotonic clock (`CLOCK_MONOTONIC`), in nanoseconds since an arbitrary start.
package enum MonotonicClock {
    package static var now: UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) &* 1_000_000_000 &+ UInt64(time.tv_nsec)
    }

    /// `nanoseconds` from now (saturating: a huge timeout is forever).
    package static func deadline(after nanoseconds: UInt64) -> UInt64 {
        let (sum, overflow) = now.addingReportingOverflow(nanoseconds)
        return overflow ? .max : sum
    }

    /// `duration` from now; a negative one is now.
    package static func deadline(after duration: Duration) -> UInt64 {
        deadline(after: nanoseconds(duration))
    }

    /// `duration` in whole nanoseconds, 0 if negative, saturating.
    package static func nanoseconds(_ duration: Duration) -> UInt64 {
        let (seconds, attoseconds) = duration.components
        guard seconds >= 0, attoseconds >= 0 || seconds > 0 else { return 0 }
        let (whole, overflow) = UInt64(seconds).multipliedReportingOverflow(by: 1_000_000_000)
        guard !overflow else { return .max }
        let (sum, overflow2) = whole.addingReportingOverflow(UInt64(clamping: attoseconds / 1_000_000_000))
        return overflow2 ? .max : sum
    }
}

/// Host threads, without Foundation's `Thread`.
package enum HostThread {
    /// The signals that threads of ours never take: a run that forwards them to its guest waits for them in one
    /// thread (`sigwait`), which works only if no other thread takes them first.
    package static let interrupts = [SIGINT, SIGTERM, SIGHUP]

    /// Runs `body` on a new detached thread with a stack of `stackSize` bytes (the system's default if `nil`), with
    /// `interrupts` blocked.
    /// - Returns: false if the system could not start a thread (`body` then never runs).
    @discardableResult
    package static func detach(stackSize: Int? = nil, _ body: @escaping @Sendable () -> Void) -> Bool {
        final class Box {
            let body: @Sendable () -> Void
            init(_ body: @escaping @Sendable () -> Void) { self.body = body }
        }
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
        if let stackSize { pthread_attr_setstacksize(&attributes, stackSize) }
        let box = Unmanaged.passRetained(Box(body)).toOpaque()
        // A new thread inherits the mask of the thread that starts it.
        var blocked = sigset_t(), previous = sigset_t()
        sigemptyset(&blocked)
        for signal in interrupts { sigaddset(&blocked, signal) }
        pthread_sigmask(SIG_BLOCK, &blocked, &previous)
        defer { pthread_sigmask(SIG_SETMASK, &previous, nil) }
        #if os(Linux)
        var thread = pthread_t()
        #else
        var thread: pthread_t?
        #endif
        let started = pthread_create(&thread, &attributes, { argument in
            #if os(Linux)
            let box = Unmanaged<Box>.fromOpaque(argument!).takeRetainedValue()
            #else
            let box = Unmanaged<Box>.fromOpaque(argument).takeRetainedValue()
            #endif
            box.body()
            return nil
        }, box)
        if started != 0 { Unmanaged<Box>.fromOpaque(box).release() }
        return started == 0
    }
}

/// What the host is: processors and memory.
package enum HostSystem {
    /// The processors online, at least 1.
    package static var activeProcessorCount: Int {
        max(sysconf(Int32(_SC_NPROCESSORS_ONLN)), 1)
    }

    /// The machine's physical memory in bytes.
    package static var physicalMemory: UInt64 {
        #if os(Linux)
        let pages = sysconf(Int32(_SC_PHYS_PAGES)), size = sysconf(Int32(_SC_PAGESIZE))
        return pages > 0 && size > 0 ? UInt64(pages) * UInt64(size) : 0
        #else
        var bytes: UInt64 = 0
        var length = MemoryLayout<UInt64>.size
        sysctlbyname("hw.memsize", &bytes, &length, nil, 0)
        return bytes
        #endif
    }

    /// The host's environment as `NAME` to `VALUE` (the first of repeated names wins, as for `getenv`).
    package static var environment: [String: String] {
        var result: [String: String] = [:]
        #if os(Linux)
        var entry = environ
        #else
        var entry = _NSGetEnviron().pointee!
        #endif
        while let pointer = entry.pointee {
            let text = String(cString: pointer)
            if let equals = text.firstIndex(of: "=") {
                let name = String(text[..<equals])
                if result[name] == nil { result[name] = String(text[text.index(after: equals)...]) }
            }
            entry += 1
        }
        return result
    }

    /// The directory for temporary files: `TMPDIR` if set, else `/tmp`, without a trailing slash.
    package static var temporaryDirectory: String {
        var directory = getenv("TMPDIR").map { String(cString: $0) } ?? ""
        while directory.count > 1 && directory.hasSuffix("/") { directory.removeLast() }
        return directory.isEmpty ? "/tmp" : directory
    }
}

/// `value` with `digits` digits after the point, padded on the left to `width` characters: C's `%WIDTH.DIGITSf`.
package func formatted(_ value: Double, digits: Int, width: Int = 0) -> String {
    // The longest a double prints with `%f` is 309 digits before the point.
    var buffer = [CChar](repeating: 0, count: 320 + max(digits, 0) + max(width, 0))
    _ = withVaList([value]) { vsnprintf(&buffer, buffer.count, "%\(width).\(digits)f", $0) }
    return buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
}
