import TandemCore
import TandemOrchestrator

/// Whether the model's choices earn their calls, per field, measured on the user's labelled
/// receipts: the unsure fields of the examples are put to the model as `ReceiptFieldsTool`
/// puts them, each choice is weighed against the rules as the tool weighs it (the examples'
/// `ReceiptRulesCalibration`), and a field is asked only when those decisions fixed more of the
/// examples than they broke. A field the model never improved is not asked at all: on the 120
/// fixture receipts Qwen 0.5B's choices changed no answer for the better, and they were most of
/// the prompt tokens the pipeline decoded.
public struct ReceiptChoiceGate: Sendable, Equatable, Codable {
    /// Per field, what the model's choices did on the examples.
    public struct Count: Sendable, Equatable, Codable {
        /// Unsure, labelled fields put to the model as a choice.
        public var asked = 0
        /// Choices that differed from the rules' value.
        public var disagreed = 0
        /// Of those, the ones right where the rules were wrong.
        public var disagreedRight = 0
        /// Decisions (after the calibration) that replaced a wrong rules' value by a right one.
        public var fixes = 0
        /// Decisions that replaced a right rules' value by a wrong one.
        public var breaks = 0

        /// Counts as given (none: all zero).
        public init(asked: Int = 0, disagreed: Int = 0, disagreedRight: Int = 0, fixes: Int = 0, breaks: Int = 0) {
            (self.asked, self.disagreed, self.disagreedRight, self.fixes, self.breaks) = (asked, disagreed, disagreedRight, fixes, breaks)
        }
    }

    /// Fewest choices asked on the examples before a field's gate may close; below it the model
    /// is asked (there is too little to judge it by).
    public static let minimumExamples = 5
    /// Most labelled receipts with choices asked while learning (evenly spread), which bounds
    /// the model calls made at start-up.
    public static let maxAskedReceipts = 60
    /// Most labelled receipts read by the rules while looking for those with choices.
    public static let maxReadReceipts = 600

    /// The counts per field.
    public let counts: [String: Count]

    /// A gate from counts (e.g. read back from a cache).
    public init(counts: [String: Count]) { self.counts = counts }

    /// True when `field`'s choices are worth asking: too few were measured to judge, or the
    /// model's decisions fixed more examples than they broke.
    public func isOpen(_ field: String) -> Bool {
        guard let c = counts[field], c.asked >= Self.minimumExamples else { return true }
        return c.fixes > c.breaks
    }

    /// What the model chose for one labelled field of one example.
    public struct Observation: Sendable, Equatable {
        public let field: String
        /// How many options were shown, which one was the rules' value (nil: none) and which the
        /// model chose.
        public let optionCount: Int, rulesIndex: Int?, chosen: Int
        /// The chosen option's probability, and in-process every option's.
        public let probability: Double, distribution: [Double]?
        /// Whether the rules' value and the model's choice match the label.
        public let rulesRight: Bool, chosenRight: Bool

        /// One observation.
        public init(field: String, optionCount: Int, rulesIndex: Int?, chosen: Int, probability: Double, distribution: [Double]? = nil,
                    rulesRight: Bool, chosenRight: Bool) {
            self.field = field
            self.optionCount = optionCount
            self.rulesIndex = rulesIndex
            self.chosen = chosen
            self.probability = probability
            self.distribution = distribution
            self.rulesRight = rulesRight
            self.chosenRight = chosenRight
        }
    }

    /// Weighs every observation with `calibration`, as the tool would, and counts per field.
    public init(observations: [Observation], calibration: ReceiptRulesCalibration) {
        var counts: [String: Count] = [:]
        for o in observations {
            var c = counts[o.field] ?? Count()
            c.asked += 1
            let differs = o.rulesIndex != o.chosen
            if differs { c.disagreed += 1 }
            if differs && o.chosenRight && !o.rulesRight { c.disagreedRight += 1 }
            if differs && calibration.modelWins(field: o.field, chosen: o.chosen, rules: o.rulesIndex, count: o.optionCount,
                                                probability: o.probability, distribution: o.distribution) {
                if o.chosenRight && !o.rulesRight { c.fixes += 1 }
                if o.rulesRight && !o.chosenRight { c.breaks += 1 }
            }
            counts[o.field] = c
        }
        self.counts = counts
    }

    /// Asks the model about up to `maxAskedReceipts` of `examples` and counts what its choices
    /// did, weighed with `calibration` (the same examples' measure of the rules).
    public static func learn(examples: [ReceiptFieldMemory.Example], calibration: ReceiptRulesCalibration, model: any LocalModelClient,
                             concurrency: Int = 4, progress: (@Sendable (_ done: Int, _ total: Int) -> Void)? = nil) async throws -> ReceiptChoiceGate {
        // The rules read at most `maxReadReceipts` of a large file (spread over it) to find the
        // ones that leave a choice.
        let asking = spread(examples, atMost: maxReadReceipts).map { (example: $0, round: choices(of: $0)) }.filter { !$0.round.choices.isEmpty }
        let observed = try await observe(spread(asking, atMost: maxAskedReceipts), model: model, concurrency: concurrency, progress: progress)
        return ReceiptChoiceGate(observations: observed.flatMap { $0 }, calibration: calibration)
    }

    /// The model's choice on every unsure, labelled field of each of `examples` (one list per
    /// example, in order; empty where the rules left nothing to choose), `concurrency` receipts
    /// at a time. A failed call is left out.
    public static func observe(_ examples: [ReceiptFieldMemory.Example], model: any LocalModelClient, concurrency: Int = 4,
                               progress: (@Sendable (_ done: Int, _ total: Int) -> Void)? = nil) async throws -> [[Observation]] {
        try await observe(examples.map { (example: $0, round: choices(of: $0)) }, model: model, concurrency: concurrency, progress: progress)
    }

    /// `observe(_:model:concurrency:progress:)` over examples the rules have already read into their choices.
    private static func observe(_ examples: [(example: ReceiptFieldMemory.Example, round: ReceiptChoices)], model: any LocalModelClient,
                                concurrency: Int, progress: (@Sendable (_ done: Int, _ total: Int) -> Void)?) async throws -> [[Observation]] {
        let done = DoneCounter()
        return try await concurrentMap(examples, limit: max(concurrency, 1)) { example, round in
            let calls = try await round.ask(model)
            progress?(await done.next(), examples.count)
            return zip(round.choices, calls).compactMap { choice, call in
                guard let picked = call.picked(choice), let gold = example.fields[choice.field] else { return nil }
                let right = { (value: String) in FieldScorer.matches(field: choice.field, predicted: .string(value), expected: .string(gold)) }
                return Observation(field: choice.field, optionCount: choice.options.count, rulesIndex: choice.rulesIndex, chosen: picked.index,
                                   probability: picked.probability, distribution: picked.distribution,
                                   rulesRight: right(choice.found.value), chosenRight: right(choice.options[picked.index]))
            }
        }
    }

    /// At most `limit` of `items`, evenly spread, in order.
    static func spread<T>(_ items: [T], atMost limit: Int) -> [T] {
        let stride = max(1, (items.count + limit - 1) / limit)
        return Swift.stride(from: 0, to: items.count, by: stride).map { items[$0] }
    }

    /// The choices the tool would put to the model for `example`'s labelled, unsure fields.
    static func choices(of example: ReceiptFieldMemory.Example) -> ReceiptChoices {
        let evidence = ReceiptEvidenceReader.read(example.text)
        let fields = ReceiptFieldsTool.fieldNames.filter { field in
            !(example.fields[field] ?? "").isEmpty && evidence.fields[field]?.isSure == false
        }
        return ReceiptChoices(fields: fields, evidence: evidence, text: example.text)
    }

    /// One line per field, e.g. `total: asked on 15 examples, differed from the rules on 13
    /// (right on 1); fixed 0, broke 0: not asked`.
    public var summary: [String] {
        ReceiptFieldsTool.fieldNames.map { field in
            let c = counts[field] ?? Count()
            let verdict = c.asked < Self.minimumExamples ? "too few to judge: asked" : isOpen(field) ? "asked" : "not asked"
            return "\(field): asked on \(c.asked) examples, differed from the rules on \(c.disagreed) (right on \(c.disagreedRight)); "
                + "fixed \(c.fixes), broke \(c.breaks): \(verdict)"
        }
    }
}

/// Counts receipts done across concurrent tasks, for progress.
private actor DoneCounter {
    private var count = 0
    func next() -> Int { count += 1; return count }
}
