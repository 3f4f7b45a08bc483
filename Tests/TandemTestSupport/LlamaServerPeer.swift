import Foundation
import TandemCloud

/// `llama-server` from the vendor-build prefix with the small test model, on a free 127.0.0.1
/// port: the real OpenAI- and Anthropic-compatible peer. A missing prerequisite is an error
/// telling the user to run `make test`, never a skip.
public final class LlamaServerPeer {
    /// `http://127.0.0.1:PORT`.
    public let baseURL: String
    private let tool: PrefixToolProcess

    /// Starts the server (it loads the model in the background: see `waitUntilHealthy`).
    public init() throws {
        let model = try TestModelFile.smolLM()
        let port = try freeLoopbackPort()
        baseURL = "http://127.0.0.1:\(port)"
        tool = try PrefixToolProcess("llama-server", [
            "-m", model, "--host", "127.0.0.1", "--port", String(port), "-t", "2", "-c", "4096", "-np", "1",
            "--no-webui", "--chat-template-file", TestPaths.fixtures.appendingPathComponent("chatml-tools.jinja").path], logTag: String(port))
    }

    /// Polls `/health` until the model is loaded (at most `timeout`: a load of a second when quiet,
    /// far longer on a machine under a CPU hog).
    public func waitUntilHealthy(timeout: Duration = .seconds(600)) async throws {
        let client = CloudHTTPClient(retry: RetryPolicy(maxRetries: 0))
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            guard tool.isRunning else { throw PeerError(description: "llama-server exited: \(logTail())") }
            if let response = try? await client.send(HTTPRequest(method: "GET", url: baseURL + "/health", timeout: .seconds(30))),
               response.status == 200 { return }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw PeerError(description: "llama-server was not healthy within \(timeout): \(logTail())")
    }

    /// The last lines of the server's log, for failure messages.
    public func logTail() -> String { tool.logTail() }

    /// Kills the server and removes its log.
    public func stop() { tool.stop() }
}
