#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `clock_res_get`, `clock_time_get`: realtime, monotonic, process and thread CPU time.
extension Syscalls {
    /// clock_res_get(id: u32, resolution: *u64) -> inval for an unknown clock
    static func clockResGet(_ c: SyscallContext) throws -> Errno {
        var spec = timespec()
        guard clock_getres(try hostClock(c.u32(0)), &spec) == 0 else { return .current }
        try c.memory.store(nanoseconds(spec), at: c.u32(1))
        return .success
    }

    /// clock_time_get(id: u32, precision: u64, time: *u64) -> inval for an unknown clock
    static func clockTimeGet(_ c: SyscallContext) throws -> Errno {
        try c.memory.store(try now(c.u32(0)), at: c.u32(2))
        return .success
    }

    /// The host clock for a WASI clock id.
    static func hostClock(_ id: UInt32) throws(Errno) -> clockid_t {
        switch id {
        case 0: CLOCK_REALTIME
        case 1: CLOCK_MONOTONIC
        case 2: CLOCK_PROCESS_CPUTIME_ID
        case 3: CLOCK_THREAD_CPUTIME_ID
        default: throw .inval
        }
    }

    /// The current time of WASI clock `id` in nanoseconds.
    static func now(_ id: UInt32) throws(Errno) -> UInt64 {
        var spec = timespec()
        guard clock_gettime(try hostClock(id), &spec) == 0 else { throw .current }
        return nanoseconds(spec)
    }

    static func nanoseconds(_ spec: timespec) -> UInt64 {
        UInt64(spec.tv_sec) &* 1_000_000_000 &+ UInt64(spec.tv_nsec)
    }
}
