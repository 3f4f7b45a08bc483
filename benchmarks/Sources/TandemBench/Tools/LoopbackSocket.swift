import Foundation

/// TCP sockets on 127.0.0.1: reserving a free port, checking one, and a blocking connection.
/// Only loopback: the bench talks to the llama-server it started itself.
enum LoopbackSocket {
    /// A port that is free right now (bind to port 0, read what the kernel gave, release it).
    static func freePort() throws(BenchError) -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw .noFreePort(String(cString: strerror(errno))) }
        defer { close(fd) }
        var address = loopback(port: 0)
        guard bind(fd, &address) == 0 else { throw .noFreePort(String(cString: strerror(errno))) }
        var bound = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let rc = withUnsafeMutablePointer(to: &bound) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard rc == 0 else { throw .noFreePort(String(cString: strerror(errno))) }
        return Int(UInt16(bigEndian: bound.sin_port))
    }

    /// Throws `portInUse` when something already listens on (or holds) `port`.
    static func checkAvailable(_ port: Int) throws(BenchError) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw .noFreePort(String(cString: strerror(errno))) }
        defer { close(fd) }
        var address = loopback(port: port)
        if bind(fd, &address) != 0 {
            throw errno == EADDRINUSE ? .portInUse(port) : .noFreePort("port \(port): \(String(cString: strerror(errno)))")
        }
    }

    /// A connected, blocking socket with send/receive timeouts.
    static func connect(port: Int, timeoutSeconds: Double) throws(BenchError) -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw .http("socket: \(String(cString: strerror(errno)))") }
        var tv = timeval(tv_sec: Int(timeoutSeconds), tv_usec: Int((timeoutSeconds - Double(Int(timeoutSeconds))) * 1e6))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = loopback(port: port)
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard rc == 0 else {
            let why = String(cString: strerror(errno))
            close(fd)
            throw .http("connect to 127.0.0.1:\(port): \(why)")
        }
        return fd
    }

    private static func loopback(port: Int) -> sockaddr_in {
        var a = sockaddr_in()
        a.sin_family = sa_family_t(AF_INET)
        a.sin_port = UInt16(port).bigEndian
        a.sin_addr.s_addr = inet_addr("127.0.0.1")
        return a
    }

    private static func bind(_ fd: Int32, _ address: inout sockaddr_in) -> Int32 {
        withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
    }
}
