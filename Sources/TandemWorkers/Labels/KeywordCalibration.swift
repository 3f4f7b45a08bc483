/// How often the keyword rules are right, by how they matched, measured on labelled examples
/// (the examples a taught classifier was taught with). It turns a keyword choice into an
/// accuracy that can be weighed against a taught classifier's calibrated probability.
public struct KeywordCalibration: Sendable {
    /// How a keyword choice came about; the rules are much surer of a sole match than of a
    /// contested one, and an unmatched text is only the catch-all label.
    public enum Strength: String, Sendable, CaseIterable {
        /// Every matched keyword pointed at one label.
        case sole
        /// Several labels matched; the chosen one holds at least half the evidence.
        case majority
        /// Several labels matched; the chosen one holds under half.
        case contested
        /// No keyword matched (the catch-all or first label).
        case unmatched

        /// The strength of a keyword choice.
        public init(_ choice: KeywordClassifier.Choice) {
            if !choice.matched { self = .unmatched } else if choice.confidence >= 0.999 { self = .sole }
            else if choice.confidence >= 0.5 { self = .majority } else { self = .contested }
        }
    }

    /// Right and total answers per strength on the measuring examples.
    public private(set) var counts: [Strength: (correct: Int, total: Int)]
    /// The same per strength and chosen label: the rules are surer of some labels than others.
    private var byLabel: [String: (correct: Int, total: Int)]
    /// Fewest answers of a strength and label for its own count to be used rather than the strength's.
    static let minimumPerLabel = 5

    /// Runs `keywords` on every example and counts how often each strength was right.
    public init(keywords: KeywordClassifier, examples: [(text: String, label: String)]) {
        var counts: [Strength: (correct: Int, total: Int)] = [:]
        var byLabel: [String: (correct: Int, total: Int)] = [:]
        for e in examples {
            let choice = keywords.classify(e.text)
            let right = choice.label == e.label ? 1 : 0
            let s = Strength(choice)
            counts[s] = ((counts[s]?.correct ?? 0) + right, (counts[s]?.total ?? 0) + 1)
            let key = Self.key(s, choice.label)
            byLabel[key] = ((byLabel[key]?.correct ?? 0) + right, (byLabel[key]?.total ?? 0) + 1)
        }
        self.counts = counts
        self.byLabel = byLabel
    }

    /// The estimated accuracy of a keyword choice: right / total of its strength and label (of
    /// its strength alone when that label was chosen too rarely to count), pulled towards one
    /// half by one pseudo-answer each way so a choice seen twice does not claim 1.0.
    public func accuracy(of choice: KeywordClassifier.Choice) -> Double {
        let s = Strength(choice)
        let own = byLabel[Self.key(s, choice.label)] ?? (0, 0)
        let c = own.total >= Self.minimumPerLabel ? own : counts[s] ?? (0, 0)
        return (Double(c.correct) + 1) / (Double(c.total) + 2)
    }

    private static func key(_ s: Strength, _ label: String) -> String { s.rawValue + "\u{1F}" + label }

    /// Examples measured.
    public var examples: Int { counts.values.reduce(0) { $0 + $1.total } }
}
