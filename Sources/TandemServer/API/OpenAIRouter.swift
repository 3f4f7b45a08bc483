import Foundation
import TandemCore
import TandemRuntime

/// Sends each request to its endpoint after the checks every endpoint shares: the API key,
/// the drain state, the method. Paths are the OpenAI ones (`/v1/...`); the same paths without
/// `/v1` work too, for clients whose base URL leaves it out.
struct OpenAIRouter: Sendable {
    let engine: Engine
    let model: String
    let apiKey: String?
    let metrics: ServerMetrics
    let generation: GenerationHandler
    let embeddings: EmbeddingsHandler
    let classify: ClassifyHandler
    let isDraining: @Sendable () -> Bool
    let connectionStats: @Sendable () -> (inFlight: Int, connections: Int)

    static let endpoints: [String: String] = [
        "/health": "GET", "/metrics": "GET", "/models": "GET", "/chat/completions": "POST", "/completions": "POST",
        "/embeddings": "POST", "/classify": "POST",
    ]

    func handle(_ request: ServerRequest, _ sink: any ResponseSink) async {
        let path = request.path.hasPrefix("/v1/") ? String(request.path.dropFirst(3)) : request.path
        let known = Self.endpoints[path] != nil || path.hasPrefix("/models/")
        let metered = MeteredSink(base: sink, endpoint: known ? (path == "/health" || path == "/metrics" ? path : "/v1" + path) : "other",
                                  metrics: metrics)
        do {
            try await route(path, request, metered)
        } catch {
            metered.send(error.response)
        }
    }

    private func route(_ path: String, _ request: ServerRequest, _ sink: any ResponseSink) async throws(APIError) {
        if path == "/health" { return sink.send(await health()) }
        try authorize(request)
        if isDraining() { throw .shuttingDown }
        let method = path.hasPrefix("/models/") ? "GET" : Self.endpoints[path]
        guard let method else {
            throw APIError(status: 404, message: "no endpoint \(request.method) \(request.path); this server answers "
                           + "/v1/chat/completions, /v1/completions, /v1/embeddings, /v1/models, /v1/classify, /health and /metrics",
                           code: "not_found")
        }
        guard request.method == method || (method == "GET" && request.method == "HEAD") else {
            var e = APIError(status: 405, message: "\(request.path) takes \(method), not \(request.method)", code: "method_not_allowed")
            e.headers = [("Allow", method)]
            throw e
        }
        switch path {
        case "/metrics":
            let stats = connectionStats()
            let text = metrics.render(status: await engine.status(), inFlight: stats.inFlight, connections: stats.connections)
            sink.send(ServerResponse(status: 200, headers: [("Content-Type", "text/plain; version=0.0.4")], body: Array(text.utf8)))
        case "/models": sink.send(json(["object": "list", "data": [modelObject]]))
        case "/chat/completions":
            await generation.handle(try GenerationCall.chat(try RequestBody.parse(request.body), engine: engine, model: model), sink: sink)
        case "/completions":
            await generation.handle(try GenerationCall.text(try RequestBody.parse(request.body), engine: engine, model: model), sink: sink)
        case "/embeddings": sink.send(try await embeddings.handle(try RequestBody.parse(request.body)))
        case "/classify": sink.send(try await classify.handle(try RequestBody.parse(request.body)))
        default:
            let id = String(path.dropFirst("/models/".count)).removingPercentEncoding ?? ""
            guard id == model else {
                throw APIError(status: 404, message: "the model '\(id)' does not exist on this server; it serves '\(model)'",
                               code: "model_not_found")
            }
            sink.send(json(modelObject))
        }
    }

    private func authorize(_ request: ServerRequest) throws(APIError) {
        guard let apiKey else { return }
        guard let header = request.headers["authorization"], header.lowercased().hasPrefix("bearer ") else { throw .missingKey }
        let given = Array(header.dropFirst(7).trimmingCharacters(in: .whitespaces).utf8)
        let expected = Array(apiKey.utf8)
        // Compared in time independent of where the first difference is.
        var difference = given.count ^ expected.count
        for i in 0..<max(given.count, expected.count) {
            difference |= Int((i < given.count ? given[i] : 0) ^ (i < expected.count ? expected[i] : 0))
        }
        guard difference == 0 else { throw .wrongKey }
    }

    private var modelObject: JSONValue {
        ["id": .string(model), "object": "model", "created": 0, "owned_by": "tandem"]
    }

    private func health() async -> ServerResponse {
        guard !isDraining() else {
            return ServerResponse(status: 503, headers: [("Content-Type", "application/json")],
                                  body: Array(#"{"status":"draining"}"#.utf8))
        }
        let status = await engine.status()
        return json(["status": "ok", "model": .string(model),
                     "slots": ["total": .number(Double(status.slots.count)), "busy": .number(Double(status.slots.filter(\.isBusy).count))],
                     "queued": .number(Double(status.queued))])
    }

    private func json(_ value: JSONValue) -> ServerResponse {
        ServerResponse(status: 200, headers: [("Content-Type", "application/json")], body: Array(JSONWriter.compact(value).utf8))
    }
}

/// Counts each answer by endpoint and status as it is sent.
struct MeteredSink: ResponseSink {
    let base: any ResponseSink
    let endpoint: String
    let metrics: ServerMetrics

    func send(_ response: ServerResponse) {
        if !base.isClosed { metrics.recordRequest(endpoint: endpoint, status: response.head.status) }
        base.send(response)
    }

    func startStream(_ head: ResponseHead) {
        if !base.isClosed { metrics.recordRequest(endpoint: endpoint, status: head.status) }
        base.startStream(head)
    }

    func write(_ bytes: [UInt8]) { base.write(bytes) }
    func finishStream() { base.finishStream() }
    var isClosed: Bool { base.isClosed }
}
