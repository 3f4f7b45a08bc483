/// GBNF expressions for JSON numbers between whole-number bounds (`minimum: 0` on an amount, say).
///
/// A bounded number is written without an exponent, so its value is decided by its integer part
/// and whether the fraction is zero: `x <= 5` is "integer part 0...4 with any fraction, or 5 with
/// only zeros after the point". Each number has one parse; "-0" is not generated.
enum GBNFNumberRange {
    private static let anyFraction = "(\".\" [0-9]{1,16})?"
    private static let zeroFraction = "(\".\" \"0\"{1,16})?"
    /// A fraction with at least one non-zero digit; the first non-zero digit anchors the single parse.
    private static let nonZeroFraction = "\".\" \"0\"{0,15} [1-9] [0-9]{0,15}"

    /// An alternation matching the decimals between `lower` and `upper` (either may be absent).
    /// The bounds must be satisfiable and within ±`SchemaKeywords.maxMagnitude`.
    static func expression(lower: SchemaNumberBound?, upper: SchemaNumberBound?) -> String {
        var alternatives: [String] = []
        if lower.map({ $0.value < 0 }) ?? true {
            // Negative numbers as "-" and a magnitude y > 0: x >= L becomes y <= -L, x <= U becomes y >= -U.
            let magnitudeLow = upper.flatMap { $0.value < 0 ? SchemaNumberBound(value: -$0.value, isExclusive: $0.isExclusive) : nil }
                ?? SchemaNumberBound(value: 0, isExclusive: true)
            let magnitudeHigh = lower.map { SchemaNumberBound(value: -$0.value, isExclusive: $0.isExclusive) }
            alternatives.append("\"-\" (" + nonNegative(low: magnitudeLow, high: magnitudeHigh).joined(separator: " | ") + ")")
        }
        if upper.map({ $0.value > 0 || ($0.value == 0 && !$0.isExclusive) }) ?? true {
            let low = lower.flatMap { $0.value >= 0 ? $0 : nil } ?? SchemaNumberBound(value: 0, isExclusive: false)
            alternatives += nonNegative(low: low, high: upper)
        }
        return alternatives.joined(separator: " | ")
    }

    /// Alternatives for unsigned decimals above `low` and below `high` (none: up to 16 integer digits).
    private static func nonNegative(low: SchemaNumberBound, high: SchemaNumberBound?) -> [String] {
        var alternatives: [String] = []
        let freeLow = low.isExclusive ? low.value + 1 : low.value
        let freeHigh = high.map { $0.value - 1 } ?? SchemaKeywords.maxMagnitude
        if freeLow <= freeHigh {
            let integers = GBNFIntegerRange.nonNegative(from: freeLow, through: freeHigh)
            let integerPart = integers.count == 1 ? integers[0] : "(" + integers.joined(separator: " | ") + ")"
            alternatives.append(integerPart + " " + anyFraction)
        }
        if low.isExclusive, high.map({ low.value < $0.value }) ?? true {
            alternatives.append("\"\(low.value)\" " + nonZeroFraction)
        }
        if let high, !high.isExclusive, high.value > low.value || (high.value == low.value && !low.isExclusive) {
            alternatives.append("\"\(high.value)\" " + zeroFraction)
        }
        return alternatives
    }
}
