import Foundation
import TandemOrchestrator

/// Finds a receipt's grand total in OCR text without a model.
///
/// OCR of receipts often lists a block of labels and then a block of values ("TOTAL | CASH |
/// CHANGE | 38.80 | 50.00 | 11.20"), so labels are paired with values by position within such
/// blocks, as well as on the same line. Candidates are scored by their label (a final total beats
/// a plain "TOTAL"; subtotals, tax and item counts are ignored), by position (later totals are
/// after rounding), and by agreement with cash tendered minus change.
enum ReceiptTotalFinder {
    private static let valueLine = TextPattern(#"^\s*[:=]?\s*(?:RM|MYR|\$)?\s*:?\s*-?(?:\d[\d,]*(?:\.\d+)?|\.\d+)\s*(?:[A-Z]{1,3})?\s*$"#)
    private static let amount = TextPattern(#"(?<![\d.,])(?:RM|MYR|\$)?\s*(-?\d{1,3}(?:,\d{3})+\.\d{2}|-?\d*\.\d{2})(?!\d)"#)
    private static let word = TextPattern(#"[A-Z]{3,}"#)
    private static let bareCode = TextPattern(#"^\W*(RM|MYR|ZRL|SR|TAX|GST)?\W*$"#)
    /// A label that carries its own value ("ITEM COUNT 12", "CASHIER: ANN"). A currency code
    /// after the colon ("TOTAL INCL. GST:RM") is a unit, and the value is on the next line.
    private static let selfContained = TextPattern(#":\s*(?!(?:RM|MYR|\$)\s*$)\S|\d\s*$"#)
    private static let final = TextPattern(#"GRAND\s*TOTAL|NET+\s*T?OTAL|TOTAL\s*ROUND|ROUNDED\s*TOTAL|FINAL\s*TOTAL|TOTAL\s*AFTER|TOTAL\s*PAYABLE|AMOUNT\s*DUE|TOTAL\s*DUE|AMOUNT\s*PAYABLE|TO\s*BE\s*PAID|TOTAL\s*TO\s*PAY|BALANCE\s*DUE|PAYABLE\s*AMOUNT|TOTAL\s*AMOUNT|TOTAL\s*AMT"#)
    private static let inclusive = TextPattern(#"TOTAL.*INC|TOTAL\s*\(?RM|TOTAL\s*SALES|^TOTAL\b|^TL\b|\bTOTAL\b|\bJUMLAH\b"#)
    private static let excluded = TextPattern(#"SUB|EXCL|QTY|QUANTITY|ITEM|SAVING|DISCOUNT|DISC\b|INCLUDES|INCLUDED|SUPPLIES|POINT|STAMP|COUNT|TOTAL\s*GST|TOTAL\s*TAX"#)
    private static let change = TextPattern(#"CHANGE|BAKI"#)
    private static let tendered = TextPattern(#"\bCASH\b|TENDER|RECEIVED|PAID(?!\s*OUT)|VISA|MASTER|CARD|PAYMENT"#)
    private static let taxWord = TextPattern(#"GST|TAX"#)
    private static let rounding = TextPattern(#"ROUND"#)
    private static let adjustment = TextPattern(#"ADJ"#)

    /// A label paired with an amount; `line` is where the amount stands.
    struct Pair {
        let label: String
        let value: Double
        let line: Int
    }

    /// The first amount with two decimals in `s`.
    static func amount(in s: String) -> Double? {
        amount.firstMatch(in: s)?[1].flatMap { Double($0.replacingAll(",", with: "")) }
    }

    /// Labels paired with amounts, on one line or across label and value blocks.
    static func pairs(_ lines: [String]) -> [Pair] {
        var out: [Pair] = []
        var labels: [String] = []
        var values: [(Double?, Int)] = []
        func flush() {
            let m = min(labels.count, values.count)
            if m > 0 {
                // Extra labels are usually item names left over above the block: align from the end.
                for (label, (value, line)) in zip(labels.suffix(m), values.prefix(m)) {
                    if let value { out.append(Pair(label: label, value: value, line: line)) }
                }
            }
            labels = []
            values = []
        }
        for (i, raw) in lines.enumerated() {
            let s = raw.trimmingCharacters(in: .whitespaces)
            if s.isEmpty { continue }
            if valueLine.matches(s) { values.append((amount(in: s), i)); continue }
            guard word.matches(s), !bareCode.matches(s) else { continue }
            if !values.isEmpty { flush() }
            if let v = amount(in: s) { out.append(Pair(label: s, value: v, line: i)); continue }
            if selfContained.matches(s) { continue }  // "ITEM COUNT 12", "CASHIER: ANN": no value follows
            labels.append(s)
        }
        flush()
        return out
    }

    /// The grand total, nil when the text has no amounts at all.
    static func total(in lines: [String]) -> Double? { assess(lines).total }

    /// The grand total with how sure the rules are of it, and every amount that could be it.
    ///
    /// Sure: the best amount has a total label (GRAND TOTAL, TOTAL, AMOUNT DUE...) that no other
    /// labelled amount of the same rank contradicts, or it is what cash tendered minus change
    /// comes to. Unsure: labelled totals disagree, or no amount is labelled and the largest one
    /// is a guess. The candidates are the amounts printed on the receipt, first the labelled ones.
    static func assess(_ lines: [String]) -> (total: Double?, isSure: Bool, reason: String, candidates: [Double]) {
        let n = Double(max(lines.count, 1))
        var scores: [Double: Double] = [:]
        var cash: Double?
        var changeGiven: Double?
        var labelled: [Double] = []
        for pair in pairs(lines) {
            let label = pair.label.uppercased()
            let isFinal = final.matches(label)
            if change.matches(label) { if changeGiven == nil { changeGiven = abs(pair.value) }; continue }
            if tendered.matches(label) && !isFinal { if cash == nil { cash = abs(pair.value) }; continue }
            if label.contains("SUMMARY") { break }  // tax summary tables follow the totals
            if taxWord.matches(label) && !label.contains("TOTAL") { continue }
            if excluded.matches(label) && !isFinal { continue }
            let value = abs(pair.value)
            if value < 0.005 { continue }
            let position = Double(pair.line) / n
            if isFinal {
                scores[value] = max(scores[value] ?? 0, 3 + position)
                labelled.append(value)
            } else if (rounding.matches(label) && !adjustment.matches(label)) || inclusive.matches(label) {
                scores[value] = max(scores[value] ?? 0, 2 + position)
                labelled.append(value)
            }
        }
        let everyAmount = lines.compactMap { amount(in: $0) }.map(abs).filter { $0 >= 0.005 }
        var candidates = labelled
        candidates += everyAmount
        var paidAgrees = false
        if let cash, let changeGiven, cash >= changeGiven {
            let paid = ((cash - changeGiven) * 100).rounded() / 100
            if paid > 0, everyAmount.contains(where: { abs($0 - paid) < 0.005 }) {
                scores[paid, default: 0] += 2.5
                paidAgrees = true
            }
        }
        var seen = Set<Double>()
        candidates = candidates.filter { seen.insert(($0 * 100).rounded()).inserted }
        guard let best = scores.max(by: { $0.value < $1.value || ($0.value == $1.value && $0.key < $1.key) }) else {
            return (everyAmount.max(), false, everyAmount.isEmpty ? "no amount on the receipt" : "no amount is labelled as the total; the largest is a guess",
                    candidates)
        }
        if let cash, let changeGiven, paidAgrees, abs(cash - changeGiven - best.key) < 0.005 {
            return (best.key, true, "cash tendered minus change comes to this printed amount", candidates)
        }
        // Another labelled amount of the same rank (final vs final, total vs total) contradicts it.
        let rank = best.value.rounded(.down)
        let rivals = scores.filter { $0.key != best.key && $0.value.rounded(.down) >= min(rank, 3) }
        if rivals.isEmpty && !paidAgrees {
            return (best.key, true, rank >= 3 ? "the one amount labelled as the final total" : "the one amount labelled TOTAL", candidates)
        }
        return (best.key, false, "labelled totals disagree (\(([best.key] + rivals.keys.sorted()).map { String(format: "%.2f", $0) }.joined(separator: ", ")))",
                candidates)
    }
}
