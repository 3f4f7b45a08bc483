import Foundation
import TandemCore
import TandemOrchestrator

/// The orchestrator's local model as a pipeline built around a local model server sees it: each
/// call is one `/v1/chat/completions` request to `llama-server` on 127.0.0.1, constrained by the
/// same JSON Schema (`response_format`), with `cache_prompt` so the server's slots reuse prefixes.
/// A choice is a schema with the labels as an `enum`; its probability is the product of the
/// answer tokens' probabilities the server reports (`logprobs`), the closest the API comes to
/// the in-process client's probability over the labels.
struct ServerModelClient: LocalModelClient {
    let endpoint: OpenAIEndpoint
    let modelName: String

    func generateJSON(_ request: LocalJSONRequest) async throws -> LocalJSONReply {
        let reply = try await complete(system: request.system, user: request.user, schema: request.schema,
                                       maxTokens: request.maxTokens, logprobs: false)
        return LocalJSONReply(text: reply.text, usage: reply.usage)
    }

    func choose(_ request: LocalChoiceRequest) async throws -> LocalChoiceReply {
        let schema: JSONValue = ["type": "string", "enum": .array(request.labels.map { .string($0) })]
        let reply = try await complete(system: request.system, user: request.user, schema: schema, maxTokens: 64, logprobs: true)
        guard let label = (try? JSONParser.parse(reply.text))?.stringValue else {
            throw BenchError.http("llama-server chose '\(reply.text.prefix(80))', not one of the labels")
        }
        return LocalChoiceReply(label: label, probability: exp(reply.logprob), usage: reply.usage)
    }

    private func complete(system: String, user: String, schema: JSONValue, maxTokens: Int,
                          logprobs: Bool) async throws -> (text: String, usage: TokenUsage, logprob: Double) {
        let body = endpoint.chatBody(system: system, user: user, maxTokens: maxTokens, stream: false)
            .setting("logprobs", to: .bool(logprobs))
            .setting("response_format", to: ["type": "json_schema", "json_schema": ["name": "answer", "schema": schema]])
        let r = try await LoopbackHTTP.post(port: endpoint.port, path: "/v1/chat/completions", json: body)
        guard r.status == 200 else { throw BenchError.http("chat completion: HTTP \(r.status): \(r.body.prefix(300))") }
        let json = try r.json()
        let choice = json["choices"]?[0]
        let text = choice?["message"]?["content"]?.stringValue ?? ""
        let logprob = (choice?["logprobs"]?["content"]?.arrayValue ?? []).reduce(0.0) { $0 + ($1["logprob"]?.doubleValue ?? 0) }
        let usage = TokenUsage(promptTokens: json["usage"]?["prompt_tokens"]?.intValue ?? 0,
                               cachedPromptTokens: json["timings"]?["cache_n"]?.intValue ?? 0,
                               generatedTokens: json["usage"]?["completion_tokens"]?.intValue ?? 0)
        return (text, usage, logprob)
    }
}
