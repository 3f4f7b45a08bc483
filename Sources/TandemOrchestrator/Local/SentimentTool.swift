import TandemCore

/// `sentiment`: positive or negative (or neutral, when asked for); a negation-aware lexicon
/// from `config/sentiment.keywords.json` is the fallback.
public struct SentimentTool: LocalTool {
    private let lexicon: SentimentLexicon

    /// Creates the tool; the `sentiment` label set supplies the lexicon (empty when absent).
    public init(rules: KeywordRuleBook) {
        lexicon = SentimentLexicon(rules: (try? rules.rules("sentiment")) ?? KeywordRules([]))
    }

    /// Name, description and schemas.
    public let descriptor = ToolDescriptor(
        kind: .localModel, name: "sentiment",
        description: "Says whether a text is positive or negative; add \"neutral\" to `labels` to allow it.",
        argsSchema: ["type": "object", "required": ["text"], "additionalProperties": false,
                     "properties": ["text": ["type": "string"],
                                    "labels": ["type": "array", "items": ["type": "string", "enum": ["positive", "negative", "neutral"]], "minItems": 2]]],
        resultSchema: ["type": "object", "required": ["label", "confidence"],
                       "properties": ["label": ["type": "string", "enum": ["positive", "negative", "neutral"]], "confidence": ["type": "number"]]])

    static let system = "You judge the sentiment a text expresses about its subject."

    /// Judges the text.
    public func run(_ args: JSONValue, model: (any LocalModelClient)?) async throws -> StepOutput {
        let text = args["text"]?.stringValue ?? ""
        let labels = args["labels"]?.arrayValue?.compactMap(\.stringValue) ?? ["positive", "negative"]
        let call = try await ModelChoiceCall.run(model, system: Self.system, text: text, labels: labels)
        let value: JSONValue
        let reason: FallbackReason?
        switch call.result {
        case .success(let choice):
            value = ["label": .string(choice.label), "confidence": .number(choice.probability)]
            reason = nil
        case .failure(let why):
            let score = lexicon.score(text)
            let label = score > 0 ? "positive" : score < 0 ? "negative" : (labels.contains("neutral") ? "neutral" : "positive")
            value = ["label": .string(label), "confidence": .number(min(1, 0.5 + abs(score) / 4))]
            reason = why
        }
        let asJSON = ModelJSONCall(result: reason.map { .failure($0) } ?? .success(value), usage: call.usage, calls: call.calls)
        return .local(value: value, model: model, call: asJSON, fallback: reason, promptText: Self.system + text)
    }
}
