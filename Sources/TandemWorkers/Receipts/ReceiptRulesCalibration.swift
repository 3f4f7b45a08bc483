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

    /// Fewest unsure examples before a field's accuracy is trusted; below it the model's choice
    /// stands as it did before there was a calibration.
    public static let minimumExamples = 5

    /// The counts per field.
    public let counts: [String: Count]

    /// Reads every example with the rules and counts, per field, unsure values and right ones.
    public init(examples: [ReceiptFieldMemory.Example]) {
        self.init(examples: examples, evidence: examples.map { ReceiptEvidenceReader.read($0.text) })
    }

    /// Counts from `evidence`, the rules' reading of each of `examples`, in order.
    init(examples: [ReceiptFieldMemory.Example], evidence readings: [ReceiptEvidence]) {
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

    /// True when the model's choice (option `chosen`, probability `probability`) should replace
    /// the rules' option `rules` among `count` options: `p(chosen) · (1 − a)/(count − 1) >
    /// p(rules) · a`, with `a` the rules' unsure accuracy on `field`. `p(rules)` is read from
    /// `distribution` (the model's probability per option) when given, else the rest of the
    /// probability shared evenly. Without a calibration for the field, or when the rules' value is
    /// not among the options, the model's choice stands.
    public func modelWins(field: String, chosen: Int, rules: Int?, count: Int, probability: Double, distribution: [Double]? = nil) -> Bool {
        guard let a = unsureAccuracy(field), let rules, rules != chosen, count >= 2 else { return true }
        let pChosen = distribution.flatMap { $0.indices.contains(chosen) ? $0[chosen] : nil } ?? probability
        let pRules = distribution.flatMap { $0.indices.contains(rules) ? $0[rules] : nil } ?? (1 - probability) / Double(count - 1)
        return pChosen * (1 - a) / Double(count - 1) > pRules * a
    }

    /// One line per field, e.g. `total: rules unsure on 12 examples, right on 9 (75%)`.
    public var summary: [String] {
        ReceiptFieldsTool.fieldNames.map { field in
            let c = counts[field] ?? Count()
            let rate = unsureAccuracy(field).map { " (\(Int(($0 * 100).rounded()))%)" } ?? " (too few to trust)"
            return "\(field): rules unsure on \(c.unsure) examples, right on \(c.right)" + rate
        }
    }
}
