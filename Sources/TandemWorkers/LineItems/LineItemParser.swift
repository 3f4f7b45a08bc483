import Foundation
import TandemOrchestrator

/// One purchased item read from a receipt.
public struct LineItem: Sendable, Equatable {
    /// What was bought.
    public var description: String
    /// How many, when printed.
    public var quantity: Double?
    /// Price per unit, when printed or derivable.
    public var unitPrice: Double?
    /// The line's amount.
    public var amount: Double?
}

/// Reads line items from receipt OCR text with rules: the `parse_line_items` fallback.
///
/// The item block lies between the column header (ITEM / DESCRIPTION / QTY ...) and the first
/// subtotal or total line. In it, a description line collects the numbers printed around it:
/// integers are quantities ("2", "2 X"), two-decimal numbers are prices, the last one is the
/// line amount. OCR sometimes prints the numbers before the description; those are kept for the
/// next description.
public enum LineItemParser {
    private static let header = TextPattern(#"^\W*(ITEM|DESCRIPTION|DESC|PRODUCT|QTY|QUANTITY|PRICE|AMOUNT|AMT)\b"#)
    /// A line made only of column names ("S/PRICE AMOUNT TAX", "(RM)").
    private static let headerOnly = TextPattern(#"^(\W*(ITEMS?|DESCRIPTION|DESC|PRODUCT|QTY|QUANTITY|S/PRICE|U/PRICE|U\.P|UNIT|PRICE|RSP|AMOUNT|AMT|TAX|CODE|RM|MYR|DISC|NO|\(RM\))\W*)+$"#)
    private static let totalLine = TextPattern(#"SUB\s*-?\s*TOTAL|\bTOTAL\b"#)
    private static let heading = TextPattern(#"INVOICE|RECEIPT|CASHIER|\bDATE\b|\bTIME\b|\bTABLE\b|\bBILL\b|\bNO\s*[:.#]"#)
    /// An item code or barcode on its own ("E8318", "9555075109147").
    private static let itemCode = TextPattern(#"^[A-Z]{0,3}\d{3,}[A-Z]?$"#)
    private static let end = TextPattern(#"SUB\s*-?\s*TOTAL|\bTOTAL\b|ROUNDING|\bCASH\b|CHANGE|SUMMARY|ITEM\s*COUNT|NO\.?\s*OF\s*ITEMS?|\bTL\b"#)
    private static let money = TextPattern(#"(?<![\d.])-?\d{1,6}(?:,\d{3})*\.\d{2}(?!\d)"#)
    private static let quantity = TextPattern(#"^\s*(\d{1,3})(?:\s*[X@*]|\s*(?:PCS?|UNITS?|EA))?\s*$|(?<![\d.])(\d{1,3})\s*[X@*]\s"#)
    private static let description = TextPattern(#"[A-Z]{3,}"#)
    private static let code = TextPattern(#"^\W*(SR|ZR|ZRL|TX|S|Z|E|\*S|T|RM)\W*$|^\s*[\dA-Z-]*\d{5,}[\dA-Z-]*\s*$"#)

    /// The items of one receipt, in printed order.
    public static func parse(_ text: String) -> [LineItem] {
        let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        // The block starts at the column header; without one before the first total line, after
        // the last line of the receipt's heading (invoice number, date, cashier, ...).
        let firstEnd = lines.firstIndex(where: { totalLine.matches($0) }) ?? lines.count
        guard let start = lines[..<firstEnd].firstIndex(where: { header.matches($0) })
                ?? lines[..<firstEnd].lastIndex(where: { heading.matches($0) }) else { return [] }
        var items: [LineItem] = []
        var current: String?
        var numbers: [String] = []
        var pending: [String] = []  // numbers printed before their description
        func finish() {
            if let current, let item = item(current, numbers) { items.append(item) }
            current = nil
            numbers = []
        }
        for line in lines[(start + 1)...] {
            if end.matches(line) { break }
            if headerOnly.matches(line) { continue }
            if code.matches(line) || itemCode.matches(line) { continue }
            if description.matches(line) && money.allMatches(in: line).count < 2 {
                if current != nil && !numbers.isEmpty { finish() }
                if current == nil {
                    current = money.replacing(in: line, with: "").trimmingCharacters(in: .whitespaces)
                    numbers = pending + money.allMatches(in: line).map(\.text)
                    pending = []
                } else {
                    current! += " " + line  // a description wrapped over two lines
                }
            } else if current != nil {
                numbers.append(line)
            } else {
                pending.append(line)
            }
        }
        finish()
        return items
    }

    private static func item(_ description: String, _ numbers: [String]) -> LineItem? {
        let amounts = numbers.flatMap { money.allMatches(in: $0).compactMap { Double($0.text.replacingAll(",", with: "")) } }
        guard !description.isEmpty, let amount = amounts.last else { return nil }
        let qty = numbers.lazy.compactMap { line -> Double? in
            guard let m = quantity.firstMatch(in: line) else { return nil }
            return (m[1] ?? m[2]).flatMap(Double.init)
        }.first(where: { $0 > 0 })
        var unit: Double? = amounts.count >= 2 ? amounts[amounts.count - 2] : nil
        if unit == nil, let qty { unit = (amount / qty * 100).rounded() / 100 }
        return LineItem(description: description, quantity: qty ?? (amounts.count >= 2 && unit == amount ? 1 : nil),
                        unitPrice: unit, amount: amount)
    }
}
