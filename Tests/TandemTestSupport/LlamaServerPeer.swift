import Foundation
import TandemCloud

/// `llama-server` from the vendor-build prefix with the small test model, on a free 127.0.0.1
/// port: the real OpenAI- and Anthropic-compatible peer. A missing prerequisite is an error
/// telling the user to run `make test`, never a skip.
public final class LlamaServerPeer {
    /// `http://127.0.0.1:PORT`.
    public let baseURL: String
    private let process = Process()
    private let logPath: String

    /// Starts the server (it loads the model in the background: see `waitUntilHealthy`).
    public init() throws {
        let environment = ProcessInfo.processInfo.environment
        guard let prefix = environment["TANDEM_LLAMA_PREFIX"], !prefix.isEmpty else {
            throw PeerError(description: "TANDEM_LLAMA_PREFIX is not set; run `make test` (it builds llama.cpp and sets it)")
        }
        let binary = prefix + "/bin/llama-server"
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw PeerError(description: "\(binary) is missing; run `make test` (or `make llama`) to build llama.cpp")
        }
        let model = try TestModelFile.smolLM()
        let port = try freeLoopbackPort()
        baseURL = "http://127.0.0.1:\(port)"
        logPath = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-llama-server-\(port).log").path
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["-m", model, "--host", "127.0.0.1", "--port", String(port), "-t", "2", "-c", "4096", "-np", "1",
                             "--no-webui", "--chat-template-file", TestPaths.fixtures.appendingPathComponent("chatml-tools.jinja").path]
        var childEnvironment = environment
        // The installed tools carry no rpath.
        childEnvironment["LD_LIBRARY_PATH"] = prefix + "/lib" + (environment["LD_LIBRARY_PATH"].map { ":" + $0 } ?? "")
        process.environment = childEnvironment
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    /// Polls `/health` until the model is loaded (at most `timeout`: a load of a second when quiet,
    /// far longer on a machine under a CPU hog).
    public func waitUntilHealthy(timeout: Duration = .seconds(600)) async throws {
        let client = CloudHTTPClient(retry: RetryPolicy(maxRetries: 0))
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            guard process.isRunning else { throw PeerError(description: "llama-server exited: \(logTail())") }
            if let response = try? await client.send(HTTPRequest(method: "GET", url: baseURL + "/health", timeout: .seconds(30))),
               response.status == 200 { return }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw PeerError(description: "llama-server was not healthy within \(timeout): \(logTail())")
    }

    /// The last lines of the server's log, for failure messages.
    public func logTail() -> String {
        let text = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").suffix(15).joined(separator: "\n")
    }

    /// Kills the server and removes its log.
    public func stop() {
        stopChild(process)
        try? FileManager.default.removeItem(atPath: logPath)
    }

    deinit { stop() }
}
