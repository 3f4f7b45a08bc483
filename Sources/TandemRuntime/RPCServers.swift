import CLlama
import Foundation
import Synchronization

/// llama.cpp's RPC backend: `rpc-server` processes (on this machine or others) that each hold
/// part of one model's layers, which then run there (`rpc:` on a model entry, `--rpc`).
///
/// llama.cpp aborts the process when an endpoint cannot be parsed, refuses the connection or
/// speaks another protocol version, so every endpoint is first probed here: a TCP connect with a
/// time limit and the RPC hello, whose version must match the one this build speaks. A server that
/// dies later, mid-generation, still aborts inside llama.cpp: that cannot be caught from here.
public enum RPCServers {
    /// The RPC protocol version of the pinned llama.cpp (ggml-rpc.h `RPC_PROTO_MAJOR_VERSION`).
    static let protocolMajor: UInt8 = 7
    static let protocolMinor: UInt8 = 0
    private static let helloCommand: UInt8 = 14
    private static let capsSize = 24

    private static let registered = Mutex<[String: [UInt]]>([:])
    /// Endpoints that loaded models of this process hold a connection to, with how many models.
    /// An rpc-server serves one client connection at a time, so these cannot be probed again
    /// while in use (llama.cpp sends everything for them over the connection it holds).
    private static let inUse = Mutex<[String: Int]>([:])

    static func retain(_ endpoints: [String]) { inUse.withLock { for e in endpoints { $0[e, default: 0] += 1 } } }

    static func release(_ endpoints: [String]) {
        inUse.withLock { table in for e in endpoints { table[e] = (table[e] ?? 1) > 1 ? table[e]! - 1 : nil } }
    }

    /// Whether a loaded model of this process still holds `endpoint`. Stop an rpc-server only
    /// once this is false: freeing a model on it tells the server to free its buffers, and a
    /// server that has gone ends the process (ggml-rpc aborts, or its send raises SIGPIPE).
    public static func isHeld(_ endpoint: String) -> Bool { inUse.withLock { $0[endpoint] != nil } }

    /// Whether llama.cpp may talk to `endpoint` now without aborting: a model of this process
    /// holds its connection, or a fresh probe answers.
    static func isReachable(_ endpoint: String) -> Bool {
        isHeld(endpoint) || (try? probe(endpoint, timeout: .seconds(2))) != nil
    }

    /// Whether this llama.cpp build has the RPC module.
    public static var isAvailable: Bool {
        BackendRegistry.ensureLoaded()
        return ggml_backend_reg_by_name("RPC") != nil
    }

    /// Probes each endpoint and adds it as llama.cpp devices; returns the devices, in order.
    static func devices(for endpoints: [String], timeout: Duration = .seconds(10)) throws(RuntimeError) -> [ggml_backend_dev_t] {
        BackendRegistry.ensureLoaded()
        guard let reg = ggml_backend_reg_by_name("RPC") else {
            throw .backendUnavailable(.cpu, reason: "this llama.cpp build has no RPC module (libggml-rpc.so); rebuild with vendor-build/build.sh")
        }
        typealias AddServer = @convention(c) (UnsafePointer<CChar>?) -> ggml_backend_reg_t?
        guard let proc = ggml_backend_reg_get_proc_address(reg, "ggml_backend_rpc_add_server") else {
            throw .backendUnavailable(.cpu, reason: "the RPC module has no ggml_backend_rpc_add_server")
        }
        let addServer = unsafeBitCast(proc, to: AddServer.self)
        var devices: [ggml_backend_dev_t] = []
        for endpoint in endpoints {
            let held = inUse.withLock { $0[endpoint] != nil }
            if !held { try probe(endpoint, timeout: timeout) }
            if let known = registered.withLock({ $0[endpoint] }) {
                devices += known.compactMap { ggml_backend_dev_t(bitPattern: $0) }
                continue
            }
            guard let added = addServer(endpoint) else { throw .rpcServerUnavailable(endpoint: endpoint, reason: "it offers no device") }
            ggml_backend_register(added)
            let found = (0..<ggml_backend_reg_dev_count(added)).compactMap { ggml_backend_reg_dev_get(added, $0) }
            registered.withLock { $0[endpoint] = found.map { UInt(bitPattern: $0) } }
            devices += found
        }
        return devices
    }

    /// Connects to `endpoint` (`host:port`) and exchanges the RPC hello; throws naming what failed.
    public static func probe(_ endpoint: String, timeout: Duration = .seconds(10)) throws(RuntimeError) {
        let (host, port) = try parse(endpoint)
        let fd = try connect(host: host, port: port, timeout: timeout, endpoint: endpoint)
        defer { close(fd) }
        // | command (1) | request size (8, little-endian) | request: the client's transport caps (24, none) |
        var request: [UInt8] = [helloCommand]
        withUnsafeBytes(of: UInt64(capsSize).littleEndian) { request += $0 }
        request += [UInt8](repeating: 0, count: capsSize)
        guard request.withUnsafeBytes({ send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }) == request.count else {
            throw .rpcServerUnavailable(endpoint: endpoint, reason: "sending the hello failed (errno \(errno))")
        }
        // | response size (8) | major, minor, patch, padding, caps (24) |
        let reply = try receive(fd, count: 8 + 4 + capsSize, endpoint: endpoint)
        let size = reply[0..<8].enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        guard size == UInt64(4 + capsSize) else {
            throw .rpcServerUnavailable(endpoint: endpoint, reason: "not an rpc-server of this llama.cpp (hello answer of \(size) bytes)")
        }
        let (major, minor, patch) = (reply[8], reply[9], reply[10])
        guard major == protocolMajor, minor <= protocolMinor else {
            throw .rpcServerUnavailable(endpoint: endpoint, reason: "it speaks RPC protocol \(major).\(minor).\(patch), this build \(protocolMajor).\(protocolMinor); run the rpc-server of the same llama.cpp build")
        }
    }

    /// `host:port`, `[v6]:port`; the port in 1...65535.
    static func parse(_ endpoint: String) throws(RuntimeError) -> (host: String, port: UInt16) {
        guard let colon = endpoint.lastIndex(of: ":"), let port = UInt16(endpoint[endpoint.index(after: colon)...]), port > 0 else {
            throw .rpcServerUnavailable(endpoint: endpoint, reason: "expected HOST:PORT, e.g. 127.0.0.1:50052")
        }
        var host = String(endpoint[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty, !host.contains("/") else {
            throw .rpcServerUnavailable(endpoint: endpoint, reason: "expected HOST:PORT, e.g. 127.0.0.1:50052")
        }
        return (host, port)
    }

    private static func connect(host: String, port: UInt16, timeout: Duration, endpoint: String) throws(RuntimeError) -> Int32 {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let rc = getaddrinfo(host, String(port), &hints, &list)
        guard rc == 0, let first = list else {
            throw .rpcServerUnavailable(endpoint: endpoint, reason: "cannot resolve \(host): \(String(cString: gai_strerror(rc)))")
        }
        defer { freeaddrinfo(list) }
        var lastError = "no address"
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let info = cursor {
            cursor = info.pointee.ai_next
            let fd = socket(info.pointee.ai_family, info.pointee.ai_socktype, info.pointee.ai_protocol)
            guard fd >= 0 else { lastError = String(cString: strerror(errno)); continue }
            let seconds = Int(timeout.components.seconds)
            var limit = timeval(tv_sec: seconds, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))  // bounds connect() too
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
            if Glibc.connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 { return fd }
            lastError = errno == EINPROGRESS || errno == EAGAIN ? "no answer within \(seconds) s" : String(cString: strerror(errno))
            close(fd)
        }
        throw .rpcServerUnavailable(endpoint: endpoint, reason: "cannot connect: \(lastError) (is rpc-server running there?)")
    }

    private static func receive(_ fd: Int32, count: Int, endpoint: String) throws(RuntimeError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var got = 0
        while got < count {
            let n = bytes.withUnsafeMutableBytes { recv(fd, $0.baseAddress! + got, count - got, 0) }
            guard n > 0 else {
                throw .rpcServerUnavailable(endpoint: endpoint, reason: n == 0 ? "it closed the connection during the hello (not an rpc-server?)"
                                                                              : "no hello answer (\(String(cString: strerror(errno))))")
            }
            got += n
        }
        return bytes
    }
}
