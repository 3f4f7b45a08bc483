import TandemOrchestrator

/// Reads money amounts as receipts print them: `RM 3.90`, `$8.20`, `1,007.50`, `1.007,50`,
/// `.01`, `-0.02`, `(12.00)`, `12.00 SR`.
public enum AmountParser {
    /// A parsed amount.
    public struct Amount: Sendable, Equatable {
        /// The value (negative for `-x` and `(x)`).
        public var value: Double
        /// The currency code or symbol found next to it, upper-cased (`RM`, `$`, `USD`), nil if none.
        public var currency: String?
    }

    private static let currencyPattern = TextPattern(#"(RM|MYR|USD|SGD|S\$|EUR|GBP|IDR|THB|RP|\$|€|£|¥)"#)
    private static let numberPattern = TextPattern(#"(\()?\s*(-)?\s*(\d[\d,.']*\d|\d|\.\d+)(\))?"#)

    /// The first amount in `text`, nil when there is none.
    public static func parse(_ text: String) -> Amount? {
        guard let match = numberPattern.firstMatch(in: text), let digits = match[3],
              let magnitude = number(from: digits) else { return nil }
        let negative = match[2] != nil || (match[1] != nil && match[4] != nil)
        let currency = currencyPattern.firstMatch(in: text)?.text.uppercased()
        return Amount(value: negative ? -magnitude : magnitude, currency: currency)
    }

    /// The value of the first amount in `text`.
    public static func value(_ text: String) -> Double? { parse(text)?.value }

    /// Decides which of `,` and `.` is the decimal mark from where they stand.
    static func number(from raw: String) -> Double? {
        let s = raw.filter { $0 != " " && $0 != "'" }
        let lastDot = s.lastIndex(of: ".")
        let lastComma = s.lastIndex(of: ",")
        var normalized: String
        switch (lastDot, lastComma) {
        case let (dot?, comma?):
            // Whichever comes last is the decimal mark; the other groups thousands.
            normalized = dot > comma ? s.replacingAll(",", with: "") : s.replacingAll(".", with: "").replacingAll(",", with: ".")
        case (nil, let comma?):
            let decimals = s.distance(from: comma, to: s.endIndex) - 1
            let commas = s.filter { $0 == "," }.count
            normalized = (commas == 1 && decimals != 3) ? s.replacingAll(",", with: ".") : s.replacingAll(",", with: "")
        case (let dot?, nil):
            let dots = s.filter { $0 == "." }.count
            let decimals = s.distance(from: dot, to: s.endIndex) - 1
            normalized = (dots > 1 && decimals == 3) ? s.replacingAll(".", with: "") : s
            if dots > 1 && decimals != 3 {  // OCR noise like "1.234.50": keep the last dot only
                let head = s[..<dot].replacingAll(".", with: "")
                normalized = head + s[dot...]
            }
        case (nil, nil):
            normalized = s
        }
        return Double(normalized)
    }
}

extension StringProtocol {
    func replacingAll(_ target: Character, with replacement: String) -> String {
        var out = ""
        for c in self { if c == target { out += replacement } else { out.append(c) } }
        return out
    }
}
