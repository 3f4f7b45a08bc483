import TandemCore
import TandemOrchestrator

/// `sentiment`: positive or negative (or neutral, when asked for). A taught classifier for the
/// `sentiment` label set answers first when it is sure; then the model; a negation-aware lexicon
/// from `config/sentiment.keywords.json` is the fallback. The result says which `method` decided.
public struct SentimentTool: LocalTool {
    private let lexicon: SentimentLexicon
    private let taught: TaughtClassifiers

    /// Creates the tool; the `sentiment` label set supplies the lexicon (empty when absent) and
    /// the taught classifier, if one is configured.
    public init(rules: KeywordRuleBook, taught: TaughtClassifiers = .none) {
        lexicon = SentimentLexicon(rules: (try? rules.rules("sentiment")) ?? KeywordRules([]))
        self.taught = taught
    }

    /// Name, description and schemas.
    public let descriptor = ToolDescriptor(
        kind: .localModel, name: "sentiment",
        description: "Says whether a text is positive or negative; add \"neutral\" to `labels` to allow it.",
        argsSchema: ["type": "object", "required": ["text"], "additionalProperties": false,
                     "properties": ["text": ["type": "string"],
                                    "labels": ["type": "array", "items": ["type": "string", "enum": ["positive", "negative", "neutral"]], "minItems": 2]]],
        resultSchema: ["type": "object", "required": ["label", "confidence"],
                       "properties": ["label": ["type": "string", "enum": ["positive", "negative", "neutral"]], "confidence": ["type": "number"],
                                      "method": ["type": "string", "description": "model, keyword, or the taught classifier's method"]]])

    static let system = "You judge the sentiment a text expresses about its subject."

    /// Judges the text.
    public func run(_ args: JSONValue, model: (any LocalModelClient)?) async throws -> StepOutput {
        let text = args["text"]?.stringValue ?? ""
        let labels = args["labels"]?.arrayValue?.compactMap(\.stringValue) ?? ["positive", "negative"]
        let classifier = taught.classifier(labelSet: "sentiment", labels: labels)
        if let answer = try await TaughtPass.answers(classifier, [text], tool: descriptor.name).first ?? nil {
            return StepOutput(value: ["label": .string(answer.label), "confidence": .number(answer.probability), "method": .string(answer.method)])
        }
        let call = try await ModelChoiceCall.run(model, system: Self.system, text: text, labels: labels)
        let value: JSONValue
        let reason: FallbackReason?
        switch call.result {
        case .success(let choice):
            value = ["label": .string(choice.label), "confidence": .number(choice.probability), "method": "model"]
            reason = nil
        case .failure(let why):
            let score = lexicon.score(text)
            let label = score > 0 ? "positive" : score < 0 ? "negative" : (labels.contains("neutral") ? "neutral" : "positive")
            value = ["label": .string(label), "confidence": .number(min(1, 0.5 + abs(score) / 4)), "method": "keyword"]
            reason = why
        }
        let asJSON = ModelJSONCall(result: reason.map { .failure($0) } ?? .success(value), usage: call.usage, calls: call.calls)
        return .local(value: value, model: model, call: asJSON, fallback: reason, promptText: Self.system + text)
    }
}
