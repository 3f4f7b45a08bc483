import Foundation
import TandemCore
import TandemRuntime

/// The OpenAI JSON of one generation: the whole response, or the chunks of a stream.
/// `chat.completion` / `chat.completion.chunk` for chat, `text_completion` for legacy completions.
struct CompletionShape: Sendable {
    let kind: GenerationCall.Kind
    let id: String
    let model: String
    let created: Int

    init(kind: GenerationCall.Kind, model: String) {
        self.kind = kind
        self.model = model
        id = (kind == .chat ? "chatcmpl-" : "cmpl-") + Self.randomHex(24)
        created = Int(Date().timeIntervalSince1970)
    }

    /// OpenAI's finish reasons: `stop` (end of text or a stop string) or `length`.
    static func finishReason(_ reason: FinishReason) -> String {
        switch reason {
        case .endOfGeneration, .stopString: "stop"
        case .maxTokens, .contextFull: "length"
        }
    }

    static func usage(_ u: GenerationUsage) -> JSONValue {
        ["prompt_tokens": .number(Double(u.promptTokens)), "completion_tokens": .number(Double(u.generatedTokens)),
         "total_tokens": .number(Double(u.promptTokens + u.generatedTokens)),
         "prompt_tokens_details": ["cached_tokens": .number(Double(u.cachedPromptTokens))]]
    }

    /// The whole (non-streamed) response.
    func response(_ c: Completion) -> JSONValue {
        var choice: JSONValue = kind == .chat
            ? ["index": 0, "message": ["role": "assistant", "content": .string(c.text)], "logprobs": nil,
               "finish_reason": .string(Self.finishReason(c.finishReason))]
            : ["index": 0, "text": .string(c.text), "logprobs": nil, "finish_reason": .string(Self.finishReason(c.finishReason))]
        if let picked = c.choice { choice = choice.setting("choice", to: Self.choice(picked)) }
        return envelope(kind == .chat ? "chat.completion" : "text_completion")
            .setting("choices", to: [choice]).setting("usage", to: Self.usage(c.usage))
    }

    /// A streamed piece of text (the first chat chunk also carries the role).
    func chunk(text: String, first: Bool = false) -> JSONValue {
        let delta: JSONValue = first ? ["role": "assistant", "content": .string(text)] : ["content": .string(text)]
        let choice: JSONValue = kind == .chat ? ["index": 0, "delta": delta, "logprobs": nil, "finish_reason": nil]
            : ["index": 0, "text": .string(text), "logprobs": nil, "finish_reason": nil]
        return envelope(chunkObject).setting("choices", to: [choice])
    }

    /// The chunk that ends the choice.
    func finalChunk(_ c: Completion) -> JSONValue {
        var choice: JSONValue = kind == .chat ? ["index": 0, "delta": [:], "logprobs": nil]
            : ["index": 0, "text": "", "logprobs": nil]
        choice = choice.setting("finish_reason", to: .string(Self.finishReason(c.finishReason)))
        if let picked = c.choice { choice = choice.setting("choice", to: Self.choice(picked)) }
        return envelope(chunkObject).setting("choices", to: [choice])
    }

    /// The usage chunk (`stream_options.include_usage`): no choices.
    func usageChunk(_ c: Completion) -> JSONValue {
        envelope(chunkObject).setting("choices", to: []).setting("usage", to: Self.usage(c.usage))
    }

    private var chunkObject: String { kind == .chat ? "chat.completion.chunk" : "text_completion" }

    private func envelope(_ object: String) -> JSONValue {
        ["id": .string(id), "object": .string(object), "created": .number(Double(created)), "model": .string(model),
         "system_fingerprint": .string("tandem")]
    }

    private static func choice(_ c: ChoiceResult) -> JSONValue {
        ["label": .string(c.label), "probability": .number(c.probability)]
    }

    static func randomHex(_ count: Int) -> String {
        String((0..<count).map { _ in "0123456789abcdef".randomElement()! })
    }
}
