import TandemOrchestrator

/// How often the rules' value of a field is right when they are unsure of it, measured on a
/// user's labelled receipts, and how that weighs against the model's choice among the field's
/// candidate options (`modelWins`): the rules' accuracy is the prior that their option is the
/// answer (the rest shared evenly by the other options), the model's probabilities are the
/// evidence, and the option with the larger product is taken.
public struct ReceiptRulesCalibration: Sendable, Equatable {
    /// Per field: unsure values seen on the examples, and how many of them were right.
    public struct Count: Sendable, Equatable {
        /// Examples where the rules were unsure of the field (and it was labelled).
        public var unsure = 0
        /// Of those, the ones whose rules' value matched the label.
        public var right = 0
    }

    /// Fewest unsure examples before a field's accuracy is trusted; below it (and with no
    /// examples at all) `defaultUnsureAccuracy` stands in.
    public static let minimumExamples = 5

    /// The rules' accuracy on a field they are unsure of when the user's receipts have not
    /// measured it: right two times in three, the lowest of the per-field rates on the shared
    /// fixture receipts (company 10 of 12, address 10 of 15, total 12 of 15). A choice then needs
    /// about 2·(options − 1) times the probability of the rules' option to replace it. Letting
    /// every choice stand made the receipts less accurate than the rules: over the 120 fixture
    /// receipts, with no examples, addresses 99 right against the rules' 105 and totals 104
    /// against 113, because where Qwen 0.5B disagrees with the rules it is almost always wrong.
    public static let defaultUnsureAccuracy = 2.0 / 3.0

    /// No examples: every field at `defaultUnsureAccuracy`.
    public static let uncalibrated = ReceiptRulesCalibration(examples: [])

    /// The accuracy taken for a field with too few unsure examples.
    public let prior: Double

    /// The counts per field.
    public let counts: [String: Count]

    /// Reads every example with the rules and counts, per field, unsure values and right ones.
    /// `prior` stands in for a field with too few unsure examples; 0 lets every choice of the
    /// model stand there (what a benchmark asks when it scores the model's choices alone).
    public init(examples: [ReceiptFieldMemory.Example], prior: Double = defaultUnsureAccuracy) {
        self.init(examples: examples, evidence: examples.map { ReceiptEvidenceReader.read($0.text) }, prior: prior)
    }

    /// Counts from `evidence`, the rules' reading of each of `examples`, in order.
    init(examples: [ReceiptFieldMemory.Example], evidence readings: [ReceiptEvidence], prior: Double = defaultUnsureAccuracy) {
        self.prior = prior
        var counts: [String: Count] = [:]
        for (example, evidence) in zip(examples, readings) {
            for field in ReceiptFieldsTool.fieldNames {
                guard let gold = example.fields[field], !gold.isEmpty, let found = evidence.fields[field], !found.isSure else { continue }
                counts[field, default: Count()].unsure += 1
                if FieldScorer.matches(field: field, predicted: .string(found.value), expected: .string(gold)) {
                    counts[field, default: Count()].right += 1
                }
            }
        }
        self.counts = counts
    }

    /// The rules' accuracy on `field` when unsure, nil when fewer than `minimumExamples` were seen.
    public func unsureAccuracy(_ field: String) -> Double? {
        guard let c = counts[field], c.unsure >= Self.minimumExamples else { return nil }
        return Double(c.right) / Double(c.unsure)
    }

    /// The accuracy a choice is weighed against: the measured one, else `prior`.
    public func priorAccuracy(_ field: String) -> Double {
        unsureAccuracy(field) ?? prior
    }

    /// True when the model's choice (option `chosen`, probability `probability`) should replace
    /// the rules' option `rules` among `count` options: `p(chosen) · (1 − a)/(count − 1) >
    /// p(rules) · a`, with `a` = `priorAccuracy(field)`. `p(rules)` is read from `distribution`
    /// (the model's probability per option) when given, else the rest of the probability shared
    /// evenly. When the rules' value is not among the options, the model's choice stands.
    public func modelWins(field: String, chosen: Int, rules: Int?, count: Int, probability: Double, distribution: [Double]? = nil) -> Bool {
        guard let rules, rules != chosen, count >= 2 else { return true }
        let a = priorAccuracy(field)
        let pChosen = distribution.flatMap { $0.indices.contains(chosen) ? $0[chosen] : nil } ?? probability
        let pRules = distribution.flatMap { $0.indices.contains(rules) ? $0[rules] : nil } ?? (1 - probability) / Double(count - 1)
        return pChosen * (1 - a) / Double(count - 1) > pRules * a
    }

    /// One line per field, e.g. `total: rules unsure on 12 examples, right on 9 (75%)`.
    public var summary: [String] {
        ReceiptFieldsTool.fieldNames.map { field in
            let c = counts[field] ?? Count()
            let rate = unsureAccuracy(field).map { " (\(Int(($0 * 100).rounded()))%)" }
                ?? " (too few to trust: taken as \(Int((prior * 100).rounded()))%)"
            return "\(field): rules unsure on \(c.unsure) examples, right on \(c.right)" + rate
        }
    }
}
