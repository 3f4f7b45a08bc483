import TandemOrchestrator

/// Lexicon sentiment with negation: the `sentiment` tool's fallback.
///
/// Each positive keyword adds one, each negative one subtracts one; a negator ("not", "never",
/// "isn't", ...) up to three words before a keyword flips it. Phrases from the rules file
/// ("not worth", "top notch") are matched as wholes.
public struct SentimentLexicon: Sendable {
    private let positive: [[String]]
    private let negative: [[String]]
    private static let negators: Set<String> = ["not", "no", "never", "nor", "neither", "without", "hardly", "barely",
                                                "dont", "doesnt", "didnt", "isnt", "wasnt", "arent", "werent", "cant",
                                                "cannot", "couldnt", "wont", "wouldnt", "shouldnt", "aint", "nothing"]

    /// Builds a lexicon from rules with `positive` and `negative` labels.
    public init(rules: KeywordRules) {
        positive = (rules.keywords["positive"] ?? []).map(KeywordClassifier.tokens).filter { !$0.isEmpty }
        negative = (rules.keywords["negative"] ?? []).map(KeywordClassifier.tokens).filter { !$0.isEmpty }
    }

    /// Net polarity of `text`: above 0 positive, below 0 negative.
    public func score(_ text: String) -> Double {
        let words = KeywordClassifier.tokens(text)
        var total = 0.0
        for (list, sign) in [(positive, 1.0), (negative, -1.0)] {
            for phrase in list {
                var start = 0
                while start + phrase.count <= words.count {
                    if Array(words[start..<(start + phrase.count)]) == phrase {
                        // A phrase that itself starts with a negator ("not worth") is already polar.
                        let negated = !Self.negators.contains(phrase[0])
                            && words[max(0, start - 3)..<start].contains { Self.negators.contains($0) }
                        total += negated ? -sign : sign
                        start += phrase.count
                    } else {
                        start += 1
                    }
                }
            }
        }
        return total
    }
}
