import CMicroHTTPD
import Foundation
import Synchronization

/// One request on one libmicrohttpd connection, from its headers to the last byte sent.
///
/// libmicrohttpd calls in on its polling thread (`receive`, `advance`, `read`, `completed`);
/// the handler's Swift task calls `send`/`startStream`/`write`/`finishStream` from anywhere. The
/// connection is suspended while the handler works and while a stream waits for its next bytes,
/// and resumed when there is something to send; one lock orders the two sides, so a resume can
/// never be lost between "nothing to send" and "suspend".
final class HTTPExchange: ResponseSink {
    enum Phase {
        /// Reading the body.
        case receiving
        /// The handler runs; the connection is suspended until it answers.
        case handling
        /// The handler answered; the next `advance` queues it.
        case answered(Answer)
        /// The answer is queued with libmicrohttpd.
        case sending
        /// The client hung up, or the handler ended without answering: close without a reply.
        case abandoned
    }

    enum Answer {
        case whole(ServerResponse)
        case stream(ResponseHead)
    }

    private struct State {
        /// The `MHD_Connection` pointer's bits (a plain integer, so the state is Sendable); nil
        /// once libmicrohttpd has finished with the connection (it may be freed after that).
        var connectionBits: UInt?
        var connection: OpaquePointer? { connectionBits.flatMap { OpaquePointer(bitPattern: $0) } }
        var phase = Phase.receiving
        var body: [UInt8] = []
        var received = 0
        var bodyTooLarge = false
        var suspended = false
        /// Streamed bytes not yet handed to libmicrohttpd, from `sentOffset` on.
        var pending: [UInt8] = []
        var sentOffset = 0
        var streamEnded = false
        var task: Task<Void, Never>?
    }

    let method: String
    let path: String
    let headers: [String: String]
    private let bodyLimit: Int
    private let state: Mutex<State>

    init(connection: OpaquePointer, method: String, path: String, headers: [String: String], bodyLimit: Int) {
        self.method = method
        self.path = path
        self.headers = headers
        self.bodyLimit = bodyLimit
        state = Mutex(State(connectionBits: UInt(bitPattern: Int(bitPattern: UnsafeRawPointer(connection)))))
    }

    /// The declared body length is over the limit: no need to read it.
    var declaresTooLargeBody: Bool {
        guard let text = headers["content-length"], let length = Int(text) else { return false }
        return length > bodyLimit
    }

    // MARK: called on libmicrohttpd's thread

    /// Appends body bytes. Past the limit they are counted and dropped, and the request gets a
    /// 413 once the body ends (libmicrohttpd 0.9.75 cannot answer in the middle of an upload);
    /// returns false past 4× the limit, to close a connection that would stream on forever.
    func receive(_ bytes: UnsafeRawBufferPointer) -> Bool {
        state.withLock { s in
            s.received += bytes.count
            if s.received > bodyLimit {
                s.bodyTooLarge = true
                s.body = []
                return s.received <= 4 * bodyLimit
            }
            s.body.append(contentsOf: bytes)
            return true
        }
    }

    /// The request is complete (or the connection was resumed): start the handler, or queue its
    /// answer. Returns false to make libmicrohttpd close the connection without a reply.
    func advance(_ connection: OpaquePointer, start: (ServerRequest, HTTPExchange) -> Task<Void, Never>) -> Bool {
        enum Next { case none, start(ServerRequest), queue(Answer), close }
        let next: Next = state.withLock { s in
            switch s.phase {
            case .receiving where s.bodyTooLarge:
                s.phase = .sending
                return .queue(.whole(APIError.bodyTooLarge(limit: bodyLimit).response))
            case .receiving:
                s.phase = .handling
                MHD_suspend_connection(connection)
                s.suspended = true
                return .start(ServerRequest(method: method, path: path, headers: headers, body: s.body))
            case .answered(let answer):
                s.phase = .sending
                return .queue(answer)
            case .abandoned: return .close
            case .handling, .sending: return .none
            }
        }
        switch next {
        case .none: return true
        case .close: return false
        case .start(let request):
            let task = start(request, self)
            state.withLock { $0.task = task }
            return true
        case .queue(.whole(let response)): return Self.queue(response, on: connection)
        case .queue(.stream(let head)): return queueStream(head, on: connection)
        }
    }

    /// libmicrohttpd wants streamed bytes: copies what is pending, ends the stream, or suspends
    /// the connection until `write`/`finishStream` resumes it (returning 0 without suspending
    /// would make libmicrohttpd busy-wait).
    func read(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        state.withLock { s in
            if s.sentOffset < s.pending.count {
                let n = min(buffer.count, s.pending.count - s.sentOffset)
                s.pending.withUnsafeBytes { src in
                    buffer.baseAddress!.copyMemory(from: src.baseAddress! + s.sentOffset, byteCount: n)
                }
                s.sentOffset += n
                if s.sentOffset == s.pending.count { s.pending.removeAll(keepingCapacity: true); s.sentOffset = 0 }
                return n
            }
            if s.streamEnded { return -1 }  // MHD_CONTENT_READER_END_OF_STREAM
            guard let connection = s.connection, case .sending = s.phase else { return -2 }  // END_WITH_ERROR
            MHD_suspend_connection(connection)
            s.suspended = true
            return 0
        }
    }

    /// libmicrohttpd is done with the connection: after this the pointer must not be used.
    /// A request that did not complete cancels its handler (and so frees its sequence slot).
    func completed(ok: Bool) {
        let task = state.withLock { s -> Task<Void, Never>? in
            s.connectionBits = nil
            s.suspended = false
            s.phase = .abandoned
            return s.task
        }
        if !ok { task?.cancel() }
    }

    // MARK: called from anywhere

    /// Checks a suspended connection's socket for a client that hung up (libmicrohttpd does not
    /// watch suspended sockets); if so, cancels the handler and lets libmicrohttpd close it.
    func closeIfClientLeft() {
        let task = state.withLock { s -> Task<Void, Never>? in
            guard s.suspended, let connection = s.connection else { return nil }
            let fd = tandem_mhd_connection_fd(connection)
            guard fd >= 0 else { return nil }
            let peerClosed = Int16(0x2000)  // POLLRDHUP (Glibc does not export it): the client closed its end
            var p = pollfd(fd: fd, events: peerClosed, revents: 0)
            guard poll(&p, 1, 0) == 1, p.revents & (peerClosed | Int16(POLLHUP | POLLERR)) != 0 else { return nil }
            s.phase = .abandoned
            s.suspended = false
            MHD_resume_connection(connection)
            return s.task
        }
        task?.cancel()
    }

    /// The handler ended; if it never answered, close the connection.
    func handlerEnded() {
        state.withLock { s in
            guard case .handling = s.phase else {
                if case .sending = s.phase, !s.streamEnded { s.streamEnded = true; resume(&s) }
                return
            }
            s.phase = .abandoned
            resume(&s)
        }
    }

    /// Cancels the handler (shutdown past the drain time).
    func cancel() { state.withLock { $0.task }?.cancel() }

    var isClosed: Bool {
        state.withLock { s in
            if s.connection == nil { return true }
            if case .abandoned = s.phase { return true }
            return false
        }
    }

    func send(_ response: ServerResponse) { answer(.whole(response)) }

    func startStream(_ head: ResponseHead) { answer(.stream(head)) }

    func write(_ bytes: [UInt8]) {
        guard !bytes.isEmpty else { return }
        state.withLock { s in
            guard s.connection != nil, !s.streamEnded else { return }
            s.pending.append(contentsOf: bytes)
            if case .sending = s.phase { resume(&s) }
        }
    }

    func finishStream() {
        state.withLock { s in
            guard !s.streamEnded else { return }
            s.streamEnded = true
            if case .sending = s.phase { resume(&s) }
        }
    }

    private func answer(_ answer: Answer) {
        state.withLock { s in
            guard s.connection != nil, case .handling = s.phase else { return }
            s.phase = .answered(answer)
            resume(&s)
        }
    }

    private func resume(_ s: inout State) {
        guard s.suspended, let connection = s.connection else { return }
        s.suspended = false
        MHD_resume_connection(connection)
    }

    // MARK: queueing with libmicrohttpd

    static func queue(_ response: ServerResponse, on connection: OpaquePointer) -> Bool {
        let made = response.body.withUnsafeBytes { bytes in
            MHD_create_response_from_buffer(bytes.count, UnsafeMutableRawPointer(mutating: bytes.baseAddress), .RESPMEM_MUST_COPY)
        }
        guard let made else { return false }
        defer { MHD_destroy_response(made) }
        for header in response.head.headers { MHD_add_response_header(made, header.name, header.value) }
        return MHD_queue_response(connection, UInt32(response.head.status), made) == .YES
    }

    private func queueStream(_ head: ResponseHead, on connection: OpaquePointer) -> Bool {
        let retained = Unmanaged.passRetained(self).toOpaque()
        let made = MHD_create_response_from_callback(UInt64.max, 16 * 1024, { cls, _, buffer, max in
            let exchange = Unmanaged<HTTPExchange>.fromOpaque(cls!).takeUnretainedValue()
            return exchange.read(into: UnsafeMutableRawBufferPointer(start: buffer, count: max))
        }, retained, { cls in
            Unmanaged<HTTPExchange>.fromOpaque(cls!).release()
        })
        guard let made else {
            Unmanaged<HTTPExchange>.fromOpaque(retained).release()
            return false
        }
        defer { MHD_destroy_response(made) }
        for header in head.headers { MHD_add_response_header(made, header.name, header.value) }
        return MHD_queue_response(connection, UInt32(head.status), made) == .YES
    }
}
