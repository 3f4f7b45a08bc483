import Foundation
import Synchronization
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

    let port: Int
    let slots: Int
    private let logPath: String
    private let exited = ExitFlag()
    private let pid: Int32
    private let process: Mutex<Process?>

    /// Starts the server and waits until `/health` answers 200.
    static func start(_ config: Configuration, toolchain: LlamaToolchain, readyTimeout: Double = 120) async throws -> LlamaServer {
        let binary = try toolchain.tool("llama-server")
        let port: Int
        if let wanted = config.port {
            try LoopbackSocket.checkAvailable(wanted)
            port = wanted
        } else {
            port = try LoopbackSocket.freePort()
        }
        let server = try LlamaServer(binary: binary, config: config, port: port, environment: toolchain.environment)
        do {
            try await server.waitUntilHealthy(timeout: readyTimeout)
        } catch {
            await server.stop()
            throw error
        }
        return server
    }

    private init(binary: String, config: Configuration, port: Int, environment: [String: String]) throws {
        self.port = port
        self.slots = config.slots
        logPath = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-bench-server-\(port)-\(UUID().uuidString).log").path
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: binary)
        p.arguments = ["-m", config.model, "--host", "127.0.0.1", "--port", String(port),
                       "-t", String(config.threads), "-tb", String(config.threads),
                       "-np", String(config.slots), "-c", String(config.contextLength), "--no-webui"] + config.extraArguments
        p.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        p.standardInput = FileHandle.nullDevice
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        p.standardOutput = log
        p.standardError = log
        let flag = exited
        p.terminationHandler = { _ in flag.value.store(true, ordering: .releasing) }
        try p.run()
        pid = p.processIdentifier
        process = Mutex(p)
    }

    var isRunning: Bool { !exited.value.load(ordering: .acquiring) }

    /// The last lines of the server's log.
    func logTail(_ lines: Int = 12) -> String {
        let text = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").suffix(lines).joined(separator: "\n")
    }

    private func waitUntilHealthy(timeout: Double) async throws {
        let start = Date()
        while Date().timeIntervalSince(start) < timeout {
            guard isRunning else {
                let log = logTail()
                // llama-server reports a taken port as a bind failure before exiting.
                if log.contains("bind") || log.contains("in use") { throw BenchError.portInUse(port) }
                throw BenchError.serverNotReady(port: port, seconds: Date().timeIntervalSince(start), log: log)
            }
            if let r = try? await LoopbackHTTP.get(port: port, path: "/health", timeoutSeconds: 2), r.status == 200 { return }
            try await Task.sleep(nanoseconds: 200_000_000)
        }
        throw BenchError.serverNotReady(port: port, seconds: timeout, log: logTail())
    }

    /// Stops the server (SIGTERM, then SIGKILL after 5 s) and removes its log.
    func stop() async {
        if isRunning { kill(pid, SIGTERM) }
        for _ in 0..<50 where isRunning { try? await Task.sleep(nanoseconds: 100_000_000) }
        if isRunning { kill(pid, SIGKILL) }
        for _ in 0..<20 where isRunning { try? await Task.sleep(nanoseconds: 100_000_000) }
        process.withLock { $0 = nil }
        try? FileManager.default.removeItem(atPath: logPath)
    }

    deinit {
        if isRunning { kill(pid, SIGKILL) }
    }

    // MARK: requests

    /// A streamed OpenAI chat completion; TTFT is the first server-sent event.
    func chat(system: String, user: String, maxTokens: Int) async throws -> (ttft: Double, total: Double) {
        let body: JSONValue = [
            "messages": [["role": "system", "content": .string(system)], ["role": "user", "content": .string(user)]],
            "max_tokens": .number(Double(maxTokens)), "temperature": 0, "stream": true, "cache_prompt": true,
        ]
        let r = try await LoopbackHTTP.post(port: port, path: "/v1/chat/completions", json: body)
        guard r.status == 200 else { throw BenchError.http("chat completion: HTTP \(r.status): \(r.body.prefix(300))") }
        return (r.firstEventSeconds ?? r.totalSeconds, r.totalSeconds)
    }

    /// OpenAI `/v1/embeddings` for `texts` in one request; the vectors in input order.
    func embed(_ texts: [String]) async throws -> [[Float]] {
        let r = try await LoopbackHTTP.post(port: port, path: "/v1/embeddings", json: ["input": .array(texts.map { .string($0) })])
        guard r.status == 200 else { throw BenchError.http("embeddings: HTTP \(r.status): \(r.body.prefix(300))") }
        let data = try r.json()["data"]?.arrayValue ?? []
        let vectors = data.sorted { ($0["index"]?.intValue ?? 0) < ($1["index"]?.intValue ?? 0) }
            .map { ($0["embedding"]?.arrayValue ?? []).map { Float($0.doubleValue ?? .nan) } }
        guard vectors.count == texts.count else { throw BenchError.http("embeddings: \(vectors.count) vectors for \(texts.count) texts") }
        return vectors
    }

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
