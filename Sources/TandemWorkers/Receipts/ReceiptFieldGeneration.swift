import Foundation
import TandemCore
import TandemOrchestrator

/// A receipt field the model writes itself, when the receipt offers no span to choose from. The
/// value must be grounded in the receipt (a total printed on it, a date that parses, a name or
/// address whose words are on it), or the rules' empty answer stands.
public enum ReceiptFieldGeneration {
    static func run(_ model: any LocalModelClient, field: String, document: String, receipt: String) async throws -> ModelJSONCall {
        let schema: JSONValue = ["type": "object", "required": [.string(field)], "additionalProperties": false,
                                 "properties": [field: ["type": "string", "maxLength": 160]]]
        let request = LocalJSONRequest(system: ReceiptPrompt.system, user: ReceiptPrompt.user(
            document: document, question: ReceiptPrompt.generationQuestion(field)), schema: schema, maxTokens: 80)
        let call = try await ModelJSONCall.run(model, request) { value in
            let text = value[field]?.stringValue?.trimmingCharacters(in: .whitespaces) ?? ""
            return isGrounded(text, field: field, in: receipt) ? nil : "\(field) '\(text.prefix(40))' is not on the receipt"
        }
        switch call.result {
        case .success(let value):
            let text = value[field]?.stringValue?.trimmingCharacters(in: .whitespaces) ?? ""
            return ModelJSONCall(result: .success(.string(text)), usage: call.usage, calls: call.calls)
        case .failure: return call
        }
    }

    /// True when `value` can be read off the receipt.
    public static func isGrounded(_ value: String, field: String, in receipt: String) -> Bool {
        guard !value.isEmpty else { return false }
        switch field {
        case "total":
            guard let amount = AmountParser.value(value) else { return false }
            return receipt.contains(String(format: "%.2f", abs(amount)))
        case "date":
            return DateNormalizer.firstDate(in: value) != nil && receipt.contains(DateNormalizer.firstDate(in: value)?.text ?? "\u{0}")
        default:
            let words = value.uppercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber })
            let upper = receipt.uppercased()
            let found = words.filter { upper.contains($0) }.count
            return !words.isEmpty && Double(found) >= 0.8 * Double(words.count)
        }
    }
}
