import Foundation
import TandemCore
import TandemOrchestrator

/// Compares extracted fields with labels, forgiving what does not change meaning: case, spacing,
/// spacing around punctuation, trailing punctuation; totals compare as numbers (`RM 3.90` =
/// `3.9`), dates by calendar day (`25/12/2018` = `2018-12-25`).
public enum FieldScorer {
    /// How a field's values are compared, chosen from its name.
    public enum Comparison: String, Sendable {
        /// Normalised text.
        case text
        /// Numbers, currency ignored.
        case amount
        /// Calendar days.
        case date

        /// `date` for names containing "date", `amount` for total/amount/price/cost, else `text`.
        public static func forField(_ name: String) -> Comparison {
            let n = name.lowercased()
            if n.contains("date") { return .date }
            if ["total", "amount", "price", "cost", "sum"].contains(where: n.contains) { return .amount }
            return .text
        }
    }

    private static let spaceAroundPunctuation = TextPattern(#"\s*([,.;:/&()-])\s*"#)
    private static let spaces = TextPattern(#"\s+"#)

    /// True when `predicted` means the same as `expected` for field `name`.
    public static func matches(field name: String, predicted: JSONValue?, expected: JSONValue) -> Bool {
        guard let predicted, let expectedText = text(expected) else { return false }
        let predictedText = text(predicted) ?? ""
        switch Comparison.forField(name) {
        case .amount:
            if let a = AmountParser.value(predictedText), let b = AmountParser.value(expectedText) { return abs(abs(a) - abs(b)) < 0.005 }
        case .date:
            if let a = DateNormalizer.iso(predictedText), let b = DateNormalizer.iso(expectedText) { return a == b }
        case .text: break
        }
        return normalizedText(predictedText) == normalizedText(expectedText)
    }

    /// Letters and digits only, upper-cased (`Sdn. Bhd.` = `SDN BHD`): how an OCR'd word or a
    /// label compares when spacing and punctuation are not to count.
    public static func lettersAndDigits(_ s: String) -> String {
        String(String.UnicodeScalarView(s.uppercased().unicodeScalars.filter { CharacterSet.alphanumerics.contains($0) }))
    }

    /// Case-folded, single-spaced, no space around punctuation, no trailing punctuation.
    public static func normalizedText(_ s: String) -> String {
        let folded = s.folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil)
        let single = spaces.replacing(in: folded, with: " ")
        let tight = spaceAroundPunctuation.replacing(in: single, with: "$1")
        return tight.trimmingCharacters(in: CharacterSet.whitespaces.union(CharacterSet(charactersIn: ".,;:")))
    }

    private static func text(_ value: JSONValue) -> String? {
        switch value {
        case .string(let s): s
        case .number(let n): JSONWriter.number(n)
        case .null: nil
        default: JSONWriter.compact(value)
        }
    }
}

extension FieldMatcher {
    /// `FieldScorer`'s comparisons: totals as numbers, dates by calendar day, text forgiving
    /// case, spacing and trailing punctuation.
    public static let standard = FieldMatcher { field, predicted, expected in
        FieldScorer.matches(field: field, predicted: predicted, expected: expected)
    }
}
