import Foundation
import TandemOrchestrator

/// The four key fields of a receipt, as strings (empty when not found).
public struct ReceiptFields: Sendable, Equatable {
    /// The issuing business.
    public var company: String
    /// The purchase date as printed.
    public var date: String
    /// The business's address, lines joined with spaces.
    public var address: String
    /// The grand total, as a plain number with two decimals.
    public var total: String

    /// Creates fields.
    public init(company: String, date: String, address: String, total: String) {
        self.company = company
        self.date = date
        self.address = address
        self.total = total
    }
}

/// Extracts company, date, address and total from receipt OCR text with rules alone: the
/// `extract_receipt_fields` fallback.
public enum ReceiptFieldExtractor {
    private static let dateLabel = TextPattern(#"DATE|TARIKH|\bTGL\b"#)

    /// The fields of one receipt.
    public static func extract(_ text: String) -> ReceiptFields {
        let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let (company, last) = ReceiptHeaderReader.company(lines)
        let address = ReceiptHeaderReader.address(lines, from: last + 1)
        let total = ReceiptTotalFinder.total(in: lines).map { String(format: "%.2f", $0) } ?? ""
        return ReceiptFields(company: company, date: date(in: lines), address: address, total: total)
    }

    /// The purchase date: the first date next to a DATE label, else the first date at all.
    static func date(in lines: [String]) -> String {
        var first: String?
        for (i, line) in lines.enumerated() {
            guard let found = DateNormalizer.firstDate(in: line) else { continue }
            if first == nil { first = found.text }
            let context = lines[max(0, i - 2)...i].joined(separator: " ")
            if dateLabel.matches(context) { return found.text }
        }
        return first ?? ""
    }
}
