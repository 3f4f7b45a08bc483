import TandemCore
import TandemOrchestrator

/// `classify_text`: one label for a text from labels given in the arguments. A taught classifier
/// for the label set (or for exactly these labels) answers first when it is sure; then the model;
/// keyword rules (a config label set, else the words of the label names) are the fallback. The
/// result says which `method` decided.
public struct ClassifyTextTool: LocalTool {
    private let book: KeywordRuleBook
    private let taught: TaughtClassifiers

    /// Creates the tool over the config's keyword rule sets and taught classifiers.
    public init(rules: KeywordRuleBook, taught: TaughtClassifiers = .none) { book = rules; self.taught = taught }

    /// Name, description and schemas.
    public let descriptor = ToolDescriptor(
        kind: .localModel, name: "classify_text",
        description: "Picks the one label in `labels` that fits `text`; `instructions` can say what the labels mean, `label_set` names keyword rules for the fallback.",
        argsSchema: ["type": "object", "required": ["text", "labels"], "additionalProperties": false,
                     "properties": ["text": ["type": "string"], "labels": ["type": "array", "items": ["type": "string"], "minItems": 1],
                                    "instructions": ["type": "string"], "label_set": ["type": "string"]]],
        resultSchema: ["type": "object", "required": ["label", "confidence"],
                       "properties": ["label": ["type": "string"], "confidence": ["type": "number"],
                                      "method": ["type": "string", "description": "model, keyword, or the taught classifier's method"]]])

    static let system = "You classify a text. Pick the one label that fits it best."

    /// Classifies the text.
    public func run(_ args: JSONValue, model: (any LocalModelClient)?) async throws -> StepOutput {
        let spec = try LabelSpec.resolve(labels: args["labels"]?.arrayValue?.compactMap(\.stringValue),
                                         labelSet: args["label_set"]?.stringValue, book: book, tool: descriptor.name)
        let text = args["text"]?.stringValue ?? ""
        let classifier = taught.classifier(labelSet: args["label_set"]?.stringValue, labels: spec.labels)
        if let answer = try await TaughtPass.answers(classifier, [text], tool: descriptor.name).first ?? nil {
            return StepOutput(value: ["label": .string(answer.label), "confidence": .number(answer.probability), "method": .string(answer.method)])
        }
        let system = args["instructions"]?.stringValue.map { Self.system + "\n" + $0 } ?? Self.system
        let call = try await ModelChoiceCall.run(model, system: system, text: text, labels: spec.labels)
        switch call.result {
        case .success(let choice):
            let value: JSONValue = ["label": .string(choice.label), "confidence": .number(choice.probability), "method": "model"]
            return .local(value: value, model: model, call: ModelJSONCall(result: .success(value), usage: call.usage, calls: call.calls),
                          fallback: nil, promptText: system + text)
        case .failure(let reason):
            let choice = KeywordClassifier(labels: spec.labels, rules: spec.rules).classify(text)
            let value: JSONValue = ["label": .string(choice.label), "confidence": .number(choice.confidence), "method": "keyword"]
            return .local(value: value, model: model, call: ModelJSONCall(result: .failure(reason), usage: call.usage, calls: call.calls),
                          fallback: reason, promptText: system + text)
        }
    }
}
