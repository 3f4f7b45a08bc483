import CCurl
import Foundation
import Synchronization

/// Offline mode: whether connections off this machine are allowed.
///
/// A config may let offline mode reach named hosts on a private network (`allow_hosts:`): those
/// pass the host check, and their sockets may open only to private-network addresses (10/8,
/// 172.16/12, 192.168/16, 169.254/16, fc00::/7, fe80::/10) or loopback, so a name that resolves
/// to a public address is still refused.
///
/// Offline comes from `TANDEM_OFFLINE=1` in the environment, from `--offline` (the CLI calls
/// `setProcessOffline(true)`), or from a policy value built with `offline: true`; any one of them
/// wins, so code cannot switch offline mode back off by passing a permissive value. When offline,
/// every non-loopback host is refused before curl is called, and the transfer itself may only open
/// sockets to 127.0.0.0/8 or ::1 (a DNS answer pointing elsewhere is refused too).
public struct EgressPolicy: Sendable, Equatable {
    /// True when this value alone asks for offline mode.
    public var offline: Bool
    /// Hosts offline mode may reach besides loopback (lower-case names or address literals, as
    /// `allow_hosts:` lists them).
    public var allowedHosts: Set<String>

    /// A policy; `offline: false` still honours the environment and `setProcessOffline`.
    public init(offline: Bool = false, allowedHosts: Set<String> = []) {
        self.offline = offline
        self.allowedHosts = Set(allowedHosts.map(Self.bare))
    }

    private static let processOffline = Atomic<Bool>(false)

    /// Turns offline mode on or off for the whole process (`--offline`).
    public static func setProcessOffline(_ on: Bool) { processOffline.store(on, ordering: .relaxed) }

    /// True when `TANDEM_OFFLINE` is `1`, `true` or `yes`.
    public static var environmentOffline: Bool {
        guard let raw = getenv("TANDEM_OFFLINE") else { return false }
        return ["1", "true", "yes", "on"].contains(String(cString: raw).lowercased())
    }

    /// The policy of this process right now: offline when the environment or `--offline` says so.
    public static var current: EgressPolicy {
        EgressPolicy(offline: environmentOffline || processOffline.load(ordering: .relaxed))
    }

    /// True when this value, the environment or `--offline` asks for offline mode.
    public var isOffline: Bool { offline || Self.current.offline }

    /// Throws `CloudError.offlineBlocked` naming the host when offline and `url` is not loopback;
    /// returns the host. Nothing is resolved or connected.
    @discardableResult
    public func check(url: String) throws(CloudError) -> String {
        let host = try CurlURL(url).host ?? ""
        if isOffline, !Self.isLoopback(host: host), !allowedHosts.contains(Self.bare(host)) { throw .offlineBlocked(host: host) }
        return host
    }

    /// Which addresses a transfer to `host` (already through `check`) may open sockets to.
    public func socketScope(host: String) -> SocketScope {
        guard isOffline else { return .any }
        return allowedHosts.contains(Self.bare(host)) && !Self.isLoopback(host: host) ? .privateNetwork : .loopback
    }

    /// For an address literal, whether it is loopback or on a private network; nil for a name.
    public static func isPrivateAddress(literal host: String) -> Bool? {
        let name = bare(host)
        var v4 = sockaddr_in()
        v4.sin_family = sa_family_t(AF_INET)
        if inet_pton(AF_INET, name, &v4.sin_addr) == 1 {
            return withUnsafePointer(to: &v4) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { tandem_is_private_address($0) != 0 } }
        }
        var v6 = sockaddr_in6()
        v6.sin6_family = sa_family_t(AF_INET6)
        if inet_pton(AF_INET6, name, &v6.sin6_addr) == 1 {
            return withUnsafePointer(to: &v6) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { tandem_is_private_address($0) != 0 } }
        }
        return nil
    }

    /// Lower case, without the brackets of an IPv6 literal.
    static func bare(_ host: String) -> String {
        var name = host.lowercased()
        if name.hasPrefix("["), name.hasSuffix("]") { name = String(name.dropFirst().dropLast()) }
        return name
    }

    /// True for `localhost` (curl answers it without DNS), 127.0.0.0/8 in dotted-quad form and ::1.
    ///
    /// Deliberately narrow: other spellings of loopback (`2130706433`, `::ffff:127.0.0.1`) are
    /// treated as remote, so offline mode refuses them rather than guessing.
    public static func isLoopback(host: String) -> Bool {
        var name = host.lowercased()
        if name.hasPrefix("["), name.hasSuffix("]") { name = String(name.dropFirst().dropLast()) }
        // Only the exact name: curl answers "localhost" itself; anything else would ask DNS.
        if name == "localhost" { return true }
        if name == "::1" || name == "0:0:0:0:0:0:0:1" { return true }
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return false }
        let octets = parts.compactMap { part -> Int? in
            guard (1...3).contains(part.count), part.allSatisfy(\.isASCII), let v = Int(part), v <= 255 else { return nil }
            return v
        }
        return octets.count == 4 && octets[0] == 127
    }
}

/// Where a transfer's sockets may go, checked by libcurl's open-socket callback after DNS.
public enum SocketScope: Sendable, Equatable {
    /// Anywhere (online).
    case any
    /// Private-network and loopback addresses (offline, a host in `allow_hosts:`).
    case privateNetwork
    /// 127.0.0.0/8 and ::1 (offline).
    case loopback
}

extension EgressPolicy {
    /// Checks raw TCP endpoints (`host:port`, e.g. llama.cpp RPC servers) as `check(url:)` checks
    /// URLs; offline, each name is also resolved here and every address must be loopback (or on a
    /// private network, for a host in `allowedHosts`), the same rule the socket check applies to
    /// HTTP.
    public func checkTCP(endpoints: [String]) throws(CloudError) {
        for endpoint in endpoints {
            let host = try check(url: "http://" + endpoint)
            guard isOffline, !Self.isLoopback(host: host) else { continue }
            var hints = addrinfo()
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
            var list: UnsafeMutablePointer<addrinfo>?
            guard getaddrinfo(Self.bare(host), nil, &hints, &list) == 0 else { continue }  // the connect will say it
            defer { freeaddrinfo(list) }
            var cursor = list
            while let info = cursor {
                cursor = info.pointee.ai_next
                guard let address = info.pointee.ai_addr, tandem_is_private_address(address) != 0 else {
                    throw .offlineBlocked(host: host + " (it resolved to an address offline mode does not allow)")
                }
            }
        }
    }
}
