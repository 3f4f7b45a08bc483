import Foundation
import TandemCloud
import TandemCore
import TandemOrchestrator

/// One OpenAI-compatible server (llama-server, vLLM, Ollama, `tandem serve`) answering the local
/// model's calls: the same prompts, a JSON reply constrained by the same schema through
/// `response_format`, and a choice as a schema whose one string is an `enum` of the labels, its
/// probability the product of the answer tokens' probabilities (`logprobs`). Each call is one
/// `/v1/chat/completions` request with no retry of its own: the pool decides where a failed
/// call goes next.
public struct RemoteModelClient: LocalModelClient {
    /// Server root, e.g. `http://10.0.0.5:8080`.
    public let baseURL: String
    /// The configured model name: sent with every request, and checked against `/v1/models`.
    public let model: String
    /// Limit on each request.
    public let timeout: Duration
    private let http: CloudHTTPClient
    private let key: APIKey?

    /// A client for `baseURL`; requests go through `egress` (offline: loopback unless allowed).
    public init(baseURL: String, model: String, timeout: Duration, key: APIKey? = nil, egress: EgressPolicy = EgressPolicy()) {
        self.baseURL = baseURL; self.model = model; self.timeout = timeout; self.key = key
        http = CloudHTTPClient(retry: RetryPolicy(maxRetries: 0), egress: egress, label: "local model endpoint")
    }

    /// `model @ baseURL`, for traces.
    public var modelName: String { "\(model) @ \(baseURL)" }

    public func generateJSON(_ request: LocalJSONRequest) async throws -> LocalJSONReply {
        let reply = try await complete(system: request.system, user: request.user, schema: request.schema,
                                       maxTokens: request.maxTokens, logprobs: false)
        return LocalJSONReply(text: reply.text, usage: reply.usage)
    }

    public func choose(_ request: LocalChoiceRequest) async throws -> LocalChoiceReply {
        let schema: JSONValue = ["type": "string", "enum": .array(request.labels.map { .string($0) })]
        let reply = try await complete(system: request.system, user: request.user, schema: schema, maxTokens: 64, logprobs: true)
        guard let label = (try? JSONParser.parse(reply.text))?.stringValue else {
            // The model's answer, not the endpoint, is at fault: the tool's fallback decides.
            throw RemoteChoiceError(text: String(reply.text.prefix(80)))
        }
        return LocalChoiceReply(label: label, probability: exp(reply.logprob), usage: reply.usage)
    }

    /// The model ids `/v1/models` lists; throws when the server is down or answers something else.
    public func servedModels() async throws -> [String] {
        let response = try await send(HTTPRequest(method: "GET", url: CloudModelConfig.url(baseURL, "/v1/models"),
                                                  headers: headers(json: false), timeout: min(timeout, .seconds(30))))
        guard let ids = (try? JSONParser.parse(bytes: response.body))?["data"]?.arrayValue?.compactMap({ $0["id"]?.stringValue }) else {
            throw RemoteEndpointError.badAnswer(url: baseURL, reason: "/v1/models did not list models")
        }
        return ids
    }

    private func complete(system: String, user: String, schema: JSONValue, maxTokens: Int,
                          logprobs: Bool) async throws -> (text: String, usage: TandemOrchestrator.TokenUsage, logprob: Double) {
        let body: JSONValue = [
            "model": .string(model),
            "messages": [["role": "system", "content": .string(system)], ["role": "user", "content": .string(user)]],
            "max_tokens": .number(Double(maxTokens)), "temperature": 0, "cache_prompt": true, "logprobs": .bool(logprobs),
            "response_format": ["type": "json_schema", "json_schema": ["name": "answer", "schema": schema]],
        ]
        let response = try await send(HTTPRequest(url: CloudModelConfig.url(baseURL, "/v1/chat/completions"), headers: headers(json: true),
                                                  body: Array(JSONWriter.compact(body).utf8), timeout: timeout))
        guard let json = try? JSONParser.parse(bytes: response.body), let choice = json["choices"]?[0] else {
            throw RemoteEndpointError.badAnswer(url: baseURL, reason: "the reply is not a chat completion")
        }
        let text = choice["message"]?["content"]?.stringValue ?? ""
        let logprob = (choice["logprobs"]?["content"]?.arrayValue ?? []).reduce(0.0) { $0 + ($1["logprob"]?.doubleValue ?? 0) }
        let usage = json["usage"]
        // Cached prompt tokens: the OpenAI field where a server fills it, else llama-server's timings.
        let cached = usage?["prompt_tokens_details"]?["cached_tokens"]?.intValue ?? json["timings"]?["cache_n"]?.intValue ?? 0
        return (text, TandemOrchestrator.TokenUsage(promptTokens: usage?["prompt_tokens"]?.intValue ?? 0, cachedPromptTokens: cached,
                                 generatedTokens: usage?["completion_tokens"]?.intValue ?? 0), logprob)
    }

    private func headers(json: Bool) -> [HTTPHeader] {
        var h = [HTTPHeader("Accept", "application/json")]
        if json { h.append(HTTPHeader("Content-Type", "application/json")) }
        if let key { h.append(HTTPHeader("Authorization", "Bearer \(key.value)")) }
        return h
    }

    /// Sends; any status but 200 is an endpoint failure (the pool takes the endpoint out).
    private func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        let response: HTTPResponse
        do { response = try await http.send(request) } catch {
            if case .cancelled = error { throw CancellationError() }
            throw RemoteEndpointError.unreachable(url: baseURL, reason: error.description)
        }
        guard response.status == 200 else {
            throw RemoteEndpointError.unreachable(url: baseURL, reason: "HTTP \(response.status): \(response.bodyText.prefix(200))")
        }
        return response
    }
}

/// A remote model's choice that is not one JSON string (a model fault, not the endpoint's).
public struct RemoteChoiceError: Error, CustomStringConvertible, Sendable {
    /// The start of what it answered.
    public let text: String
    public var description: String { "the model chose '\(text)', not a JSON string" }
}

/// Why a remote endpoint's call failed.
public enum RemoteEndpointError: Error, CustomStringConvertible, Sendable, Equatable {
    /// Down, refusing, timing out or answering an error status: the call can go elsewhere.
    case unreachable(url: String, reason: String)
    /// It answered, but not with a usable reply (non-JSON, no choices): also tried elsewhere.
    case badAnswer(url: String, reason: String)
    /// The server serves another model than the configured one.
    case wrongModel(url: String, configured: String, served: [String])
    /// Every endpoint of the pool is down.
    case noEndpoint(tried: Int, last: String)

    public var description: String {
        switch self {
        case .unreachable(let url, let reason): "endpoint \(url): \(reason)"
        case .badAnswer(let url, let reason): "endpoint \(url) answered unusably: \(reason)"
        case .wrongModel(let url, let configured, let served):
            "endpoint \(url) serves \(served.joined(separator: ", ")), not the configured model '\(configured)'"
        case .noEndpoint(let tried, let last): "no endpoint of the pool could answer (\(tried) tried; last: \(last))"
        }
    }
}
