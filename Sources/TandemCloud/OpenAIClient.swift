import Foundation
import TandemCore

/// OpenAI Chat Completions with `response_format: json_schema` (strict), against OpenAI or any
/// compatible server (llama-server, vLLM, Ollama) through `base_url`.
///
/// Strict mode wants every property listed in `required` and `additionalProperties: false`
/// on every object; the answer is checked against the schema here either way.
public struct OpenAIClient: PlanningModelClient {
    /// The model and endpoint.
    public let config: CloudModelConfig
    private let loop: StructuredCompletionLoop
    private var key: APIKey? { loop.key }

    /// A client; throws when `api_key_env` names a variable that is not set in `environment`.
    /// `retry` overrides the policy built from `config` (tests use short delays).
    public init(config: CloudModelConfig, ledger: CostLedger? = nil, retry: RetryPolicy? = nil,
                egress: EgressPolicy = EgressPolicy(),
                environment: [String: String] = ProcessInfo.processInfo.environment) throws(CloudError) {
        self.config = config
        loop = try StructuredCompletionLoop(provider: .openai, config: config, ledger: ledger, retry: retry, egress: egress, environment: environment)
    }

    /// Asks for JSON matching `schema`; see `PlanningModelClient`.
    public func completeJSON(system: String, user: String, schema: JSONValue,
                             schemaName: String) async throws(CloudError) -> CloudCompletion {
        try WireName.check(schemaName)
        let redactor = loop.http.redactor
        let stream = config.stream
        return try await loop.run(request(system: system, user: user, schema: schema, schemaName: schemaName), schema: schema) {
            Self.parse($0, stream: stream, redactor: redactor)
        }
    }

    private func request(system: String, user: String, schema: JSONValue, schemaName: String) -> HTTPRequest {
        // api.openai.com wants max_completion_tokens (reasoning models reject max_tokens);
        // compatible servers all read max_tokens, and not all know the newer name.
        let isOpenAI = config.baseURL.lowercased().contains("://api.openai.com")
        var body: JSONValue = [
            "model": .string(config.model),
            "messages": [["role": "system", "content": .string(system)], ["role": "user", "content": .string(user)]],
            "response_format": ["type": "json_schema",
                                "json_schema": ["name": .string(schemaName), "strict": true, "schema": schema]],
        ]
        body = body.setting(isOpenAI ? "max_completion_tokens" : "max_tokens", to: .number(Double(config.maxTokens)))
        if let t = config.temperature { body = body.setting("temperature", to: .number(t)) }
        if config.stream {
            body = body.setting("stream", to: true).setting("stream_options", to: ["include_usage": true])
        }
        var headers = [HTTPHeader("Content-Type", "application/json"),
                       HTTPHeader("Accept", config.stream ? "text/event-stream" : "application/json")]
        if let key { headers.append(HTTPHeader("Authorization", "Bearer \(key.value)")) }
        return HTTPRequest(url: config.endpoint("/v1/chat/completions"), headers: headers,
                           body: Array(JSONWriter.compact(body).utf8), timeout: config.timeout)
    }

    /// Reads a Chat Completions response (one JSON body, or an SSE stream of chunks).
    static func parse(_ response: HTTPResponse, stream: Bool, redactor: SecretRedactor) -> ProviderReply {
        func invalid(_ reason: String) -> ProviderReply {
            ProviderReply(result: .failure(.invalidResponse(provider: "openai", reason: reason,
                                                            excerpt: redactor.excerpt(response.bodyText))))
        }
        var content = "", refusal = "", finish = "", model: String?
        var usage: TokenUsage?
        let chunks: [JSONValue]
        if stream {
            var parsed: [JSONValue] = []
            for event in ServerSentEvents.parse(response.bodyText) where event.data != "[DONE]" {
                guard let chunk = try? JSONParser.parse(event.data) else { return invalid("a stream event is not JSON") }
                parsed.append(chunk)
            }
            guard !parsed.isEmpty else { return invalid("the event stream is empty") }
            chunks = parsed
        } else {
            guard let envelope = try? JSONParser.parse(bytes: response.body) else { return invalid("the body is not JSON") }
            chunks = [envelope]
        }
        for chunk in chunks {
            if let error = chunk["error"], !error.isNull {
                return invalid("server error: " + redactor.scrub(error["message"]?.stringValue ?? JSONWriter.compact(error)))
            }
            if let u = chunk["usage"], let input = u["prompt_tokens"]?.intValue, let output = u["completion_tokens"]?.intValue {
                usage = TokenUsage(inputTokens: input, outputTokens: output)
            }
            model = chunk["model"]?.stringValue ?? model
            guard let choice = chunk["choices"]?[0] else { continue }
            let message = stream ? choice["delta"] : choice["message"]
            content += message?["content"]?.stringValue ?? ""
            refusal += message?["refusal"]?.stringValue ?? ""
            if let reason = choice["finish_reason"]?.stringValue { finish = reason }
        }
        guard stream || chunks[0]["choices"]?[0] != nil else { return invalid("no choices[0] in the response") }
        var reply = ProviderReply(usage: usage, model: model, result: .failure(.cancelled))
        if !refusal.isEmpty {
            reply.result = .failure(.refused(message: redactor.excerpt(refusal)))
        } else if content.isEmpty {
            reply.result = .failure(.noStructuredOutput(provider: "openai", stopReason: finish.isEmpty ? "none" : finish, excerpt: ""))
        } else {
            reply.result = StructuredText.json(from: content, stopReason: finish, truncatedReason: "length",
                                               provider: "openai", redactor: redactor)
        }
        return reply
    }
}
