import TandemCore
import TandemOrchestrator

/// `parse_line_items`: the purchased items of a receipt, each with description, quantity, unit
/// price and amount; the rule-based `LineItemParser` is the fallback.
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
                     "properties": ["text": ["type": "string", "description": "the receipt's OCR text"]]],
        resultSchema: resultSchema)

    static let system = """
        You list the items bought on a shop receipt, from its OCR text. For each item give its description as printed, \
        the quantity, the unit price and the line amount as numbers (null when not printed). \
        Do not list totals, subtotals, taxes, rounding, payments or change. Answer with one JSON object only.
        """

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

    /// Lists the items.
    public func run(_ args: JSONValue, model: (any LocalModelClient)?) async throws -> StepOutput {
        let text = args["text"]?.stringValue ?? ""
        let bounded = Self.requestSchema(for: text)
        let request = LocalJSONRequest(system: Self.system, user: "Receipt OCR text:\n" + text, schema: bounded.schema, maxTokens: bounded.maxTokens)
        let call = try await ModelJSONCall.run(model, request) { value in
            // A model that invents items is worse than the rules: every description must be on the receipt.
            let upper = text.uppercased()
            let invented = value["items"]?.arrayValue?.compactMap { $0["description"]?.stringValue }
                .first { !$0.isEmpty && !upper.contains($0.uppercased().prefix(12)) }
            return invented.map { "item '\($0.prefix(40))' is not on the receipt" }
        }
        switch call.result {
        case .success(let value):
            return .local(value: value, model: model, call: call, fallback: nil, promptText: request.system + request.user)
        case .failure(let reason):
            let items = LineItemParser.parse(text).map { item -> JSONValue in
                ["description": .string(item.description), "quantity": item.quantity.map { .number($0) } ?? .null,
                 "unit_price": item.unitPrice.map { .number($0) } ?? .null, "amount": item.amount.map { .number($0) } ?? .null]
            }
            return .local(value: ["items": .array(items)], model: model, call: call, fallback: reason, promptText: request.system + request.user)
        }
    }
}
