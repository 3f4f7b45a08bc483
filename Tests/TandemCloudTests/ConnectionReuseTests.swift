import Foundation
import Testing
import TandemCloud
import TandemCore
import TandemTestSupport

/// Requests to one server reuse a kept-alive connection, and a connection opened under one
/// egress scope never serves a transfer of a narrower one.
@Suite(.timeLimit(.minutes(20)))  // a hang guard only: seconds when quiet
struct ConnectionReuseTests {
    @Test func sequentialRequestsToOneServerShareOneConnection() async throws {
        let server = try await FaultServer()  // its own: the count is this test's alone
        let client = CloudHTTPClient(retry: RetryPolicy(maxRetries: 0))
        let before = try await server.acceptedConnections(using: client)
        for _ in 0..<5 {
            let response = try await client.send(HTTPRequest(url: server.baseURL("ok") + "/v1/chat/completions",
                                                             headers: [HTTPHeader("Content-Type", "application/json")],
                                                             body: Array("{}".utf8), timeout: .seconds(300)))
            #expect(response.status == 200)
        }
        // A new connection per request would have made this 6 more (5 posts and this query).
        #expect(try await server.acceptedConnections(using: client) == before)
    }

    @Test func aKeptConnectionTheServerClosedIsReplacedNotAFailure() async throws {
        let server = try await FaultServer()
        let client = CloudHTTPClient(retry: RetryPolicy(maxRetries: 0))  // no retry of ours hides a failure
        let url = server.baseURL("ok-then-hangup") + "/v1/chat/completions"
        let before = try await server.acceptedConnections(using: client)
        for _ in 0..<3 {
            let response = try await client.send(HTTPRequest(url: url, headers: [HTTPHeader("Content-Type", "application/json")],
                                                             body: Array("{}".utf8), timeout: .seconds(300)))
            #expect(response.status == 200)
        }
        // Each post found its connection closed by the last answer and opened one of its own.
        #expect(try await server.acceptedConnections(using: client) >= before + 3)
    }

    @Test func aConnectionOpenedOnlineIsNotReusedUnderTheOfflineSocketCheck() async throws {
        // `::ffff:127.0.0.1` reaches the server through an IPv4-mapped address, which the
        // private-network socket check refuses (only plain loopback and private ranges pass).
        // Online, the request goes through and leaves an idle connection to this host and port;
        // offline with the host allowed, the socket check must run again and refuse, rather than
        // the transfer picking up the connection opened without it.
        let server = try await FaultServer()
        let url = "http://[::ffff:127.0.0.1]:\(server.port)/ok/reuse/v1/models"
        let online = try await CloudHTTPClient(retry: RetryPolicy(maxRetries: 0)).send(HTTPRequest(method: "GET", url: url, timeout: .seconds(300)))
        #expect(online.status == 200)
        let offline = CloudHTTPClient(retry: RetryPolicy(maxRetries: 0), egress: EgressPolicy(offline: true, allowedHosts: ["::ffff:127.0.0.1"]))
        do {
            _ = try await offline.send(HTTPRequest(method: "GET", url: url, timeout: .seconds(300)))
            Issue.record("an offline transfer reused a connection that its socket check would have refused")
        } catch {
            guard case .offlineBlocked = error else { Issue.record("expected offlineBlocked, got \(error)"); return }
        }
    }
}
