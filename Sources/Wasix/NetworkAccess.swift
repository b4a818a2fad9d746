#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Which network endpoints a guest may bind, connect or send to. Off by default: then sockets cannot be opened
/// and names cannot be resolved.
public struct NetworkAccess: Sendable {
    /// Whether every endpoint is allowed (`--net`).
    public var allowsAll = false
    /// Allowed endpoints (`--net-allow HOST:PORT`); a host is an address or `localhost`, either may be `*`, and
    /// a host may hold `*` and `?` wildcards (`10.0.0.*`).
    public private(set) var endpoints: [(host: String, port: String)] = []

    public init() {}

    /// Whether the guest may use the network at all.
    public var isEnabled: Bool { allowsAll || !endpoints.isEmpty }

    /// Adds `HOST:PORT` (IPv6 hosts in brackets: `[::1]:8080`).
    /// - Returns: false if it is not of that form.
    public mutating func allow(_ text: String) -> Bool {
        guard let colon = text.lastIndex(of: ":") else { return false }
        var host = String(text[..<colon])
        let port = String(text[text.index(after: colon)...])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty, port == "*" || UInt16(port) != nil else { return false }
        endpoints.append((host, port))
        return true
    }

    /// Whether the guest may bind, connect or send to `host` (an address in text) and `port`.
    func allows(host: String, port: UInt16) -> Bool {
        allowsAll || endpoints.contains { endpoint in
            let hostMatches = endpoint.host == "localhost"
                ? host == "127.0.0.1" || host == "::1"
                : fnmatch(endpoint.host, host, 0) == 0
            return hostMatches && (endpoint.port == "*" || endpoint.port == String(port))
        }
    }
}
