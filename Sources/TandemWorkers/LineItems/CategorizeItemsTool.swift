import TandemCore
import TandemOrchestrator

/// `categorize_items`: one label per item (e.g. each receipt line item). The keyword rules and a
/// taught classifier for the label set (tandem.yaml `classifiers:`, all items in one embedding
/// pass) are weighed by calibrated accuracy (`LabelCombiner`); the items neither is sure of go to
/// the model concurrently so they decode in one batch, with the better guess as the fallback.
/// Each item says which `method` decided.
public struct CategorizeItemsTool: LocalTool {
    private let book: KeywordRuleBook
    private let taught: TaughtClassifiers
    /// Keyword accuracy measured on each taught classifier's examples, by label set name
    /// (measured once here rather than on every call).
    private let calibrations: [String: KeywordCalibration]

    /// Creates the tool over the config's keyword rule sets and taught classifiers.
    public init(rules: KeywordRuleBook, taught: TaughtClassifiers = .none) {
        book = rules; self.taught = taught
        calibrations = taught.byLabelSet.reduce(into: [:]) { out, entry in
            let keywords = KeywordClassifier(labels: entry.value.labels, rules: try? rules.rules(entry.key))
            out[entry.key] = KeywordCalibration(keywords: keywords, examples: entry.value.examples)
        }
    }

    /// Name, description and schemas.
    public let descriptor = ToolDescriptor(
        kind: .localModel, name: "categorize_items",
        description: "Assigns each item one category. Labels come from `labels`, or from a label set in config (`label_set`, e.g. \"line_items\"), whose keyword rules and taught classifier answer where they are sure; the model decides the rest.",
        argsSchema: ["type": "object", "required": ["items"], "additionalProperties": false,
                     "properties": ["items": ["type": "array", "items": ["type": ["string", "object"]],
                                              "description": "strings, or objects with a description (or name) field"],
                                    "labels": ["type": "array", "items": ["type": "string"], "minItems": 1],
                                    "label_set": ["type": "string"]]],
        resultSchema: ["type": "object", "required": ["items"],
                       "properties": ["items": ["type": "array", "items": [
                           "type": "object", "required": ["description", "category", "confidence"],
                           "properties": ["description": ["type": "string"],
                                          "category": ["type": ["string", "null"],
                                                       "description": "null when no keyword matched, the labels have no catch-all (e.g. \"other\") and neither a taught classifier nor the model answered"],
                                          "confidence": ["type": "number"],
                                          "method": ["type": "string", "description": "model, keyword, the taught classifier's method, or none"]]]]]])

    static let system = "You sort shopping items into categories. Pick the one category that fits the item best."

    /// Labels every item.
    public func run(_ args: JSONValue, model: (any LocalModelClient)?) async throws -> StepOutput {
        let labelSet = args["label_set"]?.stringValue
        let spec = try LabelSpec.resolve(labels: args["labels"]?.arrayValue?.compactMap(\.stringValue),
                                         labelSet: labelSet, book: book, tool: descriptor.name)
        let descriptions = (args["items"]?.arrayValue ?? []).map(Self.description)
        let found = taught.named(labelSet: labelSet, labels: spec.labels)
        let combiner = combiner(spec: spec, labelSet: labelSet, found: found)
        let taughtAnswers = try await TaughtPass.allAnswers(found?.classifier, descriptions, tool: descriptor.name)
        let decisions = descriptions.indices.map { combiner.decide(descriptions[$0], taught: taughtAnswers[$0]) }
        let pending = decisions.indices.filter { if case .askModel = decisions[$0] { true } else { false } }
        let labels = spec.labels
        let calls = try await concurrentMap(pending.map { descriptions[$0] }, limit: 64) { text in
            (text, try await ModelChoiceCall.run(model, system: Self.system, text: text, labels: labels))
        }
        var output = StepOutput(value: .null, units: descriptions.count)
        func item(_ i: Int, _ label: String?, _ p: Double, _ method: String) -> JSONValue {
            // No label at all rather than the first one when nothing supported any (method "none").
            ["description": .string(descriptions[i]), "category": label.map(JSONValue.string) ?? .null,
             "confidence": .number(label == nil ? 0 : p), "method": .string(label == nil ? "none" : method)]
        }
        var items = decisions.indices.map { i -> JSONValue in
            guard case .decided(let label, let p, let method) = decisions[i] else { return .null }
            return item(i, label, p, method)
        }
        var firstReason: FallbackReason?
        for (slot, (text, call)) in zip(pending, calls) {
            output.usage += call.usage
            output.modelCalls += call.calls
            if call.usage.cachedPromptTokens > 0 { output.cacheHits += 1 }
            switch call.result {
            case .success(let choice):
                items[slot] = item(slot, choice.label, choice.probability, "model")
            case .failure(let reason):
                guard case .askModel(let label, let p, let method) = decisions[slot] else { continue }
                output.fallbackUnits += 1
                if firstReason == nil { firstReason = reason }
                if call.calls == 0 {
                    output.estimatedUsage += TokenEstimate.usage(prompt: Self.system + text, output: label.map(JSONValue.string) ?? .null)
                }
                items[slot] = item(slot, label, p, method)
            }
        }
        if output.modelCalls > 0 { output.model = model?.modelName }
        if let firstReason {
            output.fallback = output.fallbackUnits == descriptions.count ? firstReason.description
                : "\(firstReason.description) (\(output.fallbackUnits) of \(descriptions.count) items)"
        }
        output.value = ["items": .array(items)]
        for item in items { output.decisionCounts["category", default: [:]][item["method"]?.stringValue ?? "none", default: 0] += 1 }
        return output
    }

    /// The combiner for a request: keyword accuracy measured on the taught classifier's examples
    /// when one serves these labels (from the cache when the request is the label set's own).
    private func combiner(spec: LabelSpec, labelSet: String?, found: (name: String, classifier: any TaughtLabelling)?) -> LabelCombiner {
        let keywords = KeywordClassifier(labels: spec.labels, rules: spec.rules)
        guard let found else {
            return LabelCombiner(keywords: keywords, calibration: nil, threshold: 1)
        }
        let cached = labelSet == found.name && spec.labels == found.classifier.labels ? calibrations[found.name] : nil
        return LabelCombiner(keywords: keywords,
                             calibration: cached ?? KeywordCalibration(keywords: keywords, examples: found.classifier.examples),
                             threshold: found.classifier.threshold)
    }

    static func description(_ item: JSONValue) -> String {
        if let s = item.stringValue { return s }
        for key in ["description", "name", "item", "text"] { if let s = item[key]?.stringValue { return s } }
        return JSONWriter.compact(item)
    }
}
