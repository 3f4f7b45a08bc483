import CMicroHTTPD
import Foundation
import Synchronization
import TandemCore

/// The HTTP side of `tandem serve`: a libmicrohttpd daemon (one internal epoll thread) that
/// reads each request in full and hands it to `handler` in its own Swift task.
///
/// The C callbacks only move bytes and state into `HTTPExchange`; everything else happens in
/// Swift tasks. Connections past `limits.connections` are accepted and closed at once (refused),
/// and idle ones are closed after `idleTimeoutSeconds`. libmicrohttpd's own limit is set above
/// ours: at its limit it stops accepting, and new clients would wait in the kernel's backlog
/// instead of being told no.
final class HTTPDaemon: Sendable {
    /// Limits of the daemon.
    struct Limits: Sendable {
        var bodyBytes: Int
        var connections: Int
        var idleTimeoutSeconds: Int
    }

    typealias Handler = @Sendable (ServerRequest, any ResponseSink) async -> Void

    private struct Live {
        var exchanges: [ObjectIdentifier: HTTPExchange] = [:]
        /// Requests whose handler started, with what still holds each: its handler and its
        /// connection (libmicrohttpd has not yet sent the last byte). A request is in flight
        /// until both let go, so a drain does not close a stream whose tail is still queued.
        var holds: [ObjectIdentifier: Int] = [:]
        mutating func release(_ id: ObjectIdentifier) {
            guard let n = holds[id] else { return }
            holds[id] = n > 1 ? n - 1 : nil
        }
        /// The `MHD_Daemon` pointer's bits; nil before `start` and after `stop`.
        var daemonBits: UInt?
        var port = 0
        var daemon: OpaquePointer? { daemonBits.flatMap { OpaquePointer(bitPattern: $0) } }
    }

    let address: ListenAddress
    let limits: Limits
    private let handler: Handler
    private let live = Mutex(Live())
    private let watch = Mutex<Task<Void, Never>?>(nil)

    /// The port actually bound (the kernel's pick for port 0).
    var port: Int { live.withLock { $0.port } }

    init(address: ListenAddress, limits: Limits, handler: @escaping Handler) {
        self.address = address
        self.limits = limits
        self.handler = handler
    }

    /// Binds and starts serving; throws naming the address when it cannot.
    func start() throws(ServeError) {
        var flags = MHD_USE_INTERNAL_POLLING_THREAD.rawValue | MHD_USE_EPOLL.rawValue | MHD_ALLOW_SUSPEND_RESUME.rawValue
        // libmicrohttpd's own log (a line per refused connection, for one) only with --verbose.
        if Log.level <= .debug { flags |= MHD_USE_ERROR_LOG.rawValue }
        if address.isIPv6 { flags |= MHD_USE_IPv6.rawValue }
        let cls = Unmanaged.passUnretained(self).toOpaque()  // the daemon never outlives `self`
        let started: OpaquePointer? = address.withSocketAddress { sockaddr in
            tandem_mhd_start(UInt32(flags), sockaddr, { cls, _, _ in
                Unmanaged<HTTPDaemon>.fromOpaque(cls!).takeUnretainedValue().admitsConnection ? .YES : .NO
            }, cls, { cls, connection, url, method, _, upload, uploadSize, context in
                let daemon = Unmanaged<HTTPDaemon>.fromOpaque(cls!).takeUnretainedValue()
                return daemon.access(connection!, url: url!, method: method!, upload: upload, uploadSize: uploadSize!,
                                     context: context!) ? .YES : .NO
            }, cls, { cls, _, context, termination in
                let daemon = Unmanaged<HTTPDaemon>.fromOpaque(cls!).takeUnretainedValue()
                daemon.completed(context: context, ok: termination == .REQUEST_TERMINATED_COMPLETED_OK)
            }, cls, UInt32(limits.connections + 16), 64 * 1024, UInt32(limits.idleTimeoutSeconds), 1024)
        }
        guard let started else {
            throw .bindFailed(address: address.description, reason: String(cString: strerror(errno)))
        }
        let bound = Int(tandem_mhd_bound_port(started))
        let bits = UInt(bitPattern: Int(bitPattern: UnsafeRawPointer(started)))
        live.withLock { l in
            l.daemonBits = bits
            l.port = bound == 0 ? address.port : bound
        }
        startWatch()
    }

    /// Requests being answered: the handler runs, or its answer is not yet all sent.
    var requestsInFlight: Int { live.withLock { $0.holds.count } }

    /// Open connections, idle ones included.
    var connectionCount: Int {
        live.withLock { l in l.daemon.map { Int(tandem_mhd_current_connections($0)) } ?? 0 }
    }

    /// Stops accepting connections; requests in flight go on.
    func stopAccepting() {
        live.withLock { l in
            guard let d = l.daemon else { return }
            let fd = MHD_quiesce_daemon(d)
            if fd >= 0 { close(fd) }
        }
    }

    /// Cancels every running handler (past the drain time).
    func cancelAll() {
        for exchange in live.withLock({ Array($0.exchanges.values) }) { exchange.cancel() }
    }

    /// Stops the daemon; call after the handlers have ended.
    func stop() {
        watch.withLock { $0?.cancel(); $0 = nil }
        let bits = live.withLock { l -> UInt? in defer { l.daemonBits = nil }; return l.daemonBits }
        if let daemon = bits.flatMap({ OpaquePointer(bitPattern: $0) }) { MHD_stop_daemon(daemon) }
    }

    // MARK: libmicrohttpd callbacks (its thread)

    /// Whether a new connection may stay: fewer than the limit are open.
    private var admitsConnection: Bool { connectionCount < limits.connections }

    private func access(_ connection: OpaquePointer, url: UnsafePointer<CChar>, method: UnsafePointer<CChar>,
                        upload: UnsafePointer<CChar>?, uploadSize: UnsafeMutablePointer<Int>,
                        context: UnsafeMutablePointer<UnsafeMutableRawPointer?>) -> Bool {
        guard let existing = context.pointee else {
            let exchange = HTTPExchange(connection: connection, method: String(cString: method), path: String(cString: url),
                                        headers: Self.headers(of: connection), bodyLimit: limits.bodyBytes)
            context.pointee = Unmanaged.passRetained(exchange).toOpaque()
            live.withLock { $0.exchanges[ObjectIdentifier(exchange)] = exchange }
            if exchange.declaresTooLargeBody { return HTTPExchange.queue(tooLarge, on: connection) }
            return true
        }
        let exchange = Unmanaged<HTTPExchange>.fromOpaque(existing).takeUnretainedValue()
        if uploadSize.pointee > 0 {
            let keepReading = exchange.receive(UnsafeRawBufferPointer(start: upload, count: uploadSize.pointee))
            uploadSize.pointee = 0
            return keepReading
        }
        return exchange.advance(connection) { request, exchange in
            let id = ObjectIdentifier(exchange)
            live.withLock { $0.holds[id] = 2 }
            return Task {
                await handler(request, exchange)
                exchange.handlerEnded()
                live.withLock { $0.release(id) }
            }
        }
    }

    private func completed(context: UnsafeMutablePointer<UnsafeMutableRawPointer?>?, ok: Bool) {
        guard let context, let pointer = context.pointee else { return }
        context.pointee = nil
        let exchange = Unmanaged<HTTPExchange>.fromOpaque(pointer).takeRetainedValue()
        exchange.completed(ok: ok)
        live.withLock { l in
            let id = ObjectIdentifier(exchange)
            _ = l.exchanges.removeValue(forKey: id)
            l.release(id)
        }
    }

    private var tooLarge: ServerResponse {
        APIError.bodyTooLarge(limit: limits.bodyBytes).response
    }

    private static func headers(of connection: OpaquePointer) -> [String: String] {
        var headers: [String: String] = [:]
        withUnsafeMutablePointer(to: &headers) { pointer in
            _ = MHD_get_connection_values(connection, .HEADER_KIND, { cls, _, key, value in
                guard let key else { return .YES }
                let headers = cls!.assumingMemoryBound(to: [String: String].self)
                headers.pointee[String(cString: key).lowercased()] = value.map { String(cString: $0) } ?? ""
                return .YES
            }, pointer)
        }
        return headers
    }

    /// Every 200 ms, closes suspended connections whose client hung up, so an abandoned request
    /// frees its slot instead of running to the end.
    private func startWatch() {
        let task = Task.detached { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(nanoseconds: 200_000_000)
                guard let self else { return }
                for exchange in self.live.withLock({ Array($0.exchanges.values) }) { exchange.closeIfClientLeft() }
            }
        }
        watch.withLock { $0 = task }
    }
}
