/// `args_*` and `environ_*`: NUL-terminated strings in one buffer plus an array of pointers into it.
extension Syscalls {
    /// args_sizes_get(argc: *u32, argv_buf_size: *u32)
    static func argsSizesGet(_ c: SyscallContext) throws -> Errno {
        try writeSizes(c.process.arguments, c)
    }

    /// args_get(argv: **u8, argv_buf: *u8)
    static func argsGet(_ c: SyscallContext) throws -> Errno {
        try writeStrings(c.process.arguments, c)
    }

    /// environ_sizes_get(count: *u32, buf_size: *u32)
    static func environSizesGet(_ c: SyscallContext) throws -> Errno {
        try writeSizes(c.process.environment, c)
    }

    /// environ_get(environ: **u8, environ_buf: *u8)
    static func environGet(_ c: SyscallContext) throws -> Errno {
        try writeStrings(c.process.environment, c)
    }

    private static func writeSizes(_ strings: [String], _ c: SyscallContext) throws(Errno) -> Errno {
        try c.storeSize(strings.count, at: c.u32(0))
        try c.storeSize(strings.reduce(0) { $0 + $1.utf8.count + 1 }, at: c.u32(1))
        return .success
    }

    private static func writeStrings(_ strings: [String], _ c: SyscallContext) throws(Errno) -> Errno {
        var pointer = c.u32(0)
        var buffer = c.u32(1)
        for string in strings {
            try c.storeSize(buffer, at: pointer)
            let bytes = Array(string.utf8) + [0]
            try c.memory.write(bytes, at: buffer)
            pointer &+= c.wordSize
            buffer &+= UInt32(bytes.count)
        }
        return .success
    }
}

/// The namespace of the syscall tables.
enum Syscalls {}
