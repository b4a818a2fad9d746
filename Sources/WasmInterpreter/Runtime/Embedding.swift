#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Conveniences for embedders.
extension ValidatedModule {
    /// Reads, decodes and validates the module in the file at `path`.
    /// - Parameter limits: The most the module may declare; a larger file is read no further than its `moduleSize`.
    /// - Throws: `FileError`, `DecodeError` or `ValidationError`.
    public init(contentsOfFile path: String, features: WasmFeatures = .all, limits: ImplementationLimits = .default)
        throws
    {
        let bytes = try FileError.contents(of: path, upTo: limits.moduleSize)
        self = try ModuleValidator.load(bytes, features: features, limits: limits)
    }
}

/// A file that could not be read, with the system's reason.
public struct FileError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var reason: String

    public var description: String { "cannot read \(path): \(reason)" }

    /// The contents of the file at `path`, or its first bytes if it has more than `maximum`: enough of them for the
    /// decoder to see that it is too large.
    package static func contents(of path: String, upTo maximum: Int = .max) throws(FileError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw FileError(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        // One byte more than `maximum` is enough to tell.
        let wanted = maximum < Int.max ? maximum + 1 : maximum
        var bytes: [UInt8] = []
        var info = stat()
        if fstat(fd, &info) == 0 {
            // The size the file says it has is read straight into the array; what it may have beyond is read below.
            let size = max(0, min(Int(info.st_size), wanted))
            var failure: Int32?
            bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
                while count < size {
                    let n = read(fd, buffer.baseAddress! + count, size - count)
                    if n < 0 && errno == EINTR { continue }
                    if n < 0 { failure = errno }
                    guard n > 0 else { return }
                    count += n
                }
            }
            if let failure { throw FileError(path: path, reason: String(cString: strerror(failure))) }
            if bytes.count < size || bytes.count == wanted { return bytes }
            // At the end, as a regular file of that size is: no buffer needed to find out.
            var probe: UInt8 = 0
            let count = read(fd, &probe, 1)
            guard count >= 0 else { throw FileError(path: path, reason: String(cString: strerror(errno))) }
            if count == 0 { return bytes }
            bytes.append(probe)
        }
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while bytes.count < wanted {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, min($0.count, wanted - bytes.count)) }
            guard count >= 0 else { throw FileError(path: path, reason: String(cString: strerror(errno))) }
            if count == 0 { break }
            bytes += chunk[0..<count]
        }
        return bytes
    }
}

/// An instance used after its store was released.
public struct StoreReleased: Error, Sendable, CustomStringConvertible {
    public var description: String { "the store of this instance was released" }
}

/// An export that is missing or not a function.
public struct MissingExport: Error, Sendable, CustomStringConvertible {
    public var name: String

    public init(name: String) {
        self.name = name
    }

    public var description: String { "no exported function \"\(name)\"" }
}

extension Instance {
    /// Calls the exported function `name` with `arguments`, on `context` or on a new execution context.
    /// - Throws: `MissingExport`, or `TrapError` if the call traps.
    public func invoke(_ name: String, _ arguments: [Value] = [], in context: ExecutionContext? = nil) throws -> [Value] {
        guard let function = exportedFunction(name) else { throw MissingExport(name: name) }
        guard let store else { throw StoreReleased() }
        return try (context ?? ExecutionContext(store: store)).invoke(function, arguments)
    }
}
