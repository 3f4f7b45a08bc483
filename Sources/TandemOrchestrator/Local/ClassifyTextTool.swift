import TandemCore

/// `classify_text`: one label for a text from labels given in the arguments; keyword rules (a
/// config label set, else the words of the label names) are the fallback.
public struct ClassifyTextTool: LocalTool {
    private let book: KeywordRuleBook

    /// Creates the tool over the config's keyword rule sets.
    public init(rules: KeywordRuleBook) { book = rules }

    /// Name, description and schemas.
    public let descriptor = ToolDescriptor(
        kind: .localModel, name: "classify_text",
        description: "Picks the one label in `labels` that fits `text`; `instructions` can say what the labels mean, `label_set` names keyword rules for the fallback.",
        argsSchema: ["type": "object", "required": ["text", "labels"], "additionalProperties": false,
                     "properties": ["text": ["type": "string"], "labels": ["type": "array", "items": ["type": "string"], "minItems": 1],
                                    "instructions": ["type": "string"], "label_set": ["type": "string"]]],
        resultSchema: ["type": "object", "required": ["label", "confidence"],
                       "properties": ["label": ["type": "string"], "confidence": ["type": "number"]]])

    static let system = "You classify a text. Pick the one label that fits it best."

    /// Classifies the text.
    public func run(_ args: JSONValue, model: (any LocalModelClient)?) async throws -> StepOutput {
        let spec = try LabelSpec.resolve(labels: args["labels"]?.arrayValue?.compactMap(\.stringValue),
                                         labelSet: args["label_set"]?.stringValue, book: book, tool: descriptor.name)
        let text = args["text"]?.stringValue ?? ""
        let system = args["instructions"]?.stringValue.map { Self.system + "\n" + $0 } ?? Self.system
        let call = try await ModelChoiceCall.run(model, system: system, text: text, labels: spec.labels)
        switch call.result {
        case .success(let choice):
            let value: JSONValue = ["label": .string(choice.label), "confidence": .number(choice.probability)]
            return .local(value: value, model: model, call: ModelJSONCall(result: .success(value), usage: call.usage, calls: call.calls),
                          fallback: nil, promptText: system + text)
        case .failure(let reason):
            let choice = KeywordClassifier(labels: spec.labels, rules: spec.rules).classify(text)
            let value: JSONValue = ["label": .string(choice.label), "confidence": .number(choice.confidence)]
            return .local(value: value, model: model, call: ModelJSONCall(result: .failure(reason), usage: call.usage, calls: call.calls),
                          fallback: reason, promptText: system + text)
        }
    }
}
