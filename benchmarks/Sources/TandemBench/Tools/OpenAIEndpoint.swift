import Foundation
import TandemCore

/// The OpenAI API of a server on 127.0.0.1 (llama-server or `tandem serve`): the same requests,
/// byte for byte, whichever side answers.
struct OpenAIEndpoint: Sendable {
    let port: Int
    /// Sent as `model` when set (`tandem serve` checks it; llama-server ignores it).
    let model: String?

    /// A streamed chat completion (greedy, `cache_prompt`); TTFT is the first server-sent event.
    func chat(system: String, user: String, maxTokens: Int) async throws -> (ttft: Double, total: Double) {
        let r = try await streamedChat(system: system, user: user, maxTokens: maxTokens)
        guard r.status == 200 else { throw BenchError.http("chat completion: HTTP \(r.status): \(r.body.prefix(300))") }
        return (r.firstEventSeconds ?? r.totalSeconds, r.totalSeconds)
    }

    /// The raw exchange of a streamed chat completion; with `closeAfterFirstEvent` the client
    /// hangs up as soon as the first event arrives (a client that leaves mid-stream).
    func streamedChat(system: String, user: String, maxTokens: Int, closeAfterFirstEvent: Bool = false,
                      timeoutSeconds: Double = 600) async throws -> LoopbackHTTP.Response {
        let body = chatBody(system: system, user: user, maxTokens: maxTokens, stream: true)
        return try await LoopbackHTTP.post(port: port, path: "/v1/chat/completions", json: body, timeoutSeconds: timeoutSeconds,
                                           closeAfterFirstEvent: closeAfterFirstEvent)
    }

    /// A greedy `/v1/chat/completions` body with `cache_prompt` (and `model` when set).
    func chatBody(system: String, user: String, maxTokens: Int, stream: Bool) -> JSONValue {
        var body: JSONValue = [
            "messages": [["role": "system", "content": .string(system)], ["role": "user", "content": .string(user)]],
            "max_tokens": .number(Double(maxTokens)), "temperature": 0, "stream": .bool(stream), "cache_prompt": true,
        ]
        if let model { body = body.setting("model", to: .string(model)) }
        return body
    }

    /// `/v1/embeddings` for `texts` in one request; the vectors in input order.
    func embed(_ texts: [String]) async throws -> [[Float]] {
        var body: JSONValue = ["input": .array(texts.map { .string($0) })]
        if let model { body = body.setting("model", to: .string(model)) }
        let r = try await LoopbackHTTP.post(port: port, path: "/v1/embeddings", json: body)
        guard r.status == 200 else { throw BenchError.http("embeddings: HTTP \(r.status): \(r.body.prefix(300))") }
        let data = try r.json()["data"]?.arrayValue ?? []
        let vectors = data.sorted { ($0["index"]?.intValue ?? 0) < ($1["index"]?.intValue ?? 0) }
            .map { ($0["embedding"]?.arrayValue ?? []).map { Float($0.doubleValue ?? .nan) } }
        guard vectors.count == texts.count else { throw BenchError.http("embeddings: \(vectors.count) vectors for \(texts.count) texts") }
        return vectors
    }

    /// The text of a streamed chat completion's events, and whether it ended with `[DONE]`.
    static func streamedText(_ body: String) -> (text: String, done: Bool) {
        var text = ""
        var done = false
        for event in body.components(separatedBy: "\n\n") where event.hasPrefix("data: ") {
            let data = event.dropFirst(6)
            if data == "[DONE]" { done = true; continue }
            text += (try? JSONParser.parse(String(data)))?["choices"]?[0]?["delta"]?["content"]?.stringValue ?? ""
        }
        return (text, done)
    }
}
