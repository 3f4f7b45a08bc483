import TandemCore
import TandemOrchestrator

/// The unsure fields of one receipt put to the model as choices among the receipt's candidate
/// spans: what `ReceiptFieldsTool` asks while it runs and `ReceiptChoiceGate` asks of the
/// labelled receipts while it learns, so the gate measures exactly the calls it lets through.
struct ReceiptChoices: Sendable {
    /// One field's choice: the rules' reading of it and the options shown, in receipt order.
    struct Choice: Sendable {
        let field: String
        let found: FieldEvidence
        let options: [String]

        /// The letters the options are shown with.
        var letters: [String] { ReceiptPrompt.letters(options.count) }
        /// Where the rules' value is among the options (nil when it is not one of them).
        var rulesIndex: Int? { options.firstIndex(of: found.value) }
    }

    /// The choices asked, in field order.
    let choices: [Choice]
    /// The lines around all of the choices' options, shown by every one of them.
    let excerpt: String

    /// True when the rules' reading of a field leaves something to choose: two or more candidate spans.
    static func offersChoice(_ found: FieldEvidence?) -> Bool { (found?.candidates.count ?? 0) >= 2 }

    /// The choices for `fields` of `text` (read by the rules as `evidence`): every field that
    /// `offersChoice`.
    init(fields: [String], evidence: ReceiptEvidence, text: String) {
        choices = fields.compactMap { field in
            guard let found = evidence.fields[field], Self.offersChoice(found) else { return nil }
            return Choice(field: field, found: found,
                          options: ReceiptPrompt.inReceiptOrder(Array(found.candidates.prefix(ReceiptPrompt.maxOptions)), text: text))
        }
        excerpt = ReceiptExcerpt.text(text, options: choices.flatMap(\.options))
    }

    /// Asks every choice at once (none: no call). They share one excerpt, so the runtime prefills it once and
    /// copies its cells to the other sequences (asked one after another, a busy pipeline's next
    /// calls had usually taken the slot that held it).
    func ask(_ model: any LocalModelClient) async throws -> [ModelChoiceCall] {
        let excerpt = excerpt
        return try await concurrentMap(choices, limit: max(choices.count, 1)) { choice in
            try await ModelChoiceCall.run(model, system: ReceiptPrompt.system, text: ReceiptPrompt.user(
                document: excerpt, question: ReceiptPrompt.questions[choice.field] ?? choice.field, options: choice.options),
                labels: choice.letters)
        }
    }
}

extension ModelChoiceCall {
    /// The option chosen (an index into `choice.options`), its probability and, in-process, every
    /// option's probability; nil when the call failed.
    func picked(_ choice: ReceiptChoices.Choice) -> (index: Int, probability: Double, distribution: [Double]?)? {
        guard case .success(let reply) = result else { return nil }
        let letters = choice.letters
        return (letters.firstIndex(of: reply.label) ?? 0, reply.probability, distribution.map { d in letters.map { d[$0] ?? 0 } })
    }
}
