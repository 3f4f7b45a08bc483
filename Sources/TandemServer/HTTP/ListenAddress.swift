import Foundation

/// Where the server listens: an IPv4 or IPv6 address and a port, as a socket address.
struct ListenAddress: Sendable, CustomStringConvertible {
    let host: String
    let port: Int
    let isIPv6: Bool

    /// `host` must be an IP address (`127.0.0.1`, `0.0.0.0`, `::1`) or `localhost`.
    init(host: String, port: Int) throws(ServeError) {
        guard (0...65_535).contains(port) else { throw .invalidOption("--port must be in 0...65535 (got \(port))") }
        let literal = host == "localhost" ? "127.0.0.1" : host
        var v4 = in_addr(), v6 = in6_addr()
        if inet_pton(AF_INET, literal, &v4) == 1 {
            isIPv6 = false
        } else if inet_pton(AF_INET6, literal, &v6) == 1 {
            isIPv6 = true
        } else {
            throw .invalidOption("--host must be an IP address such as 127.0.0.1, 0.0.0.0 or ::1 (got '\(host)')")
        }
        self.host = literal
        self.port = port
    }

    /// True for addresses only this machine can reach.
    var isLoopback: Bool { host.hasPrefix("127.") || host == "::1" }

    /// Calls `body` with the socket address.
    func withSocketAddress<R>(_ body: (UnsafePointer<sockaddr>) -> R) -> R {
        if isIPv6 {
            var a = sockaddr_in6()
            a.sin6_family = sa_family_t(AF_INET6)
            a.sin6_port = UInt16(port).bigEndian
            _ = inet_pton(AF_INET6, host, &a.sin6_addr)
            return withUnsafePointer(to: &a) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1, body) }
        }
        var a = sockaddr_in()
        a.sin_family = sa_family_t(AF_INET)
        a.sin_port = UInt16(port).bigEndian
        _ = inet_pton(AF_INET, host, &a.sin_addr)
        return withUnsafePointer(to: &a) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1, body) }
    }

    var description: String { isIPv6 ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
