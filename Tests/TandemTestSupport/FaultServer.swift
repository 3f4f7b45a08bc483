import Foundation
import TandemCloud
import TandemCore

/// `Fixtures/fault_server.py` on a free 127.0.0.1 port, stopped by `stop()` or when the test
/// process exits (the script quits when its stdin closes).
public final class FaultServer {
    /// The port it listens on (127.0.0.1).
    public let port: Int
    private let process = Process()
    private let input = Pipe()

    /// Starts the script and waits for its port. The blocking pipe read runs on a thread of its
    /// own: tests run on the cooperative pool (two threads on a 2-core machine), and a blocked
    /// pool thread would stall every other test's network I/O.
    public init() async throws {
        let output = Pipe()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", TestPaths.fixtures.appendingPathComponent("fault_server.py").path, "0"]
        process.standardInput = input
        process.standardOutput = output
        do { try process.run() } catch {
            throw PeerError(description: "cannot start python3 for the fault server (\(error)); install python3")
        }
        let reader = output.fileHandleForReading
        let line = await withCheckedContinuation { (continuation: CheckedContinuation<String, Never>) in
            Thread {
                // The script prints its port first; an empty read means it died before listening.
                var data = Data()
                while !data.contains(UInt8(ascii: "\n")) {
                    let chunk = reader.availableData
                    if chunk.isEmpty { break }
                    data.append(chunk)
                }
                continuation.resume(returning: String(decoding: data, as: UTF8.self))
            }.start()
        }
        guard let port = Int(line.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            stopChild(process)
            throw PeerError(description: "the fault server printed no port; run Fixtures/fault_server.py by hand to see why")
        }
        self.port = port
    }

    /// A base URL for `scenario` with a counter of its own (`/scenario/<uuid>`).
    public func baseURL(_ scenario: String) -> String {
        "http://127.0.0.1:\(port)/\(scenario)/\(UUID().uuidString)"
    }

    /// How many POSTs reached `url` (a full endpoint URL built from `baseURL`).
    public func requestCount(_ url: String) async throws -> Int {
        let path = url.replacingOccurrences(of: "http://127.0.0.1:\(port)", with: "")
        let response = try await CloudHTTPClient(retry: RetryPolicy(maxRetries: 0))
            .send(HTTPRequest(method: "GET", url: "http://127.0.0.1:\(port)/__count\(path)", timeout: .seconds(300)))  // far past any load
        return try JSONParser.parse(bytes: response.body)["count"]?.intValue ?? -1
    }

    /// How many TCP connections the server has accepted so far (this query's own included, when
    /// it needed a new one).
    public func acceptedConnections(using client: CloudHTTPClient = CloudHTTPClient(retry: RetryPolicy(maxRetries: 0))) async throws -> Int {
        let response = try await client.send(HTTPRequest(method: "GET", url: "http://127.0.0.1:\(port)/__connections", timeout: .seconds(300)))
        return try JSONParser.parse(bytes: response.body)["count"]?.intValue ?? -1
    }

    /// Stops the script.
    public func stop() {
        try? input.fileHandleForWriting.close()  // the script also exits by itself when stdin closes
        stopChild(process)
    }

    deinit { stop() }
}
