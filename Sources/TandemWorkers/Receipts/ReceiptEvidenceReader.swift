import Foundation
import TandemOrchestrator

/// The rules' reading of a receipt, field by field, with how sure they are and the spans the
/// model may choose from where they are not (see `FieldEvidence`).
public struct ReceiptEvidence: Sendable, Equatable {
    /// Evidence per field, keyed by `ReceiptFieldsTool.fieldNames`.
    public var fields: [String: FieldEvidence]

    /// The rules' values alone.
    public var values: ReceiptFields {
        ReceiptFields(company: fields["company"]?.value ?? "", date: fields["date"]?.value ?? "",
                      address: fields["address"]?.value ?? "", total: fields["total"]?.value ?? "")
    }
}

/// Reads a receipt with the rules (`ReceiptHeaderReader`, `ReceiptTotalFinder`, dates) and says,
/// for each field, whether the rules can justify their value and which spans could be it instead.
public enum ReceiptEvidenceReader {
    private static let dateLabel = TextPattern(#"DATE|TARIKH|\bTGL\b"#)
    /// Longest address candidate, in lines.
    static let maxAddressLines = 7

    /// The evidence for every field of one receipt.
    public static func read(_ text: String) -> ReceiptEvidence {
        let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let (company, last) = ReceiptHeaderReader.company(lines)
        return ReceiptEvidence(fields: [
            "company": companyEvidence(lines, name: company, lastLine: last),
            "date": dateEvidence(lines),
            "address": addressEvidence(lines, from: last + 1),
            "total": totalEvidence(lines),
        ])
    }

    static func totalEvidence(_ lines: [String]) -> FieldEvidence {
        let found = ReceiptTotalFinder.assess(lines)
        let format = { (v: Double) in String(format: "%.2f", v) }
        return FieldEvidence(value: found.total.map(format) ?? "", isSure: found.isSure, reason: found.reason,
                             candidates: found.candidates.map(format))
    }

    static func dateEvidence(_ lines: [String]) -> FieldEvidence {
        var dates: [(text: String, iso: String, labelled: Bool)] = []
        for (i, line) in lines.enumerated() {
            let context = lines[max(0, i - 2)...i].joined(separator: " ")
            for found in DateNormalizer.allDates(in: line) {
                dates.append((found.text, found.iso, dateLabel.matches(context)))
            }
        }
        let distinct = Set(dates.map(\.iso))
        let candidates = dates.map(\.text)
        if let labelled = dates.first(where: \.labelled) {
            let sure = distinct.count == 1 || !dates.contains { $0.labelled && $0.iso != labelled.iso }
            return FieldEvidence(value: labelled.text, isSure: sure,
                                 reason: sure ? "the date next to a DATE label" : "labelled dates disagree", candidates: candidates)
        }
        guard let first = dates.first else { return FieldEvidence(value: "", isSure: false, reason: "no date on the receipt", candidates: []) }
        return FieldEvidence(value: first.text, isSure: distinct.count == 1,
                             reason: distinct.count == 1 ? "the one date on the receipt" : "several dates, none labelled", candidates: candidates)
    }

    static func companyEvidence(_ lines: [String], name: String, lastLine: Int) -> FieldEvidence {
        // Name lines above the address: a line with a street word or a postcode is not a name.
        let names = ReceiptHeaderReader.nameLines(lines).filter { !ReceiptHeaderReader.isAddressLine($0.text) }
        var candidates = [name]
        for (k, line) in names.enumerated() {
            candidates.append(line.text)
            if k + 1 < names.count, names[k + 1].index == line.index + 1 { candidates.append(line.text + " " + names[k + 1].text) }
        }
        if name.isEmpty {
            return FieldEvidence(value: "", isSure: false, reason: "no name line at the top", candidates: candidates)
        }
        if name.count > 60 {
            return FieldEvidence(value: name, isSure: false, reason: "a name of over 60 characters is likely lines run together",
                                 candidates: candidates)
        }
        if ReceiptHeaderReader.hasLegalSuffix(name) {
            return FieldEvidence(value: name, isSure: true, reason: "a name line with a legal suffix (SDN BHD, ENTERPRISE...)",
                                 candidates: candidates)
        }
        if ReceiptHeaderReader.hasTradeWord(name), names.first?.text == name {
            return FieldEvidence(value: name, isSure: true, reason: "the first name line, with a trade word (RESTORAN, PERNIAGAAN...)",
                                 candidates: candidates)
        }
        return FieldEvidence(value: name, isSure: false, reason: "no legal suffix or trade word: the name line is a guess",
                             candidates: candidates)
    }

    static func addressEvidence(_ lines: [String], from start: Int) -> FieldEvidence {
        let span = ReceiptHeaderReader.addressSpan(lines, from: start)
        // Candidates: from the rules' first line (else the first line after the name), every
        // extent up to `maxAddressLines` lines, skipping stop lines (phone, tax, dates).
        let first = span.lineIndices.first ?? max(start, 0)
        var candidates = [span.text]
        var parts: [String] = []
        for i in first..<min(lines.count, first + maxAddressLines + 2) where ReceiptHeaderReader.isSpanLine(lines[i]) {
            parts.append(ReceiptHeaderReader.addressText(lines[i]))
            candidates.append(parts.joined(separator: " "))
            if parts.count == maxAddressLines { break }
        }
        switch span.end {
        case .stopAfterPostcode where !span.text.isEmpty:
            return FieldEvidence(value: span.text, isSure: true, reason: "ends at the postcode line, before the phone/tax lines",
                                 candidates: candidates)
        case .lineBeforeStop:
            return FieldEvidence(value: span.text, isSure: false, reason: "takes the line between the postcode and the phone/tax lines",
                                 candidates: candidates)
        case .unclassifiedAfterPostcode:
            return FieldEvidence(value: span.text, isSure: false, reason: "a line after the postcode may belong to the address",
                                 candidates: candidates)
        default:
            return FieldEvidence(value: span.text, isSure: false,
                                 reason: span.text.isEmpty ? "no address lines found" : "no postcode: the address may be cut off",
                                 candidates: candidates)
        }
    }
}
