import Foundation
import Synchronization

/// Offline mode: whether connections off this machine are allowed.
///
/// Offline comes from `TANDEM_OFFLINE=1` in the environment, from `--offline` (the CLI calls
/// `setProcessOffline(true)`), or from a policy value built with `offline: true`; any one of them
/// wins, so code cannot switch offline mode back off by passing a permissive value. When offline,
/// every non-loopback host is refused before curl is called, and the transfer itself may only open
/// sockets to 127.0.0.0/8 or ::1 (a DNS answer pointing elsewhere is refused too).
public struct EgressPolicy: Sendable, Equatable {
    /// True when this value alone asks for offline mode.
    public var offline: Bool

    /// A policy; `offline: false` still honours the environment and `setProcessOffline`.
    public init(offline: Bool = false) { self.offline = offline }

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
        if isOffline, !Self.isLoopback(host: host) { throw .offlineBlocked(host: host) }
        return host
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
