import TandemCore
import TandemOrchestrator

/// `parse_line_items`: the purchased items of a receipt, each with description, quantity, unit
/// price and amount, read by the rules (`LineItemParser`). Their list is sure when its amounts
/// add up to the receipt's total, and stands marked unsure when not (`check_total` reports the
/// gap). By default the model is not asked: listing items means generating the whole list token
/// by token (about 10 s per receipt for Qwen 0.5B on 2 CPU cores), and on the dev receipts the
/// lists it generated where the rules found none added up to the total on none of 13
/// (`benchmarks/results/pipeline-qwen05-cpu-2026-12-07b.md`). Step argument `generate` asks it:
/// `"empty"` where the rules found no item, `"unsure"` also where their items miss the total (its
/// list is then kept unless the rules' adds up more closely). The prompt starts with the same
/// receipt prompt as `extract_receipt_fields`, so the receipt's prefill is shared.
public struct LineItemsTool: LocalTool {
    /// Creates the tool.
    public init() {}

    static let itemSchema: JSONValue = [
        "type": "object", "required": ["description", "quantity", "unit_price", "amount"], "additionalProperties": false,
        "properties": ["description": ["type": "string"], "quantity": ["type": ["number", "null"]],
                       "unit_price": ["type": ["number", "null"]], "amount": ["type": ["number", "null"]]],
    ]
    static let resultSchema: JSONValue = ["type": "object", "required": ["items"], "additionalProperties": false,
                                          "properties": ["items": ["type": "array", "items": itemSchema]]]

    /// Name, description and schemas.
    public let descriptor = ToolDescriptor(
        kind: .localModel, name: "parse_line_items",
        description: "Lists the purchased items on a receipt: description, quantity, unit price and amount (null when not printed).",
        argsSchema: ["type": "object", "required": ["text"], "additionalProperties": false,
                     "properties": ["text": ["type": "string", "description": "the receipt's OCR text"],
                                    "generate": ["type": "string", "enum": ["never", "empty", "unsure"],
                                                 "description": "when the model lists the items: never (the default), where the rules found none (empty), or also where the rules' items miss the total (unsure); each listing is a whole generation"]]],
        resultSchema: resultSchema)

    /// Most items and tokens a call may generate.
    static let maxItems = 40, maxTokens = 768
    /// Characters of a description: longer ones are a small model looping inside the string.
    static let maxDescription = 60
    private static let amount = TextPattern(#"\d[.,]\d{2}\b"#)

    /// The schema one receipt's call is generated under: `resultSchema` bounded by the receipt,
    /// at most one item per line that prints an amount and short descriptions, so a model that
    /// would list items forever is stopped by the grammar within a token budget sized to match.
    public static func requestSchema(for text: String) -> (schema: JSONValue, maxTokens: Int) {
        let amountLines = text.split(whereSeparator: \.isNewline).filter { amount.matches(String($0)) }.count
        let bound = min(max(amountLines, 1), maxItems)
        let item = itemSchema.setting("properties", to: itemSchema["properties"]!.setting("description", to: ["type": "string", "maxLength": .number(Double(maxDescription))]))
        let items: JSONValue = ["type": "array", "items": item, "maxItems": .number(Double(bound))]
        // About 45 tokens per item at the bound, plus the wrapper.
        return (resultSchema.setting("properties", to: ["items": items]), min(maxTokens, 24 + 48 * bound))
    }

    /// Lists the items: the rules' list when its amounts add up to the receipt's total (the
    /// rules can justify it), else the model's list when it adds up better, else the rules'.
    public func run(_ args: JSONValue, model: (any LocalModelClient)?) async throws -> StepOutput {
        let text = args["text"]?.stringValue ?? ""
        let ruled = LineItemParser.parse(text)
        let total = ReceiptEvidenceReader.read(text).fields["total"]
        let ruledGap = Self.gap(ruled.compactMap(\.amount), total: total)
        let ruledValue: JSONValue = ["items": .array(ruled.map(Self.json))]
        if let ruledGap, ruledGap < 0.05, !ruled.isEmpty {
            return Self.output(ruledValue, decision: .rules, model: nil, call: nil, fallback: nil, prompt: "")
        }
        let generate = args["generate"]?.stringValue ?? "never"
        if generate == "never" || (!ruled.isEmpty && generate != "unsure") {
            return Self.output(ruledValue, decision: .rulesKept, model: nil, call: nil, fallback: nil, prompt: "")
        }
        let document = ReceiptPrompt.document(text)
        let bounded = Self.requestSchema(for: text)
        let request = LocalJSONRequest(system: ReceiptPrompt.system, user: ReceiptPrompt.user(document: document.text, question: Self.question),
                                       schema: bounded.schema, maxTokens: bounded.maxTokens)
        guard model != nil else {
            return Self.output(ruledValue, decision: .rulesModelOff, model: nil, call: nil, fallback: .modelOff, prompt: request.system + request.user)
        }
        let call = try await ModelJSONCall.run(model, request) { value in
            // A model that invents items is worse than the rules: every description must be on the receipt.
            let upper = text.uppercased()
            let invented = value["items"]?.arrayValue?.compactMap { $0["description"]?.stringValue }
                .first { !$0.isEmpty && !upper.contains($0.uppercased().prefix(12)) }
            return invented.map { "item '\($0.prefix(40))' is not on the receipt" }
        }
        var output: StepOutput
        switch call.result {
        case .success(let value):
            // Keep the model's list unless the rules' adds up to the total more closely.
            let modelGap = Self.gap(value["items"]?.arrayValue?.compactMap { $0["amount"]?.doubleValue } ?? [], total: total)
            if let ruledGap, !ruled.isEmpty, ruledGap < (modelGap ?? .infinity) {
                output = Self.output(ruledValue, decision: .rules, model: model, call: call, fallback: nil, prompt: request.system + request.user)
            } else {
                output = Self.output(value, decision: .modelGeneration, model: model, call: call, fallback: nil, prompt: request.system + request.user)
            }
        case .failure(let reason):
            output = Self.output(ruledValue, decision: .rulesAfterModel, model: model, call: call, fallback: reason, prompt: request.system + request.user)
        }
        output.note = document.note
        return output
    }

    /// The question the model gets after the receipt (public for the extract benchmark).
    public static let question = """
        List the items bought on this receipt as JSON: for each item its description as printed, the quantity, the unit price \
        and the line amount as numbers (null when not printed). Do not list totals, subtotals, taxes, rounding, payments or change.
        """

    /// How far `amounts` add up from the receipt's total; nil when either is unknown.
    static func gap(_ amounts: [Double], total: FieldEvidence?) -> Double? {
        guard !amounts.isEmpty, let total = total.flatMap({ AmountParser.value($0.value) }) else { return nil }
        return abs(amounts.reduce(0, +) - total)
    }

    static func json(_ item: LineItem) -> JSONValue {
        ["description": .string(item.description), "quantity": item.quantity.map { .number($0) } ?? .null,
         "unit_price": item.unitPrice.map { .number($0) } ?? .null, "amount": item.amount.map { .number($0) } ?? .null]
    }

    static func output(_ value: JSONValue, decision: FieldDecision, model: (any LocalModelClient)?, call: ModelJSONCall?,
                       fallback: FallbackReason?, prompt: String) -> StepOutput {
        var output = StepOutput.local(value: value, model: model, call: call, fallback: fallback, promptText: prompt)
        if [.rules, .rulesKept].contains(decision) && call == nil { output.estimatedUsage = .zero }  // no model work was due
        output.decisions = ["items": decision.rawValue]
        return output
    }
}
