import Foundation
import TandemCore

/// Anthropic Messages with one forced tool whose input schema is the schema: the tool call's
/// input is the answer. Works against Anthropic or a compatible server (llama-server) through
/// `base_url`. The schema's root must be an object (Anthropic's rule for `input_schema`).
public struct AnthropicClient: PlanningModelClient {
    /// The API version header value this client speaks.
    public static let apiVersion = "2023-06-01"
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
        loop = try StructuredCompletionLoop(provider: .anthropic, config: config, ledger: ledger, retry: retry, egress: egress, environment: environment)
    }

    /// Asks for a call of tool `schemaName` whose input matches `schema`; see `PlanningModelClient`.
    public func completeJSON(system: String, user: String, schema: JSONValue,
                             schemaName: String) async throws(CloudError) -> CloudCompletion {
        try WireName.check(schemaName)
        let redactor = loop.http.redactor
        let stream = config.stream
        return try await loop.run(request(system: system, user: user, schema: schema, toolName: schemaName), schema: schema) {
            Self.parse($0, toolName: schemaName, stream: stream, redactor: redactor)
        }
    }

    private func request(system: String, user: String, schema: JSONValue, toolName: String) -> HTTPRequest {
        var body: JSONValue = [
            "model": .string(config.model),
            "max_tokens": .number(Double(config.maxTokens)),
            "system": .string(system),
            "messages": [["role": "user", "content": .string(user)]],
            "tools": [["name": .string(toolName),
                       "description": "Submit the answer. The input must match the schema exactly.",
                       "input_schema": schema]],
            "tool_choice": ["type": "tool", "name": .string(toolName)],
        ]
        if let t = config.temperature { body = body.setting("temperature", to: .number(t)) }
        if config.stream { body = body.setting("stream", to: true) }
        var headers = [HTTPHeader("Content-Type", "application/json"),
                       HTTPHeader("Accept", config.stream ? "text/event-stream" : "application/json"),
                       HTTPHeader("anthropic-version", Self.apiVersion)]
        if let key { headers.append(HTTPHeader("x-api-key", key.value)) }
        return HTTPRequest(url: config.endpoint("/v1/messages"), headers: headers,
                           body: Array(JSONWriter.compact(body).utf8), timeout: config.timeout)
    }

    /// One content block as it is assembled (streamed blocks arrive in pieces).
    private struct Block {
        var type = "", name = "", inputJSON = "", text = ""
        var input: JSONValue?
    }

    /// Reads a Messages response (one JSON body, or an SSE stream of events).
    static func parse(_ response: HTTPResponse, toolName: String, stream: Bool, redactor: SecretRedactor) -> ProviderReply {
        func invalid(_ reason: String) -> ProviderReply {
            ProviderReply(result: .failure(.invalidResponse(provider: "anthropic", reason: reason,
                                                            excerpt: redactor.excerpt(response.bodyText))))
        }
        var blocks: [Int: Block] = [:]
        var stop = "", model: String?
        var input: Int?, output: Int?
        func readUsage(_ u: JSONValue?) {
            guard let u else { return }
            let parts = ["input_tokens", "cache_creation_input_tokens", "cache_read_input_tokens"].compactMap { u[$0]?.intValue }
            if !parts.isEmpty { input = parts.reduce(0, +) }
            output = u["output_tokens"]?.intValue ?? output
        }
        func readMessage(_ m: JSONValue) {
            model = m["model"]?.stringValue ?? model
            stop = m["stop_reason"]?.stringValue ?? stop
            readUsage(m["usage"])
            for (i, item) in (m["content"]?.arrayValue ?? []).enumerated() {
                blocks[i] = Block(type: item["type"]?.stringValue ?? "", name: item["name"]?.stringValue ?? "",
                                  text: item["text"]?.stringValue ?? "", input: item["input"])
            }
        }
        if stream {
            let events = ServerSentEvents.parse(response.bodyText)
            guard !events.isEmpty else { return invalid("the event stream is empty") }
            for event in events {
                guard let data = try? JSONParser.parse(event.data) else { return invalid("a stream event is not JSON") }
                let index = data["index"]?.intValue ?? 0
                switch data["type"]?.stringValue ?? event.event {
                case "error": return invalid("server error: " + redactor.scrub(data["error"]?["message"]?.stringValue ?? "unknown"))
                case "message_start": if let m = data["message"] { readMessage(m) }
                case "content_block_start":
                    let start = data["content_block"]
                    blocks[index] = Block(type: start?["type"]?.stringValue ?? "", name: start?["name"]?.stringValue ?? "",
                                          text: start?["text"]?.stringValue ?? "")
                case "content_block_delta":
                    blocks[index, default: Block()].inputJSON += data["delta"]?["partial_json"]?.stringValue ?? ""
                    blocks[index, default: Block()].text += data["delta"]?["text"]?.stringValue ?? ""
                case "message_delta":
                    stop = data["delta"]?["stop_reason"]?.stringValue ?? stop
                    readUsage(data["usage"])
                default: break  // ping, content_block_stop, message_stop
                }
            }
        } else {
            guard let envelope = try? JSONParser.parse(bytes: response.body) else { return invalid("the body is not JSON") }
            if envelope["type"]?.stringValue == "error" {
                return invalid("server error: " + redactor.scrub(envelope["error"]?["message"]?.stringValue ?? "unknown"))
            }
            guard envelope["content"]?.arrayValue != nil else { return invalid("no content array in the response") }
            readMessage(envelope)
        }
        let usage = input.map { TokenUsage(inputTokens: $0, outputTokens: output ?? 0) }
        var reply = ProviderReply(usage: usage, model: model, result: .failure(.cancelled))
        let ordered = blocks.sorted { $0.key < $1.key }.map(\.value)
        if let tool = ordered.first(where: { $0.type == "tool_use" && $0.name == toolName }) {
            switch tool.input {
            case .some(.string(let text)):  // some proxies send the input as JSON text
                reply.result = StructuredText.json(from: text, stopReason: stop, truncatedReason: "max_tokens",
                                                   provider: "anthropic", redactor: redactor)
            case .some(let value):
                reply.result = .success(value)
            case .none:  // streamed: JSON text in pieces; an empty input is the empty object
                reply.result = StructuredText.json(from: tool.inputJSON.isEmpty ? "{}" : tool.inputJSON, stopReason: stop,
                                                   truncatedReason: "max_tokens", provider: "anthropic", redactor: redactor)
            }
            return reply
        }
        // Fallback for servers that ignore tools: a text answer that is the JSON itself.
        let text = ordered.filter { $0.type == "text" }.map(\.text).joined()
        if case .success(let value) = StructuredText.json(from: text, stopReason: "", truncatedReason: "-",
                                                          provider: "anthropic", redactor: redactor) {
            reply.result = .success(value)
        } else {
            reply.result = .failure(.noStructuredOutput(provider: "anthropic", stopReason: stop.isEmpty ? "none" : stop,
                                                        excerpt: redactor.excerpt(text)))
        }
        return reply
    }
}
