import Foundation
import TandemCore
import TandemOrchestrator

/// `extract_receipt_fields`: company, date, address and total from receipt OCR text.
///
/// The model's answer is kept field by field where it is usable; an empty or unreadable field
/// (a date with no date in it, a total with no number) is filled by the rule-based extractor,
/// and invalid JSON falls back to the extractor entirely. With a `ReceiptFieldMemory` taught
/// from the user's labelled receipts, a company or address it recognises then replaces the answer.
public struct ReceiptFieldsTool: LocalTool {
    /// Taught company names and addresses; nil: none.
    public let memory: ReceiptFieldMemory?

    /// Creates the tool, correcting with `memory` when given.
    public init(memory: ReceiptFieldMemory? = nil) { self.memory = memory }

    /// The fields, in answer order.
    public static let fieldNames = ["company", "date", "address", "total"]
    /// The JSON schema every answer is generated under.
    public static let resultSchema: JSONValue = [
        "type": "object", "required": ["company", "date", "address", "total"], "additionalProperties": false,
        "properties": ["company": ["type": "string"], "date": ["type": "string"],
                       "address": ["type": "string"], "total": ["type": "string"]],
    ]

    /// Name, description and schemas.
    public let descriptor = ToolDescriptor(
        kind: .localModel, name: "extract_receipt_fields",
        description: "Reads receipt OCR text and returns the issuing company, the purchase date, the company's address and the grand total, each as printed (empty string when absent).",
        argsSchema: ["type": "object", "required": ["text"], "additionalProperties": false,
                     "properties": ["text": ["type": "string", "description": "the receipt's OCR text, one line per text box"]]],
        resultSchema: resultSchema)

    /// The instruction (system prompt) the model gets.
    public static let system = """
        You read the OCR text of a shop receipt and copy four fields exactly as they are printed.
        company: the name of the business that issued the receipt, usually on the first lines; not a person's name and not a heading such as TAX INVOICE.
        date: the purchase date as printed, without the time.
        address: the business's full address, its lines joined with single spaces, stopping before phone, fax, email or tax registration numbers.
        total: the final amount the customer paid, after tax and rounding (not the subtotal, not the cash tendered, not the change).
        Use an empty string for a field that is not on the receipt. Answer with one JSON object only.
        """

    /// Runs on the model, repairing or replacing its answer with the extractor's where needed.
    public func run(_ args: JSONValue, model: (any LocalModelClient)?) async throws -> StepOutput {
        let text = args["text"]?.stringValue ?? ""
        let request = LocalJSONRequest(system: Self.system, user: "Receipt OCR text:\n" + text, schema: Self.resultSchema, maxTokens: 200)
        let call = try await ModelJSONCall.run(model, request)
        let ruled = Self.ruled(text)
        switch call.result {
        case .failure(let reason):
            let value = JSONValue.object(Self.fieldNames.map { ($0, .string(ruled[$0] ?? "")) })
            return .local(value: remembered(value, text), model: model, call: call, fallback: reason, promptText: request.system + request.user)
        case .success(let answer):
            let (value, repaired) = Self.repair(answer, rules: ruled)
            let reason = repaired.isEmpty ? nil : FallbackReason.invalidOutput("unusable \(repaired.joined(separator: ", ")); filled by rules")
            return .local(value: remembered(value, text), model: model, call: call, fallback: reason, promptText: request.system + request.user)
        }
    }

    private func remembered(_ value: JSONValue, _ text: String) -> JSONValue {
        memory?.correcting(value, text: text).value ?? value
    }

    /// The model's answer with every unusable field (empty, a date or total that does not
    /// parse) replaced by the rules' value; also names the replaced fields.
    public static func repair(_ answer: JSONValue, text: String) -> (value: JSONValue, repaired: [String]) {
        repair(answer, rules: ruled(text))
    }

    /// The rules' value of every field.
    static func ruled(_ text: String) -> [String: String] {
        let rules = ReceiptFieldExtractor.extract(text)
        return ["company": rules.company, "date": rules.date, "address": rules.address, "total": rules.total]
    }

    private static func repair(_ answer: JSONValue, rules ruled: [String: String]) -> (value: JSONValue, repaired: [String]) {
        var repaired: [String] = []
        let value = JSONValue.object(fieldNames.map { name in
            let given = (answer[name]?.stringValue ?? "").trimmingCharacters(in: .whitespaces)
            if isUsable(given, field: name) { return (name, .string(given)) }
            repaired.append(name)
            return (name, .string(ruled[name] ?? ""))
        })
        return (value, repaired)
    }

    private static func isUsable(_ value: String, field: String) -> Bool {
        switch field {
        case "date": DateNormalizer.firstDate(in: value) != nil
        case "total": AmountParser.parse(value) != nil
        default: !value.isEmpty
        }
    }
}
