#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Conveniences for embedders.
extension ValidatedModule {
    /// Reads, decodes and validates the module in the file at `path`.
    /// - Throws: `FileError`, `DecodeError` or `ValidationError`.
    public init(contentsOfFile path: String, features: WasmFeatures = .all) throws {
        self = try ModuleValidator.load(try FileError.contents(of: path), features: features)
    }
}

/// A file that could not be read, with the system's reason.
public struct FileError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var reason: String

    public var description: String { "cannot read \(path): \(reason)" }

    /// The contents of the file at `path`.
    static func contents(of path: String) throws(FileError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw FileError(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var info = stat()
        if fstat(fd, &info) == 0 { bytes.reserveCapacity(Int(info.st_size)) }
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            guard count >= 0 else { throw FileError(path: path, reason: String(cString: strerror(errno))) }
            if count == 0 { return bytes }
            bytes += chunk[0..<count]
        }
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
