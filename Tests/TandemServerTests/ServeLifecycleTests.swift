import Foundation
import Synchronization
import Testing
import TandemCore
import TandemTestSupport

/// Load, disconnects and shutdown: a full queue, clients that leave, SIGTERM, idle connections.
extension ServeTests {
    /// A streaming curl in the background, its body in a file, killable once it has begun.
    final class BackgroundStream: Sendable {
        let bodyPath = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-serve-stream-\(UUID().uuidString)").path
        private final class ProcessID: Sendable { let value = Mutex<Int32?>(nil) }
        private let pid = ProcessID()
        private let task = Mutex<Task<Int32, Error>?>(nil)

        init(url: String, json: JSONValue) throws {
            let curl = try Curl.binary
            let path = bodyPath
            let pid = self.pid
            let body = JSONWriter.compact(json)
            let started = Task {
                try await runProgram(curl, ["-s", "-N", "--max-time", "600", "-H", "Content-Type: application/json", "-d", body, "-o", path, url],
                                     onStart: { p in pid.value.withLock { $0 = p } }).status
            }
            task.withLock { $0 = started }
        }

        var body: String { (try? String(contentsOfFile: bodyPath, encoding: .utf8)) ?? "" }

        /// Waits for the first streamed event.
        func waitForFirstEvent() async throws -> Bool {
            try await ServeTests.eventually { self.body.contains("data: ") }
        }

        /// Kills the client at once (its socket closes mid-stream).
        func disconnect() async {
            if let p = pid.value.withLock({ $0 }) { kill(p, SIGKILL) }
            _ = try? await task.withLock { $0 }?.value
        }

        /// curl's exit status once it ends by itself.
        func finished() async throws -> Int32? { try await task.withLock { $0 }?.value }

        deinit { try? FileManager.default.removeItem(atPath: bodyPath) }
    }

    @Test func aFullQueueGets503WithRetryAfter() async throws {
        let server = try await ServeProcess.start(["--slots", "1", "--queue", "1", "-c", "2048"])
        let running = try BackgroundStream(url: server.url + "/v1/completions", json: Self.counting(server.model, maxTokens: 1500, stream: true))
        #expect(try await running.waitForFirstEvent())
        let waiting = try BackgroundStream(url: server.url + "/v1/completions", json: Self.counting(server.model, maxTokens: 4, stream: true))
        #expect(try await Self.eventually { try await server.health().queued == 1 })
        let refused = try await Curl.post(server.url + "/v1/completions", json: Self.counting(server.model, maxTokens: 4, stream: true))
        #expect(refused.status == 503, "\(refused.body)")
        #expect(refused.headers["retry-after"] == "1")
        #expect(refused.errorCode == "queue_full")
        await running.disconnect()
        #expect(try await waiting.finished() == 0)
        #expect(waiting.body.contains("data: [DONE]"))
    }

    @Test func aClientThatDisconnectsFreesItsSlot() async throws {
        let server = try await ServeProcess.start(["--slots", "1", "-c", "2048"])
        // Mid-stream: the next token's write fails.
        let streaming = try BackgroundStream(url: server.url + "/v1/completions", json: Self.counting(server.model, maxTokens: 1500, stream: true))
        #expect(try await streaming.waitForFirstEvent())
        await streaming.disconnect()
        #expect(try await Self.eventually { try await server.health().busy == 0 })
        // The handler counts the disconnect once its stream ends, just after the slot is freed.
        #expect(try await Self.eventually { try await server.metric("tandem_client_disconnects_total") == 1 })
        // Before the answer (not streamed): the connection is suspended, and the server's watch on
        // its socket notices the hang-up.
        let whole = try BackgroundStream(url: server.url + "/v1/completions", json: Self.counting(server.model, maxTokens: 1500, stream: false))
        #expect(try await Self.eventually { try await server.health().busy == 1 })
        await whole.disconnect()
        #expect(try await Self.eventually { try await server.health().busy == 0 })
        #expect(try await Self.eventually { try await server.metric("tandem_client_disconnects_total") == 2 })
        // Neither ran to the end: no generation was recorded as finished.
        #expect(try await server.metric("tandem_completion_tokens_total") == 0)
        let ok = try await Curl.post(server.url + "/v1/completions", json: Self.counting(server.model, maxTokens: 3, stream: false))
        #expect(ok.status == 200)
    }

    @Test func sigtermDrainsRequestsInFlightThenExits() async throws {
        // A drain time far beyond any run: on a loaded machine the request must still end by itself.
        let server = try await ServeProcess.start(["--slots", "2", "-c", "1024", "--drain-timeout", "3600"])
        let inFlight = try BackgroundStream(url: server.url + "/v1/completions", json: Self.counting(server.model, maxTokens: 200, stream: true))
        #expect(try await inFlight.waitForFirstEvent())
        server.terminate()
        #expect(try await inFlight.finished() == 0)
        #expect(inFlight.body.hasSuffix("data: [DONE]\n\n"))
        #expect(inFlight.body.contains(#""finish_reason":"length""#))
        #expect(try await server.exitStatus(within: .seconds(600)) == 0)
        #expect(server.log.contains("draining 1 requests in flight"))
        #expect(server.log.contains("stopped"))
    }

    @Test func idleConnectionsAreBoundedByTheConnectionLimit() async throws {
        let limit = 32
        let server = try await ServeProcess.start(["--slots", "1", "-c", "512", "--max-connections", String(limit)])
        // 10,000 client sockets need that many descriptors here (the server holds at most `limit`).
        var fileLimit = rlimit()
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &fileLimit)
        let wanted = rlim_t(10_000 + 512)
        if fileLimit.rlim_cur < wanted && fileLimit.rlim_max >= wanted {
            fileLimit.rlim_cur = wanted
            setrlimit(Int32(RLIMIT_NOFILE.rawValue), &fileLimit)
        }
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &fileLimit)
        let count = 10_000
        guard fileLimit.rlim_cur >= wanted else {
            throw PeerError(description: "this test opens \(count) sockets; raise the open-file limit (ulimit -n \(wanted))")
        }
        let sockets = try IdleConnections(port: server.port, count: count)
        defer { sockets.closeAll() }
        // The server keeps `limit` of them and closes the rest as they come.
        #expect(try await Self.eventually { sockets.closedByServer() >= count - limit })
        #expect(sockets.closedByServer() <= count)
        #expect(server.isRunning)
        sockets.closeAll()
        #expect(try await Self.eventually { (try? await Curl.get(server.url + "/health").status) == 200 })
        let ok = try await Curl.post(server.url + "/v1/completions", json: Self.counting(server.model, maxTokens: 2, stream: false))
        #expect(ok.status == 200)
    }
}

/// Many idle TCP connections to a loopback port (opened, never written to).
final class IdleConnections: Sendable {
    private let fds: Mutex<[Int32]>

    init(port: Int, count: Int) throws {
        var opened: [Int32] = []
        for _ in 0..<count {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard fd >= 0 else { for f in opened { close(f) }; throw PeerError(description: "socket: errno \(errno)") }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = UInt16(port).bigEndian
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            var timeout = timeval(tv_sec: 10, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            let rc = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            // A refused connect counts as closed by the server too.
            opened.append(fd)
            if rc != 0 { shutdown(fd, Int32(SHUT_RDWR)) }
        }
        fds = Mutex(opened)
    }

    /// Sockets the server has closed (end of stream or reset), checked without blocking.
    func closedByServer() -> Int {
        fds.withLock { fds in
            var closed = 0
            for fd in fds {
                var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                guard poll(&p, 1, 0) == 1 else { continue }
                var byte: UInt8 = 0
                if p.revents & Int16(POLLHUP | POLLERR) != 0 || recv(fd, &byte, 1, Int32(MSG_DONTWAIT | MSG_PEEK)) <= 0 { closed += 1 }
            }
            return closed
        }
    }

    func closeAll() {
        fds.withLock { fds in
            for fd in fds { close(fd) }
            fds = []
        }
    }
}
