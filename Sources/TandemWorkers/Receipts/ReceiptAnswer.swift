import TandemCore
import TandemOrchestrator

/// The answer of `extract_receipt_fields` as it is put together: the rules' values, replaced
/// field by field by the memory or the model, with who decided each and the tokens spent.
struct ReceiptAnswer {
    private(set) var values: [String: String]
    /// Fields decided by something other than sure rules.
    private(set) var decisions: [String: FieldDecision] = [:]
    private var usage = TokenUsage.zero
    private var calls = 0
    /// Why the model saw only part of the receipt, when it did.
    var note: String?

    private let receiptTokens: Int

    init(evidence: ReceiptEvidence, text: String) {
        values = evidence.fields.mapValues(\.value)
        receiptTokens = TokenEstimate.tokens(ReceiptPrompt.system + ReceiptPrompt.document(text).text)
    }

    mutating func decide(_ field: String, _ value: String, by decision: FieldDecision) {
        values[field] = value
        decisions[field] = decision
    }

    mutating func account(_ used: TokenUsage, calls made: Int) {
        usage += used
        calls += made
    }

    /// The step's output: the four fields, who decided each (`decisions`), and as fallback
    /// units the fields the model was to decide but the rules had to (`asked` were unsure).
    func output(model: (any LocalModelClient)?, asked: [String], fallback: FallbackReason?) -> StepOutput {
        let value = JSONValue.object(ReceiptFieldsTool.fieldNames.map { ($0, .string(values[$0] ?? "")) })
        var output = StepOutput(value: value, model: calls > 0 ? model?.modelName : nil, usage: usage,
                                modelCalls: calls, cacheHits: usage.cachedPromptTokens > 0 ? 1 : 0,
                                units: ReceiptFieldsTool.fieldNames.count,
                                fallbackUnits: asked.filter { [nil, .rulesAfterModel, .rulesModelOff].contains(decisions[$0]) }.count,
                                fallback: fallback?.description)
        output.decisions = Dictionary(uniqueKeysWithValues: ReceiptFieldsTool.fieldNames.map { ($0, (decisions[$0] ?? .rules).rawValue) })
        output.note = note
        if calls == 0 && !asked.isEmpty {
            // What the model calls would have cost: the receipt once, a short question per field.
            output.estimatedUsage = TokenUsage(promptTokens: receiptTokens + 40 * asked.count, generatedTokens: 8 * asked.count)
        }
        return output
    }
}
