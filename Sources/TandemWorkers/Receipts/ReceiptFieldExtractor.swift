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
/// `extract_receipt_fields` fallback (`ReceiptEvidenceReader` says how sure each field is).
public enum ReceiptFieldExtractor {
    /// The fields of one receipt.
    public static func extract(_ text: String) -> ReceiptFields { ReceiptEvidenceReader.read(text).values }
}
