import TandemCore

/// One generation: input, limits, sampling and an optional output constraint.
public struct GenerationRequest: Sendable {
    /// What the model reads.
    public enum Input: Sendable {
        /// Raw prompt text; control-token text such as `<|im_start|>` is read as the token.
        case text(String)
        /// A conversation, formatted with the model's chat template.
        case messages([ChatMessage])
        /// Pre-tokenized input (ids are range-checked).
        case tokens([Token])
    }

    /// What the output must look like.
    public enum Constraint: Sendable {
        /// A GBNF grammar (root rule `root`).
        case grammar(String)
        /// JSON matching a JSON Schema (converted to a grammar).
        case jsonSchema(JSONValue)
        /// Exactly one of these labels; the completion carries its probability.
        case choice([String])
    }

    public var input: Input
    /// Most tokens to generate (≥ 1).
    public var maxTokens: Int
    public var sampling: SamplingParameters
    /// Generation ends before any of these strings; they are not part of the text.
    public var stop: [String]
    public var constraint: Constraint?
    /// Keep generating through end-of-generation tokens (benchmarks: exactly `maxTokens`).
    public var ignoreEndOfGeneration: Bool
    /// Report each generated token's log-probability (`Completion.tokenLogprobs`): one pass
    /// over the vocabulary per token. Not with a choice constraint, which has its own probability.
    public var logprobs = false
    /// With a grammar or schema: text the grammar forces (keys, quotes, braces, fixed literals)
    /// is appended without sampling and decoded with the next sampled token in one batch, and
    /// generation ends as soon as the grammar admits nothing but its end. Off with `logprobs`
    /// (a forced token has no logits of its own). `false` gives one decode per token, as before.
    public var fastForward = true

    public init(_ input: Input, maxTokens: Int = 256, sampling: SamplingParameters = .greedy,
                stop: [String] = [], constraint: Constraint? = nil, ignoreEndOfGeneration: Bool = false) {
        self.input = input; self.maxTokens = maxTokens; self.sampling = sampling
        self.stop = stop; self.constraint = constraint; self.ignoreEndOfGeneration = ignoreEndOfGeneration
    }

    /// A request for a plain prompt.
    public static func prompt(_ text: String, maxTokens: Int = 256) -> GenerationRequest {
        GenerationRequest(.text(text), maxTokens: maxTokens)
    }
}

/// Why generation ended.
public enum FinishReason: String, Sendable, Codable {
    /// The model produced an end-of-generation token (or completed a choice/grammar).
    case endOfGeneration = "eog"
    /// A stop string appeared.
    case stopString = "stop"
    /// `maxTokens` were generated.
    case maxTokens = "length"
    /// The sequence reached the end of the context.
    case contextFull = "context"
}

/// Token counts and timings of one request.
public struct GenerationUsage: Sendable, Codable, Equatable {
    public var promptTokens = 0
    /// Prompt tokens whose KV came from the prompt cache instead of being decoded.
    public var cachedPromptTokens = 0
    public var generatedTokens = 0
    /// Of `generatedTokens`, those the grammar forced: appended without sampling (`fastForward`).
    public var forcedTokens = 0
    /// Waiting for a slot.
    public var queueSeconds = 0.0
    /// Admission to first generated token (prompt processing).
    public var timeToFirstTokenSeconds = 0.0
    /// First token to the end.
    public var generationSeconds = 0.0
    public var totalSeconds = 0.0
    /// Where `generationSeconds` went, per part (decode, sampling, text, delivery).
    public var breakdown = DecodeBreakdown()

    /// Generated tokens per second after the first token.
    public var generationTokensPerSecond: Double {
        generatedTokens > 1 && generationSeconds > 0 ? Double(generatedTokens - 1) / generationSeconds : 0
    }
    /// Decoded prompt tokens per second.
    public var promptTokensPerSecond: Double {
        timeToFirstTokenSeconds > 0 ? Double(promptTokens - cachedPromptTokens) / timeToFirstTokenSeconds : 0
    }
    public init() {}
}

/// The label chosen in choice mode and how sure the model was.
public struct ChoiceResult: Sendable, Codable, Equatable {
    public var label: String
    /// Probability of this label's tokens under the distribution restricted to the labels.
    public var probability: Double
    /// Probability per label of the first decision step (labels sharing a first token share mass).
    public var firstStepDistribution: [String: Double]
}

/// A finished generation.
public struct Completion: Sendable {
    public var text: String
    public var tokens: [Token]
    public var finishReason: FinishReason
    public var usage: GenerationUsage
    /// Set in choice mode.
    public var choice: ChoiceResult?
    /// With `GenerationRequest.logprobs`: the natural log of each token's probability under the
    /// model's full distribution (before sampling settings and grammar), one per `tokens`.
    public var tokenLogprobs: [Double]?
}

/// What a stream yields: text as it is decoded, then the completion.
public enum GenerationEvent: Sendable {
    case text(String)
    case done(Completion)
}
