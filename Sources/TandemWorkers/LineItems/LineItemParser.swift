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
/// line amount. When amounts come before the first description, the receipt prints every item's
/// numbers before its description, and each description takes the numbers since the last one.
/// Column names printed one per line after the header (TOTAL among them) belong to the header.
public enum LineItemParser {
    private static let header = TextPattern(#"^\W*(ITEM|DESCRIPTION|DESC|PRODUCT|QTY|QUANTITY|PRICE|AMOUNT|AMT)\b"#)
    /// Words that name a column ("S/PRICE", "(RM)").
    private static let columnWords = #"ITEMS?|DESCRIPTION|DESC|PRODUCT|QTY|QUANTITY|S/PRICE|U/PRICE|U\.?PRICE|U\.P|UNIT|PRICE|RSP|AMOUNT|AMT|TAX|CODE|RM|MYR|DISC|NO|\(RM\)"#
    /// A line made only of column names ("S/PRICE AMOUNT TAX", "(RM)").
    private static let headerOnly = TextPattern(#"^(\W*("# + columnWords + #")\W*)+$"#)
    /// A column name in the header run; TOTAL among them names the line-amount column.
    private static let columnName = TextPattern(#"^(\W*("# + columnWords + #"|TOTAL|\(\$\))\W*)+$"#)
    /// A tax code printed after a line's amount ("2.20 ZRL", "20.00 SR").
    private static let taxCodeSuffix = TextPattern(#"\s+\*?(SR|ZRL|ZR|TX|S|Z|E|T)\s*$"#)
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
        guard let start = columnHeader(lines[..<firstEnd].firstIndex(where: { header.matches($0) }), in: lines)
                ?? lines[..<firstEnd].lastIndex(where: { heading.matches($0) }) else { return [] }
        var items: [LineItem] = []
        var current: String?
        var numbers: [String] = []
        var pending: [String] = []  // numbers printed before their description
        var numbersFirst: Bool?
        func finish() {
            if let current, let item = item(current, numbers) { items.append(item) }
            current = nil
            numbers = []
        }
        // A description line starts an item with the numbers printed before it and on it.
        func begin(_ line: String) {
            current = money.replacing(in: line, with: "").trimmingCharacters(in: .whitespaces)
            numbers = pending + money.allMatches(in: line).map(\.text)
            pending = []
        }
        for line in lines[(start + 1)...] {
            if end.matches(line) { break }
            if headerOnly.matches(line) { continue }
            if code.matches(line) || itemCode.matches(line) { continue }
            if description.matches(taxCodeSuffix.replacing(in: line, with: "")) && money.allMatches(in: line).count < 2 {
                // Amounts before the first description: this receipt prints each item's numbers
                // before its description, so a description takes the numbers since the last one.
                if numbersFirst == nil { numbersFirst = pending.contains { money.matches($0) } }
                if numbersFirst == true {
                    if pending.contains(where: { money.matches($0) }) || items.isEmpty {
                        begin(line)
                        finish()
                    } else {
                        items[items.count - 1].description += " " + line  // wrapped over two lines
                    }
                    continue
                }
                if current != nil && !numbers.isEmpty { finish() }
                if current == nil {
                    begin(line)
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

    /// The last line of the column header that starts at `first`: the column names OCR printed
    /// one per line after it (a TOTAL among them is the amount column, not the receipt's total).
    private static func columnHeader(_ first: Int?, in lines: [String]) -> Int? {
        guard var last = first else { return nil }
        while last + 1 < lines.count, columnName.matches(lines[last + 1]) { last += 1 }
        return last
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
