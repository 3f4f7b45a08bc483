import TandemOrchestrator

/// What the rules found for one receipt field: their value, whether they can justify it, and
/// the spans of the receipt that could be the answer instead (for the model to choose from).
public struct FieldEvidence: Sendable, Equatable {
    /// The rules' value ("" when they found none).
    public var value: String
    /// True when the rules can justify the value (a labelled TOTAL line, a postcode-terminated
    /// address, a name with a legal suffix, the one date on the receipt): it is kept as it is.
    public var isSure: Bool
    /// Why the rules are sure or not, for traces.
    public var reason: String
    /// Spans of the receipt that could be the field, the rules' value among them; empty when the
    /// receipt has none (the model may then only generate).
    public var candidates: [String]

    /// Evidence for one field.
    public init(value: String, isSure: Bool, reason: String, candidates: [String]) {
        self.value = value
        self.isSure = isSure
        self.reason = reason
        var seen = Set<String>()
        self.candidates = candidates.filter { !$0.isEmpty && seen.insert($0).inserted }
    }
}

/// Which method decided a field's value; counted per field in the pipeline summary.
public enum FieldDecision: String, Sendable, CaseIterable {
    /// The rules, sure of their value (or with no model to ask).
    case rules
    /// The memory of labelled receipts (`ReceiptFieldMemory`).
    case memory
    /// The model, choosing among candidate spans of the receipt.
    case modelChoice = "model choice"
    /// The model, generating the value (no candidate span existed).
    case modelGeneration = "model generation"
    /// The rules, because the model was asked but failed or gave nothing usable.
    case rulesAfterModel = "rules (model failed)"
    /// The rules, unsure, with no model to ask (`--no-local-model`).
    case rulesModelOff = "rules (unsure, model off)"
    /// The rules, unsure, kept: the model was not asked because it was not expected to do
    /// better (line items the rules did find), or its choice was less likely right than the
    /// rules' value by the rules' measured accuracy.
    case rulesKept = "rules (unsure, kept)"
    /// The rules, unsure, kept without asking: on the user's labelled receipts the model's
    /// choices for this field fixed no more than they broke (`ReceiptChoiceGate`).
    case rulesGated = "rules (unsure, model gated off)"
}
