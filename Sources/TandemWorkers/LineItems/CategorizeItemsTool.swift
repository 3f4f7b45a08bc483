import TandemCore
import TandemOrchestrator

/// `categorize_items`: one label per item (e.g. each receipt line item). A taught classifier for
/// the label set (tandem.yaml `classifiers:`) answers first, all items in one embedding pass; the
/// items it is unsure of go to the model concurrently so they decode in one batch; keyword rules
/// answer for any item the model cannot. Each item says which `method` decided.
public struct CategorizeItemsTool: LocalTool {
    private let book: KeywordRuleBook
    private let taught: TaughtClassifiers

    /// Creates the tool over the config's keyword rule sets and taught classifiers.
    public init(rules: KeywordRuleBook, taught: TaughtClassifiers = .none) { book = rules; self.taught = taught }

    /// Name, description and schemas.
    public let descriptor = ToolDescriptor(
        kind: .localModel, name: "categorize_items",
        description: "Assigns each item one category. Labels come from `labels`, or from a label set in config (`label_set`, e.g. \"line_items\"), whose keyword rules are the fallback.",
        argsSchema: ["type": "object", "required": ["items"], "additionalProperties": false,
                     "properties": ["items": ["type": "array", "items": ["type": ["string", "object"]],
                                              "description": "strings, or objects with a description (or name) field"],
                                    "labels": ["type": "array", "items": ["type": "string"], "minItems": 1],
                                    "label_set": ["type": "string"]]],
        resultSchema: ["type": "object", "required": ["items"],
                       "properties": ["items": ["type": "array", "items": [
                           "type": "object", "required": ["description", "category", "confidence"],
                           "properties": ["description": ["type": "string"], "category": ["type": "string"],
                                          "confidence": ["type": "number"],
                                          "method": ["type": "string", "description": "model, keyword, or the taught classifier's method"]]]]]])

    static let system = "You sort shopping items into categories. Pick the one category that fits the item best."

    /// Labels every item.
    public func run(_ args: JSONValue, model: (any LocalModelClient)?) async throws -> StepOutput {
        let spec = try LabelSpec.resolve(labels: args["labels"]?.arrayValue?.compactMap(\.stringValue),
                                         labelSet: args["label_set"]?.stringValue, book: book, tool: descriptor.name)
        let keywords = KeywordClassifier(labels: spec.labels, rules: spec.rules)
        let descriptions = (args["items"]?.arrayValue ?? []).map(Self.description)
        let labels = spec.labels
        let taughtClassifier = taught.classifier(labelSet: args["label_set"]?.stringValue, labels: labels)
        let taughtAnswers = try await TaughtPass.answers(taughtClassifier, descriptions, tool: descriptor.name)
        let pending = descriptions.indices.filter { taughtAnswers[$0] == nil }
        let calls = try await concurrentMap(pending.map { descriptions[$0] }, limit: 64) { text in
            (text, try await ModelChoiceCall.run(model, system: Self.system, text: text, labels: labels))
        }
        var output = StepOutput(value: .null, units: descriptions.count)
        var items = descriptions.indices.map { i -> JSONValue in
            guard let a = taughtAnswers[i] else { return .null }
            return ["description": .string(descriptions[i]), "category": .string(a.label), "confidence": .number(a.probability),
                    "method": .string(a.method)]
        }
        var firstReason: FallbackReason?
        for (slot, (text, call)) in zip(pending, calls) {
            output.usage += call.usage
            output.modelCalls += call.calls
            if call.usage.cachedPromptTokens > 0 { output.cacheHits += 1 }
            switch call.result {
            case .success(let choice):
                items[slot] = ["description": .string(text), "category": .string(choice.label), "confidence": .number(choice.probability),
                               "method": "model"]
            case .failure(let reason):
                let choice = keywords.classify(text)
                output.fallbackUnits += 1
                if firstReason == nil { firstReason = reason }
                if call.calls == 0 { output.estimatedUsage += TokenEstimate.usage(prompt: Self.system + text, output: .string(choice.label)) }
                items[slot] = ["description": .string(text), "category": .string(choice.label), "confidence": .number(choice.confidence),
                               "method": "keyword"]
            }
        }
        if output.modelCalls > 0 { output.model = model?.modelName }
        if let firstReason {
            output.fallback = output.fallbackUnits == descriptions.count ? firstReason.description
                : "\(firstReason.description) (\(output.fallbackUnits) of \(descriptions.count) items)"
        }
        output.value = ["items": .array(items)]
        return output
    }

    static func description(_ item: JSONValue) -> String {
        if let s = item.stringValue { return s }
        for key in ["description", "name", "item", "text"] { if let s = item[key]?.stringValue { return s } }
        return JSONWriter.compact(item)
    }
}
