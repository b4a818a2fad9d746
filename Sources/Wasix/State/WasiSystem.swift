#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import WasmInterpreter

/// The host side of one WASI process: its arguments, environment and file descriptors.
public final class WasiSystem: @unchecked Sendable {
    let configuration: WasixConfiguration
    var descriptors = FileDescriptorTable()

    /// Sets up stdio and opens the preopened directories.
    /// - Throws: `PreopenError` if a directory cannot be opened.
    public init(configuration: WasixConfiguration) throws {
        self.configuration = configuration
        let stdio = [configuration.stdin, configuration.stdout, configuration.stderr]
        for (fd, hostFD) in stdio.enumerated() {
            var info = stat()
            let filetype: Filetype = fstat(hostFD, &info) == 0 && info.st_mode & S_IFMT == S_IFREG
                ? .regularFile : .characterDevice
            // Stdio is presented as a character device (a terminal) unless it is a regular file.
            let rights = filetype == .regularFile ? Rights.file : Rights.characterDevice
            descriptors[UInt32(fd)] = FileDescriptor(
                file: OpenFile(hostFD: hostFD, filetype: filetype, ownsHostFD: false),
                rightsBase: rights, rightsInheriting: 0)
        }
        for preopen in configuration.preopens {
            let fd = open(preopen.hostPath, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            guard fd >= 0 else { throw PreopenError(path: preopen.hostPath, reason: String(cString: strerror(errno))) }
            _ = try descriptors.insert(FileDescriptor(
                file: OpenFile(hostFD: fd, filetype: .directory), rightsBase: Rights.directory,
                rightsInheriting: Rights.directory | Rights.file, preopenPath: preopen.guestPath))
        }
    }
}

/// A `--dir` or `--mapdir` directory that could not be opened.
public struct PreopenError: Error, CustomStringConvertible {
    public var path: String
    public var reason: String
    public var description: String { "cannot open directory \(path): \(reason)" }
}
