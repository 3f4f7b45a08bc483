import TandemOrchestrator

/// Picks a label for a short text by keyword rules: the deterministic fallback for
/// `categorize_items`, `classify_text` and `sentiment`.
///
/// Keywords match whole words (plural-insensitive); phrases count more than single words, and a
/// match on the text's last word counts more, because in item names the head noun comes last
/// ("chocolate chip cookies" are cookies). A label without rules still matches the words of its
/// own name.
public struct KeywordClassifier: Sendable {
    /// A label choice with its evidence.
    public struct Choice: Sendable, Equatable {
        /// The chosen label (when nothing matched: a catch-all label such as "other", else the first).
        public var label: String
        /// Share of the evidence that supports it, 0 when nothing matched.
        public var confidence: Double
        /// True when at least one keyword matched.
        public var matched: Bool
        /// True when nothing matched and the set has no catch-all label: `label` is only the
        /// first label, a forced choice with no evidence behind it.
        public var isGuess = false
    }

    private let labels: [String]
    /// Per label: keyword phrases as stemmed token lists, with their weight.
    private let phrases: [[(tokens: [String], weight: Double)]]

    private static let stopwords: Set<String> = ["and", "or", "the", "of", "a", "an", "good", "other", "misc", "for", "with", "to", "by"]

    /// Builds a classifier for `labels`, using `rules` where they cover a label.
    public init(labels: [String], rules: KeywordRules? = nil) {
        self.labels = labels
        phrases = labels.map { label in
            var out: [(tokens: [String], weight: Double)] = []
            for keyword in rules?.keywords[label] ?? [] {
                let tokens = Self.tokens(keyword)
                if !tokens.isEmpty { out.append((tokens, 1.0 + 0.5 * Double(tokens.count - 1))) }
            }
            // The label's own words: a weak baseline so labels without rules can still win.
            for token in Self.tokens(label) where !Self.stopwords.contains(token) { out.append(([token], 0.5)) }
            return out
        }
    }

    /// The best label for `text`.
    public func classify(_ text: String) -> Choice {
        guard !labels.isEmpty else { return Choice(label: "", confidence: 0, matched: false, isGuess: true) }
        let words = Self.tokens(text)
        var scores = [Double](repeating: 0, count: labels.count)
        for (i, list) in phrases.enumerated() {
            for phrase in list {
                guard let end = Self.lastMatchEnd(of: phrase.tokens, in: words) else { continue }
                scores[i] += phrase.weight * (end == words.count ? 1.5 : 1.0)
            }
        }
        let total = scores.reduce(0, +)
        guard total > 0, let best = scores.indices.max(by: { scores[$0] < scores[$1] || (scores[$0] == scores[$1] && $0 > $1) }) else {
            // Nothing matched: a catch-all label when the set has one, else the first label.
            let catchAll = labels.first { ["other", "others", "misc", "miscellaneous", "unknown", "none"].contains($0.lowercased()) }
            return Choice(label: catchAll ?? labels[0], confidence: 0, matched: false, isGuess: catchAll == nil)
        }
        return Choice(label: labels[best], confidence: scores[best] / total, matched: true)
    }

    /// Lower-cased words with simple plural stripping (`berries` → `berry`, `boxes` → `box`).
    static func tokens(_ text: String) -> [String] {
        var out: [String] = []
        var current = ""
        for scalar in text.lowercased().unicodeScalars {
            if scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "%" {
                current.unicodeScalars.append(scalar)
            } else if scalar == "'" {
                continue  // "kid's" reads as "kids"
            } else if !current.isEmpty {
                out.append(stem(current))
                current = ""
            }
        }
        if !current.isEmpty { out.append(stem(current)) }
        return out
    }

    static func stem(_ word: String) -> String {
        guard word.count > 3, word.last == "s" else { return word }
        if word.hasSuffix("ss") || word.hasSuffix("us") || word.hasSuffix("is") { return word }
        if word.hasSuffix("ies") { return String(word.dropLast(3)) + "y" }
        for suffix in ["ches", "shes", "xes", "ses", "oes"] where word.hasSuffix(suffix) { return String(word.dropLast(2)) }
        return String(word.dropLast())
    }

    /// One past the index where the last occurrence of `phrase` ends in `words`.
    private static func lastMatchEnd(of phrase: [String], in words: [String]) -> Int? {
        guard !phrase.isEmpty, phrase.count <= words.count else { return nil }
        var found: Int?
        for start in 0...(words.count - phrase.count) where words[start] == phrase[0] {
            if phrase.count == 1 || Array(words[start..<(start + phrase.count)]) == phrase { found = start + phrase.count }
        }
        return found
    }
}
