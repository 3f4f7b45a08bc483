import Foundation
import TandemCore
import TandemOrchestrator

/// `extract_receipt_fields`: company, date, address and total from receipt OCR text.
///
/// Rules first, the model where the rules are unsure: `ReceiptEvidenceReader` reads every field
/// and says whether it can justify its value (a labelled TOTAL line, an address that ends at its
/// postcode...). Sure fields are kept. A `ReceiptFieldMemory` taught from the user's labelled
/// receipts then rewrites a company or address it recognises. Each remaining unsure field goes
/// to the model as a choice among candidate spans of the receipt (one constrained decode over
/// them, listed in the order the receipt prints them and shown with the lines around them),
/// or, when the receipt offers no candidate, as a short generation checked against the text.
/// A choice that differs from the rules' value replaces it only when the model's probabilities
/// outweigh the rules' accuracy on unsure fields of that kind, measured on the memory's labelled
/// receipts, else taken as two in three (`ReceiptRulesCalibration.modelWins`). A field whose
/// choices fixed no more of those receipts than they broke is not asked (`ReceiptChoiceGate`).
public struct ReceiptFieldsTool: LocalTool {
    /// Taught company names and addresses; nil: none.
    public let memory: ReceiptFieldMemory?
    /// What the model's choices are weighed against: `calibration` when given, else the
    /// memory's, else `ReceiptRulesCalibration.uncalibrated`.
    public let calibration: ReceiptRulesCalibration
    /// Which fields' choices are worth asking: `gate` when given, else the memory's
    /// (`ReceiptFieldMemory.choiceGate`); nil: every unsure field is asked.
    public let gate: ReceiptChoiceGate?

    /// Creates the tool, correcting with `memory` when given.
    public init(memory: ReceiptFieldMemory? = nil, calibration: ReceiptRulesCalibration? = nil, gate: ReceiptChoiceGate? = nil) {
        self.memory = memory
        self.calibration = calibration ?? memory?.calibration ?? .uncalibrated
        self.gate = gate ?? memory?.choiceGate
    }

    /// The fields, in answer order.
    public static let fieldNames = ["company", "date", "address", "total"]
    /// The JSON schema of the tool's result (and of whole-answer generation, see `system`).
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

    /// An instruction for generating all four fields at once (the benchmark's few-shot baseline;
    /// the tool itself asks field by field, see `ReceiptPrompt`).
    public static let system = """
        You read the OCR text of a shop receipt and copy four fields exactly as they are printed.
        company: the name of the business that issued the receipt, usually on the first lines; not a person's name and not a heading such as TAX INVOICE.
        date: the purchase date as printed, without the time.
        address: the business's full address, its lines joined with single spaces, stopping before phone, fax, email or tax registration numbers.
        total: the final amount the customer paid, after tax and rounding (not the subtotal, not the cash tendered, not the change).
        Use an empty string for a field that is not on the receipt. Answer with one JSON object only.
        """

    /// Reads the receipt with the rules, then asks the model about the fields they are unsure of.
    public func run(_ args: JSONValue, model: (any LocalModelClient)?) async throws -> StepOutput {
        let text = args["text"]?.stringValue ?? ""
        let evidence = ReceiptEvidenceReader.read(text)
        var answer = ReceiptAnswer(evidence: evidence, text: text)
        if let memory {
            for field in ReceiptFieldMemory.fieldNames {
                if let recall = memory.recall(field, in: text) { answer.decide(field, recall.text, by: .memory) }
            }
        }
        let unsure = Self.fieldNames.filter { answer.decisions[$0] == nil && evidence.fields[$0]?.isSure == false }
        guard let model, !unsure.isEmpty else {
            for field in unsure { answer.decide(field, evidence.fields[field]?.value ?? "", by: .rulesModelOff) }
            return answer.output(model: nil, asked: unsure, fallback: model == nil && !unsure.isEmpty ? .modelOff : nil)
        }
        // Fields whose choices never earned their call on the user's labelled receipts keep the
        // rules' value without asking.
        let gated = unsure.filter { gate?.isOpen($0) == false && ReceiptChoices.offersChoice(evidence.fields[$0]) }
        for field in gated { answer.decide(field, evidence.fields[field]?.value ?? "", by: .rulesGated) }
        let document = ReceiptPrompt.document(text)
        answer.note = document.note
        var firstFailure: FallbackReason?
        let round = ReceiptChoices(fields: unsure.filter { !gated.contains($0) }, evidence: evidence, text: text)
        let calls = try await round.ask(model)
        for (choice, call) in zip(round.choices, calls) {
            answer.account(call.usage, calls: call.calls)
            let found = choice.found
            guard let picked = call.picked(choice) else {
                if case .failure(let reason) = call.result { firstFailure = firstFailure ?? reason }
                answer.decide(choice.field, found.value, by: .rulesAfterModel)
                continue
            }
            let wins = calibration.modelWins(field: choice.field, chosen: picked.index, rules: choice.rulesIndex, count: choice.options.count,
                                             probability: picked.probability, distribution: picked.distribution)
            answer.decide(choice.field, wins ? choice.options[picked.index] : found.value, by: wins ? .modelChoice : .rulesKept)
        }
        // A field with no candidate at all is generated from the whole receipt, one after
        // another so each call finds the receipt's prefix in the cache. Otherwise the one
        // candidate is the rules' own value: nothing to choose.
        for field in unsure where answer.decisions[field] == nil {
            guard let found = evidence.fields[field], found.value.isEmpty, Self.hasText(text) else { continue }
            let generated = try await ReceiptFieldGeneration.run(model, field: field, document: document.text, receipt: text)
            answer.account(generated.usage, calls: generated.calls)
            switch generated.result {
            case .success(let value): answer.decide(field, value.stringValue ?? "", by: .modelGeneration)
            case .failure(let reason): firstFailure = firstFailure ?? reason; answer.decide(field, found.value, by: .rulesAfterModel)
            }
        }
        return answer.output(model: model, asked: unsure.filter { !gated.contains($0) }, fallback: firstFailure)
    }

    /// True when the receipt has something to read (an empty one is not worth a model call).
    static func hasText(_ text: String) -> Bool { text.contains { $0.isLetter || $0.isNumber } }

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
