import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A TCP listener on the host's 127.0.0.1 (an ephemeral port) that never accepts: a connection
/// attempt that reaches it, say from a sandboxed snippet, stays in the backlog, where
/// `hasPendingConnection` sees it.
public final class LoopbackListener {
    private let fd: Int32
    /// The port it listens on.
    public let port: Int

    /// Listens, or throws `PeerError` when the host refuses.
    public init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard fd >= 0, bound, listen(fd, 8) == 0 else {
            if fd >= 0 { close(fd) }
            throw PeerError(description: "cannot listen on 127.0.0.1: errno \(errno)")
        }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        self.fd = fd
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    /// True when a client connected (accepting it, without blocking).
    public var hasPendingConnection: Bool {
        let client = accept(fd, nil, nil)
        if client >= 0 { close(client); return true }
        return false
    }

    deinit { close(fd) }
}
