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

    /// The whole (non-streamed) response; `logprobs` per token when the request asked for them.
    func response(_ c: Completion, tokenizer: Tokenizer) -> JSONValue {
        let logprobs = c.tokenLogprobs.map { Self.logprobs(c.tokens, $0, kind: kind, tokenizer: tokenizer) } ?? .null
        var choice: JSONValue = kind == .chat
            ? ["index": 0, "message": ["role": "assistant", "content": .string(c.text)], "logprobs": logprobs,
               "finish_reason": .string(Self.finishReason(c.finishReason))]
            : ["index": 0, "text": .string(c.text), "logprobs": logprobs, "finish_reason": .string(Self.finishReason(c.finishReason))]
        if let picked = c.choice { choice = choice.setting("choice", to: Self.choice(picked)) }
        return envelope(kind == .chat ? "chat.completion" : "text_completion")
            .setting("choices", to: [choice]).setting("usage", to: Self.usage(c.usage))
    }

    /// OpenAI's shapes: chat `{"content": [{token, logprob, bytes, top_logprobs}]}`, legacy
    /// completions `{tokens, token_logprobs, top_logprobs, text_offset}`. No alternatives are
    /// listed (`top_logprobs` is refused above 0).
    static func logprobs(_ tokens: [Token], _ values: [Double], kind: GenerationCall.Kind, tokenizer: Tokenizer) -> JSONValue {
        let pieces = tokens.map { (try? tokenizer.pieceBytes($0)) ?? [] }
        let texts = pieces.map { String(decoding: $0, as: UTF8.self) }
        let numbers = values.map { JSONValue.number($0.isFinite ? $0 : -9999) }
        guard kind == .chat else {
            var offset = 0
            let offsets = texts.map { t -> JSONValue in defer { offset += t.count }; return .number(Double(offset)) }
            return ["tokens": .array(texts.map(JSONValue.string)), "token_logprobs": .array(numbers), "top_logprobs": nil,
                    "text_offset": .array(offsets)]
        }
        let content = zip(zip(texts, pieces), numbers).map { pair, number -> JSONValue in
            ["token": .string(pair.0), "logprob": number, "bytes": .array(pair.1.map { .number(Double($0)) }), "top_logprobs": []]
        }
        return ["content": .array(content)]
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
