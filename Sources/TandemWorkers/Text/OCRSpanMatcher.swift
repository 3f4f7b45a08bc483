import Foundation
import TandemOrchestrator

/// Finds a known value (a company name or address a user taught) in a receipt's OCR lines and
/// reads it back in the value's spelling where the two differ only by OCR slips.
///
/// OCR splits a value over lines and garbles letters (`GERPANG` for `GERBANG`, `LOP` for `LOT`),
/// while the taught value of the same shop carries the annotator's spelling; a value of another
/// branch of the same chain differs in real words and numbers (`1237-TMN INDAH PERDANA` vs
/// `1243-JLN PUDU ULU`). So the span is located fuzzily, then conformed word by word: a word
/// close to the taught word takes its spelling, anything else keeps the receipt's own text.
enum OCRSpanMatcher {
    /// The lines of a value that OCR split over several boxes, at most this many.
    static let maxLines = 6

    /// A run of consecutive lines and how far it is from the value.
    struct Span: Equatable {
        /// The lines joined with single spaces.
        let text: String
        /// Edits between the normalised span and the normalised value, over the value's length.
        let distance: Double
    }

    /// The run of lines closest to `value`, if within `maxDistance` (edits per character).
    static func bestSpan(in lines: [String], for value: String, maxDistance: Double) -> Span? {
        let target = Array(FieldScorer.normalizedText(value).unicodeScalars)
        guard !target.isEmpty else { return nil }
        var limit = Int((maxDistance * Double(target.count)).rounded(.down))
        var best: Span?
        for start in lines.indices {
            var joined = ""
            for end in start..<min(lines.count, start + maxLines) {
                joined += (joined.isEmpty ? "" : " ") + lines[end]
                let candidate = Array(FieldScorer.normalizedText(joined).unicodeScalars)
                if candidate.count > target.count + limit { break }
                guard let edits = EditDistance.between(candidate, target, limit: limit) else { continue }
                let distance = Double(edits) / Double(target.count)
                if best == nil || distance < best!.distance {
                    best = Span(text: joined, distance: distance)
                    limit = edits  // later spans must do at least as well
                }
            }
        }
        return best
    }

    /// `span` with each word that is an OCR slip of the aligned word of `value` spelt as in
    /// `value`; the span's other words kept, the value's unmatched words left out, and stray
    /// punctuation-only tokens dropped.
    static func conform(_ span: String, to value: String) -> String {
        let a = span.split(separator: " ").map(String.init), b = value.split(separator: " ").map(String.init)
        guard !a.isEmpty, !b.isEmpty else { return span }
        // Word-level alignment: substituting costs the words' edit ratio, so near-equal words pair up.
        var cost = [[Double]](repeating: [Double](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { cost[i][0] = Double(i) }
        for j in 0...b.count { cost[0][j] = Double(j) }
        for i in 1...a.count {
            for j in 1...b.count {
                cost[i][j] = min(cost[i - 1][j] + 1, cost[i][j - 1] + 1, cost[i - 1][j - 1] + wordCost(a[i - 1], b[j - 1]))
            }
        }
        var words: [String] = []
        var i = a.count, j = b.count
        while i > 0 || j > 0 {
            if i > 0, j > 0, abs(cost[i][j] - (cost[i - 1][j - 1] + wordCost(a[i - 1], b[j - 1]))) < 1e-9 {
                words.append(isSlip(a[i - 1], of: b[j - 1]) ? b[j - 1] : a[i - 1])
                i -= 1; j -= 1
            } else if i > 0, abs(cost[i][j] - (cost[i - 1][j] + 1)) < 1e-9 {
                if !a[i - 1].allSatisfy({ ",.;:".contains($0) }) { words.append(a[i - 1]) }
                i -= 1
            } else {
                j -= 1
            }
        }
        return words.reversed().joined(separator: " ")
    }

    private static func wordCost(_ x: String, _ y: String) -> Double {
        if x == y { return 0 }
        let edits = EditDistance.between(x.uppercased(), y.uppercased()) ?? max(x.count, y.count)
        return Double(edits) / Double(max(x.count, y.count, 1))
    }

    /// True when `word` reads as `known` with OCR slips: the same letters and digits, or (for
    /// words of three or more letters with no digits) about one wrong letter in four. Numbers
    /// are never respelt: a house or branch number that differs is a different place.
    static func isSlip(_ word: String, of known: String) -> Bool {
        let w = FieldScorer.lettersAndDigits(word), k = FieldScorer.lettersAndDigits(known)
        if w == k { return true }
        if (w + k).unicodeScalars.contains(where: { ("0"..."9").contains($0) }) { return false }
        guard min(w.count, k.count) >= 3, let edits = EditDistance.between(w, k) else { return false }
        return edits <= max(1, k.count / 4)
    }

}
