import Foundation
import TandemCore

/// A `llama-server` the bench starts on a loopback port and stops when done: same build,
/// model and threads as the Tandem side.
final class LlamaServer: Sendable {
    /// How to start it.
    struct Configuration: Sendable {
        var model: String
        var threads: Int
        var slots: Int
        /// Total context cells (`-c`), shared out as `contextLength / slots` per slot.
        var contextLength: Int
        /// nil: a free port is picked.
        var port: Int?
        /// Further flags (e.g. `--embedding`).
        var extraArguments: [String] = []
    }

    let slots: Int
    let process: ServerProcess
    /// Its OpenAI API.
    let api: OpenAIEndpoint
    var port: Int { process.port }

    /// Starts the server and waits until `/health` answers 200.
    static func start(_ config: Configuration, toolchain: LlamaToolchain, readyTimeout: Double = 120) async throws -> LlamaServer {
        let binary = try toolchain.tool("llama-server")
        let port = try ServerProcess.port(config.port)
        let process = try ServerProcess(name: "llama-server", binary: binary, arguments: [
            "-m", config.model, "--host", "127.0.0.1", "--port", String(port), "-t", String(config.threads), "-tb", String(config.threads),
            "-np", String(config.slots), "-c", String(config.contextLength), "--no-webui",
        ] + config.extraArguments, port: port, environment: toolchain.environment)
        do {
            try await process.waitUntilHealthy(timeout: readyTimeout)
        } catch {
            await process.stop()
            throw error
        }
        return LlamaServer(slots: config.slots, process: process)
    }

    private init(slots: Int, process: ServerProcess) {
        self.slots = slots
        self.process = process
        api = OpenAIEndpoint(port: process.port, model: nil)
    }

    /// Stops the server (SIGTERM, then SIGKILL after 5 s).
    func stop() async { await process.stop() }

    /// A streamed OpenAI chat completion; TTFT is the first server-sent event.
    func chat(system: String, user: String, maxTokens: Int) async throws -> (ttft: Double, total: Double) {
        try await api.chat(system: system, user: user, maxTokens: maxTokens)
    }

    /// OpenAI `/v1/embeddings` for `texts` in one request; the vectors in input order.
    func embed(_ texts: [String]) async throws -> [[Float]] { try await api.embed(texts) }

    /// A raw `/completion` over token ids, `n_predict` tokens, not streamed; returns the wall time
    /// and the server's own prompt figures.
    func complete(tokens: [Int32], predict: Int) async throws -> (seconds: Double, promptMs: Double?, cachedTokens: Int?) {
        let body: JSONValue = [
            "prompt": .array(tokens.map { .number(Double($0)) }), "n_predict": .number(Double(predict)),
            "temperature": 0, "cache_prompt": true, "stream": false,
        ]
        let r = try await LoopbackHTTP.post(port: port, path: "/completion", json: body)
        guard r.status == 200 else { throw BenchError.http("completion: HTTP \(r.status): \(r.body.prefix(300))") }
        let json = try? r.json()
        return (r.totalSeconds, json?["timings"]?["prompt_ms"]?.doubleValue, json?["tokens_cached"]?.intValue)
    }
}
