import TandemOrchestrator

/// The prompts of the receipt tools: the receipt first and the question last, with one system
/// prompt for every tool. A choice among a field's candidate spans shows only the lines around
/// the options (`ReceiptExcerpt`), the same excerpt for every choice about one receipt; a
/// generation (a field with no candidate, the line items when asked for) shows the whole
/// receipt. So the calls about one receipt start with the same tokens, and the runtime prefills
/// them once per record.
public enum ReceiptPrompt {
    /// The system prompt every receipt call shares.
    public static let system = """
        You read the OCR text of one shop receipt (one text box per line, as scanned) and answer a question about it. \
        When lettered options are given, answer with the letter of the right one.
        """

    /// Lines of the receipt the model sees at most; longer receipts keep their first and last lines.
    public static let maxLines = 120
    /// Characters of one line the model sees at most.
    public static let maxLineCharacters = 160

    /// The receipt as the model sees it (bounded), and a note when it had to be cut.
    public static func document(_ text: String) -> (text: String, note: String?) {
        var lines = text.split(whereSeparator: \.isNewline).map { String($0.prefix(maxLineCharacters)) }
        let count = lines.count
        var note: String?
        if count > maxLines {
            let head = maxLines * 2 / 3
            lines = Array(lines.prefix(head)) + ["[... \(count - maxLines) lines left out ...]"] + Array(lines.suffix(maxLines - head))
            note = "the receipt has \(count) lines; the model saw the first \(head) and the last \(maxLines - head)"
        }
        return ("Receipt OCR text:\n" + lines.joined(separator: "\n") + "\n\n", note)
    }

    /// Most options one question offers.
    public static let maxOptions = 12

    /// The option letters, A, B, C... (one token each in common vocabularies: a choice is one
    /// decode step, and the model weighs whole options against each other instead of spelling
    /// one out token by token, which decides an amount by its first digit).
    public static func letters(_ count: Int) -> [String] {
        (0..<min(count, maxOptions)).map { String(UnicodeScalar(UInt8(65 + $0))) }
    }

    /// The options in the order they are printed on the receipt (a span's first appearance,
    /// whitespace ignored; the shorter of two spans starting at the same place first; a span not
    /// found verbatim, e.g. an amount printed with a thousands separator, last). The rules list
    /// their own value first, and a small model leans toward the first option: in that order its
    /// choice agreed with the rules wherever it was taken, so it told nothing the rules did not.
    public static func inReceiptOrder(_ options: [String], text: String) -> [String] {
        let flat = text.split(whereSeparator: \.isWhitespace).joined(separator: " ").uppercased()
        func start(_ option: String) -> Int {
            let wanted = option.split(whereSeparator: \.isWhitespace).joined(separator: " ").uppercased()
            guard !wanted.isEmpty, let r = flat.range(of: wanted) else { return Int.max }
            return flat.distance(from: flat.startIndex, to: r.lowerBound)
        }
        return options.enumerated().map { (index: $0.offset, option: $0.element, start: start($0.element)) }
            .sorted { ($0.start, $0.option.count, $0.index) < ($1.start, $1.option.count, $1.index) }
            .map(\.option)
    }

    /// The user message: the receipt, then the question and its lettered options.
    public static func user(document: String, question: String, options: [String] = []) -> String {
        guard !options.isEmpty else { return document + "Question: " + question }
        let listed = zip(letters(options.count), options).map { "\($0)) \($1)" }.joined(separator: "\n")
        return document + "Question: " + question + "\nOptions:\n" + listed + "\nAnswer with the option's letter."
    }

    /// The question for each receipt field, asked where the rules are unsure.
    public static let questions: [String: String] = [
        "company": "Which option is the name of the business that issued this receipt (not a slogan, a heading such as TAX INVOICE, or a person's name)?",
        "date": "Which option is the date of the purchase?",
        "address": "Which option is the business's address as printed, from its first line to its last, stopping before phone, fax, e-mail or tax numbers?",
        "total": "Which option is the final amount the customer paid, after tax and rounding (not the subtotal, the cash tendered or the change)?",
    ]

    /// The instruction when a field has no candidate span and must be generated.
    public static func generationQuestion(_ field: String) -> String {
        switch field {
        case "company": "What is the name of the business that issued this receipt? Answer with JSON {\"company\": ...}, copying it as printed."
        case "address": "What is the business's address? Answer with JSON {\"address\": ...}, its lines joined with spaces, copied as printed."
        case "date": "What is the purchase date? Answer with JSON {\"date\": ...}, as printed."
        default: "What is the final amount paid? Answer with JSON {\"total\": ...}, as printed."
        }
    }
}
