import Foundation

/// Why a test peer or prerequisite is missing: an error telling the user what to run, never a skip.
public struct PeerError: Error, CustomStringConvertible {
    public let description: String
    public init(description: String) { self.description = description }
}

/// Stops a child process at once.
///
/// SIGKILL, not SIGTERM: children inherit the test runner's blocked-signal mask (Foundation's
/// Process does not reset it), so a SIGTERM would stay pending forever. No waiting either: a
/// blocked cooperative-pool thread stalls the other tests (and `waitUntilExit` spins a run loop).
public func stopChild(_ process: Process) {
    if process.isRunning { kill(process.processIdentifier, SIGKILL) }
}

/// A port the kernel says is free right now (bind to 0, read it back, close).
public func freeLoopbackPort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw PeerError(description: "socket() failed") }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
            bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
        }
    }
    guard bound else { throw PeerError(description: "cannot bind a loopback port") }
    return Int(UInt16(bigEndian: address.sin_port))
}
