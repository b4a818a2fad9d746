/// WASI error numbers (<https://github.com/WebAssembly/WASI/blob/main/legacy/preview1/docs.md#errno>), with the
/// WASIX additions from 77 on. Case names follow the witx spelling.
public enum Errno: UInt16, Error, Sendable {
    case success = 0, toobig, acces, addrinuse, addrnotavail, afnosupport, again, already, badf, badmsg, busy
    case canceled, child, connaborted, connrefused, connreset, deadlk, destaddrreq, dom, dquot, exist, fault
    case fbig, hostunreach, idrm, ilseq, inprogress, intr, inval, io, isconn, isdir, loop, mfile, mlink
    case msgsize, multihop, nametoolong, netdown, netreset, netunreach, nfile, nobufs, nodev, noent, noexec
    case nolck, nolink, nomem, nomsg, noprotoopt, nospc, nosys, notconn, notdir, notempty, notrecoverable
    case notsock, notsup, notty, nxio, overflow, ownerdead, perm, pipe, proto, protonosupport, prototype
    case range, rofs, spipe, srch, stale, timedout, txtbsy, xdev, notcapable
    case shutdown, memviolation, unknown, pending
}
