#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The one place that maps host `errno` values to WASI errnos.
extension Errno {
    /// The WASI errno for a host `errno` value.
    init(host code: Int32) {
        switch code {
        case E2BIG: self = .toobig
        case EACCES: self = .acces
        case EADDRINUSE: self = .addrinuse
        case EADDRNOTAVAIL: self = .addrnotavail
        case EAFNOSUPPORT: self = .afnosupport
        case EAGAIN: self = .again
        case EALREADY: self = .already
        case EBADF: self = .badf
        case EBUSY: self = .busy
        case ECHILD: self = .child
        case ECONNABORTED: self = .connaborted
        case ECONNREFUSED: self = .connrefused
        case ECONNRESET: self = .connreset
        case EDEADLK: self = .deadlk
        case EDQUOT: self = .dquot
        case EEXIST: self = .exist
        case EFAULT: self = .fault
        case EFBIG: self = .fbig
        case EHOSTUNREACH: self = .hostunreach
        case EILSEQ: self = .ilseq
        case EINPROGRESS: self = .inprogress
        case EINTR: self = .intr
        case EINVAL: self = .inval
        case EIO: self = .io
        case EISCONN: self = .isconn
        case EISDIR: self = .isdir
        case ELOOP: self = .loop
        case EMFILE: self = .mfile
        case EMLINK: self = .mlink
        case ENAMETOOLONG: self = .nametoolong
        case ENETDOWN: self = .netdown
        case ENETUNREACH: self = .netunreach
        case ENFILE: self = .nfile
        case ENOBUFS: self = .nobufs
        case ENODEV: self = .nodev
        case ENOENT: self = .noent
        case ENOEXEC: self = .noexec
        case ENOMEM: self = .nomem
        case ENOSPC: self = .nospc
        case ENOSYS: self = .nosys
        case ENOTCONN: self = .notconn
        case ENOTDIR: self = .notdir
        case ENOTEMPTY: self = .notempty
        case ENOTSOCK: self = .notsock
        case ENOTSUP: self = .notsup
        case ENOTTY: self = .notty
        case ENXIO: self = .nxio
        case EOVERFLOW: self = .overflow
        case EPERM: self = .perm
        case EPIPE: self = .pipe
        case ERANGE: self = .range
        case EROFS: self = .rofs
        case ESPIPE: self = .spipe
        case ESRCH: self = .srch
        case ETIMEDOUT: self = .timedout
        case ETXTBSY: self = .txtbsy
        case EXDEV: self = .xdev
        default: self = .io
        }
    }

    /// The WASI errno for the calling thread's current host `errno`.
    static var current: Errno { Errno(host: errno) }
}
