import TandemCore

/// Tokens one model call (or a sum of calls) used.
public struct TokenUsage: Sendable, Codable, Equatable {
    /// Prompt tokens, cached ones included.
    public var promptTokens: Int
    /// Prompt tokens served from the prompt cache instead of being decoded again.
    public var cachedPromptTokens: Int
    /// Tokens the model generated.
    public var generatedTokens: Int

    /// Creates a usage record.
    public init(promptTokens: Int = 0, cachedPromptTokens: Int = 0, generatedTokens: Int = 0) {
        self.promptTokens = promptTokens
        self.cachedPromptTokens = cachedPromptTokens
        self.generatedTokens = generatedTokens
    }

    /// No tokens.
    public static let zero = TokenUsage()

    /// The sum of two usages.
    public static func + (a: TokenUsage, b: TokenUsage) -> TokenUsage {
        TokenUsage(promptTokens: a.promptTokens + b.promptTokens,
                   cachedPromptTokens: a.cachedPromptTokens + b.cachedPromptTokens,
                   generatedTokens: a.generatedTokens + b.generatedTokens)
    }

    /// Adds `b` into `a`.
    public static func += (a: inout TokenUsage, b: TokenUsage) { a = a + b }

    /// True when no tokens were used.
    public var isZero: Bool { promptTokens == 0 && generatedTokens == 0 }
}

/// A request for one JSON document from the local model, constrained by `schema`.
public struct LocalJSONRequest: Sendable {
    /// The system prompt (shared across calls of one tool, so the prompt cache can reuse it).
    public var system: String
    /// The user message (the part that changes per call).
    public var user: String
    /// The JSON Schema the output must satisfy (compiled to a grammar by the runtime).
    public var schema: JSONValue
    /// Upper bound on generated tokens.
    public var maxTokens: Int

    /// Creates a request.
    public init(system: String, user: String, schema: JSONValue, maxTokens: Int) {
        self.system = system
        self.user = user
        self.schema = schema
        self.maxTokens = maxTokens
    }
}

/// The local model's answer to a `LocalJSONRequest`.
public struct LocalJSONReply: Sendable {
    /// Raw model output: JSON under the grammar, but callers validate it anyway.
    public var text: String
    /// Tokens used by this call.
    public var usage: TokenUsage
    /// The server that answered, when a pool of servers runs the model (nil in-process).
    public var servedBy: String?

    /// Creates a reply.
    public init(text: String, usage: TokenUsage) {
        self.text = text
        self.usage = usage
    }
}

/// A request to pick one of `labels` for a text.
public struct LocalChoiceRequest: Sendable {
    /// The system prompt (instructions, shared across calls).
    public var system: String
    /// The text to label.
    public var user: String
    /// The allowed answers.
    public var labels: [String]

    /// Creates a request.
    public init(system: String, user: String, labels: [String]) {
        self.system = system
        self.user = user
        self.labels = labels
    }
}

/// The local model's choice.
public struct LocalChoiceReply: Sendable {
    /// The chosen label (validate it: it should be one of the request's labels).
    public var label: String
    /// The model's probability for the label, 0...1.
    public var probability: Double
    /// Tokens used by this call.
    public var usage: TokenUsage
    /// The server that answered, when a pool of servers runs the model (nil in-process).
    public var servedBy: String?
    /// The model's probability for every label at the first decision step, when known (in-process;
    /// exact for labels of one token each, such as option letters). A caller weighing the choice
    /// against another method compares the labels it cares about; nil from a server.
    public var distribution: [String: Double]?

    /// Creates a reply.
    public init(label: String, probability: Double, usage: TokenUsage) {
        self.label = label
        self.probability = probability
        self.usage = usage
    }
}

/// The local model as the orchestrator sees it. The runtime implements it over its batching
/// engine, so concurrent calls decode together in one batch: callers should issue independent
/// calls concurrently (TaskGroup) rather than one after another.
public protocol LocalModelClient: Sendable {
    /// The model's name for traces (e.g. the GGUF file name).
    var modelName: String { get }
    /// Generates one JSON document constrained by the request's schema.
    func generateJSON(_ request: LocalJSONRequest) async throws -> LocalJSONReply
    /// Picks one label.
    func choose(_ request: LocalChoiceRequest) async throws -> LocalChoiceReply
}
