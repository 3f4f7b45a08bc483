import TandemCore
import TandemRuntime

/// A validated `/v1/chat/completions` or `/v1/completions` request, ready for the engine: the
/// prompt tokenized and checked against the context, sampling and constraint in range.
struct GenerationCall: Sendable {
    enum Kind: Sendable { case chat, text }

    let kind: Kind
    let request: GenerationRequest
    let promptTokens: Int
    let stream: Bool
    let includeUsage: Bool
    /// Set with the `choices` extension: the answer is one of these labels.
    let labels: [String]?

    /// Reads a chat completion request (`messages` through the model's chat template).
    static func chat(_ body: RequestBody, engine: Engine, model: String) throws(APIError) -> GenerationCall {
        try checkModel(body, model)
        guard let items = body.value("messages")?.arrayValue, !items.isEmpty else {
            throw .invalid("messages", "'messages' must be a non-empty array of {\"role\", \"content\"} objects")
        }
        var messages: [ChatMessage] = []
        for (i, item) in items.enumerated() {
            messages.append(try message(item, index: i))
        }
        let prompt: String
        do { prompt = try engine.chatTemplate().apply(messages, addAssistant: true) } catch {
            throw APIError(status: 500, message: "the model's chat template failed: \(error)", type: "server_error")
        }
        return try make(.chat, body, engine: engine, prompt: prompt, promptField: "messages")
    }

    /// Reads a legacy completion request (`prompt` as raw text).
    static func text(_ body: RequestBody, engine: Engine, model: String) throws(APIError) -> GenerationCall {
        try checkModel(body, model)
        guard let prompts = try body.strings("prompt", limit: 1) else {
            throw .invalid("prompt", "'prompt' is required: a string (or an array holding one string)")
        }
        guard let prompt = prompts.first else { throw .invalid("prompt", "'prompt' is an empty array; give one string") }
        try body.rejectUnless("echo", { $0.boolValue == false }, "'echo' is not supported; leave it out")
        try body.rejectUnless("suffix", { $0.stringValue?.isEmpty == true }, "'suffix' (insertion) is not supported; leave it out")
        return try make(.text, body, engine: engine, prompt: prompt, promptField: "prompt")
    }

    static func checkModel(_ body: RequestBody, _ model: String) throws(APIError) {
        let asked = try body.requiredString("model")
        guard asked == model else {
            throw APIError(status: 404, message: "the model '\(asked)' does not exist on this server; it serves '\(model)' "
                           + "(GET /v1/models lists it)", param: "model", code: "model_not_found")
        }
    }

    private static func message(_ item: JSONValue, index i: Int) throws(APIError) -> ChatMessage {
        let param = "messages[\(i)]"
        guard item.objectValue != nil else { throw .invalid(param, "'\(param)' must be an object with 'role' and 'content'") }
        guard let role = item["role"]?.stringValue else { throw .invalid(param + ".role", "'\(param).role' must be a string") }
        let mapped: String
        switch role {
        case "system", "developer": mapped = "system"
        case "user", "assistant": mapped = role
        default:
            throw .invalid(param + ".role", "'\(param).role' is '\(role)'; this server takes system, developer, user and "
                           + "assistant messages (no tools)")
        }
        let content: String
        switch item["content"] {
        case .string(let s)?: content = s
        case .array(let parts)?:
            var text = ""
            for (k, part) in parts.enumerated() {
                guard part["type"]?.stringValue == "text", let t = part["text"]?.stringValue else {
                    throw .invalid("\(param).content[\(k)]", "'\(param).content[\(k)]' must be {\"type\": \"text\", \"text\": ...}; "
                                   + "this server reads text only")
                }
                text += t
            }
            content = text
        case .null? where mapped == "assistant", nil where mapped == "assistant": content = ""
        default: throw .invalid(param + ".content", "'\(param).content' must be a string or an array of text parts")
        }
        return ChatMessage(role: mapped, content: content)
    }

    private static func make(_ kind: Kind, _ body: RequestBody, engine: Engine, prompt: String,
                             promptField: String) throws(APIError) -> GenerationCall {
        try body.rejectUnless("n", { $0.intValue == 1 }, "'n' must be 1: this server returns one choice per request")
        try body.rejectUnless("tools", { $0.arrayValue?.isEmpty == true }, "'tools' are not supported; leave them out")
        // Chat sends `logprobs: true`; legacy completions send a count of alternatives (0 here).
        let logprobs: Bool
        if kind == .text, let count = body.value("logprobs")?.intValue {
            guard count == 0 else {
                throw .invalid("logprobs", "'logprobs' above 0 asks for alternatives, which this server does not list; send 0 for each token's own logprob")
            }
            logprobs = true
        } else {
            logprobs = try body.bool("logprobs") ?? false
        }
        try body.rejectUnless("top_logprobs", { $0.intValue == 0 }, "'top_logprobs' is not supported; leave it out or send 0 (each token's own logprob comes with 'logprobs': true)")
        for penalty in ["frequency_penalty", "presence_penalty"] {
            try body.rejectUnless(penalty, { $0.doubleValue == 0 }, "'\(penalty)' is not supported; leave it out or send 0")
        }
        let stream = try body.bool("stream") ?? false
        var includeUsage = false
        if let options = body.value("stream_options") {
            guard options.objectValue != nil else { throw .invalid("stream_options", "'stream_options' must be an object") }
            let flag = options["include_usage"] ?? .null
            guard flag.isNull || flag.boolValue != nil else {
                throw .invalid("stream_options.include_usage", "'stream_options.include_usage' must be true or false")
            }
            includeUsage = flag.boolValue ?? false
        }
        let tokens: [Token]
        do {
            tokens = try engine.model.tokenizer.tokenize(prompt)
        } catch {
            throw .invalid(promptField, "the prompt could not be tokenized: \(error)")
        }
        let context = engine.parameters.contextLength
        guard !tokens.isEmpty else { throw .invalid(promptField, "the prompt is empty; give some text") }
        guard tokens.count < context else {
            throw .invalid(promptField, "the prompt has \(tokens.count) tokens but each request's context holds \(context); "
                           + "shorten it or start the server with a larger --context", code: "context_length_exceeded")
        }
        let room = context - tokens.count
        let maxField = body.value("max_completion_tokens") != nil ? "max_completion_tokens" : "max_tokens"
        var maxTokens = try body.int(maxField, in: 1...Int(Int32.max)) ?? room
        guard maxTokens <= room else {
            throw .invalid(maxField, "'\(maxField)' is \(maxTokens) but the prompt's \(tokens.count) tokens leave room for \(room) "
                           + "in the \(context)-token context; ask for at most \(room) or start the server with a larger --context",
                           code: "context_length_exceeded")
        }
        let sampling = try SamplingReader.read(body)
        let stop = try body.strings("stop", limit: 4, allowEmpty: false) ?? []
        var constraint = try ResponseFormat.constraint(body)
        var labels: [String]?
        if let choices = try body.strings("choices", limit: 1000, allowEmpty: false) {
            guard constraint == nil else {
                throw .invalid("choices", "'choices' and a JSON 'response_format' cannot be combined; send one of them")
            }
            guard !choices.isEmpty else { throw .invalid("choices", "'choices' is empty; give at least one label") }
            labels = choices
            constraint = .choice(choices)
            if body.value(maxField) == nil { maxTokens = min(maxTokens, 64) }
        }
        if logprobs {
            guard !stream else { throw .invalid("logprobs", "'logprobs' with 'stream' is not supported; ask for one or the other") }
            guard labels == nil else { throw .invalid("logprobs", "'logprobs' and 'choices' cannot be combined: a choice carries its own probability") }
        }
        var request = GenerationRequest(.tokens(tokens), maxTokens: maxTokens, sampling: sampling, stop: stop, constraint: constraint)
        request.logprobs = logprobs
        return GenerationCall(kind: kind, request: request, promptTokens: tokens.count, stream: stream,
                              includeUsage: includeUsage, labels: labels)
    }
}

/// `temperature`, `top_p`, `seed` and the llama.cpp extras `top_k`, `min_p`, `repeat_penalty`.
/// Defaults follow OpenAI's (temperature 1, top_p 1); without `seed` each request draws one.
enum SamplingReader {
    static func read(_ body: RequestBody) throws(APIError) -> SamplingParameters {
        var s = SamplingParameters(temperature: 1, topP: 1, seed: UInt32.random(in: 0...UInt32.max))
        if let t = try body.number("temperature", in: 0...2) { s.temperature = Float(t) }
        if let p = try body.number("top_p", in: 0...1) {
            guard p > 0 else { throw .invalid("top_p", "'top_p' must be above 0 (use temperature 0 for greedy output)") }
            s.topP = Float(p)
        }
        if let seed = try body.int("seed", in: Int(Int64.min)...Int(Int64.max)) { s.seed = UInt32(truncatingIfNeeded: seed) }
        if let k = try body.int("top_k", in: 0...100_000) { s.topK = k }
        if let m = try body.number("min_p", in: 0...0.999) { s.minP = Float(m) }
        if let r = try body.number("repeat_penalty", in: 0.01...10) { s.repeatPenalty = Float(r) }
        return s
    }
}
