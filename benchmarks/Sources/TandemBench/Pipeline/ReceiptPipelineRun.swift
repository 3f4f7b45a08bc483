import Foundation
import TandemCore
import TandemOrchestrator
import TandemWorkers

/// The receipt plan over fixture receipts through `PipelineRunner`, as `tandem run` runs it,
/// with one model client (in-process, remote, or none for the rules alone). The receipt memory
/// comes from the other folds (or `--train`), so no receipt is read with its own labels.
struct ReceiptPipelineRun: Sendable {
    let rows: [FixtureFolder.Row]
    let teaching: ReceiptTeaching
    let planText: String
    let rules: KeywordRuleBook
    let concurrency: Int
    /// The model's choices on each teaching receipt (by line), from which every fold learns its
    /// `ReceiptChoiceGate` as `tandem run --receipt-examples` does; nil: no gate, every unsure
    /// field is asked.
    var gateObservations: [Int: [ReceiptChoiceGate.Observation]]?

    /// What one side produced.
    struct Outcome: Sendable {
        var summary: PipelineSummary
        /// Receipts with company, date, address and total all right.
        var allFieldsCorrect = 0
        var seconds = 0.0
        /// Per field and deciding method: how many fields it decided and how many of them were right.
        var methodScores: [String: [String: Tally]] = [:]
        /// Receipts whose items add up to their total (the plan's `items_match_total`).
        var itemsAddUp = 0
        /// Fields where the rules were kept against a differing model choice, or without asking
        /// (the gate closed): record id, field, label.
        var kept: [(id: String, field: String, expected: JSONValue)] = []
        /// Per field, the model's choices where the rules were kept (or gated), and how many were right.
        var rejectedChoices: [String: Tally] = [:]
        /// Per field, the rules' own values where the model's choice replaced them, and how many
        /// of those were right: what the model's choices are measured against.
        var overruledRules: [String: Tally] = [:]
        /// Receipts that would have all four fields right had every field the rules were unsure
        /// of (and the memory did not decide) taken the right option whenever the choice offered
        /// it: the most any model choosing among the candidates could reach.
        var choiceCeiling = 0
        /// Records/s of each timed round (`rounds(_:_:)`); `seconds` is their median's.
        var roundRates: [Double] = []
        /// Per fold, the gate it learned (`ReceiptChoiceGate.summary`).
        var gates: [[String]] = []
        var recordsPerSecond: Double { seconds > 0 ? Double(summary.records) / seconds : 0 }
        var accuracy: Double { summary.records > 0 ? Double(allFieldsCorrect) / Double(summary.records) : 0 }
        var ceiling: Double { summary.records > 0 ? Double(choiceCeiling) / Double(summary.records) : 0 }
    }

    /// Runs every row, one fold after another (each with its memory), the fold's records `concurrency` at a time.
    func run(model: (any LocalModelClient)?, progress: ProgressBar?) async throws -> Outcome {
        let folds = Dictionary(grouping: rows) { teaching.fold(of: $0) ?? -1 }.sorted { $0.key < $1.key }
        var outcome: Outcome?
        // Only the records' runs are timed: teaching the memory is start-up work that `tandem run`
        // does once per run, however many records follow.
        var seconds = 0.0
        for (fold, foldRows) in folds {
            let teachers = teaching.pool.filter { teaching.teaches($0, fold: fold < 0 ? nil : fold) }
            let examples = teachers.compactMap { ReceiptFieldMemory.Example(record: $0.value) }
            var memory = examples.isEmpty ? nil : ReceiptFieldMemory(examples: examples)
            if let observed = gateObservations, let calibration = memory?.calibration {
                memory?.choiceGate = ReceiptChoiceGate(observations: teachers.flatMap { observed[$0.line] ?? [] }, calibration: calibration)
            }
            let registry = StandardWorkers.registry(localModel: model, rules: rules, receiptMemory: memory)
            let plan = try PlanValidator(registry: registry).compile(text: planText)
            let runner = PipelineRunner(plan: plan, executor: DAGExecutor(registry: registry),
                                        options: PipelineOptions(concurrency: concurrency, fieldMatcher: .standard))
            let lines = foldRows.map { JSONLLine.record(line: $0.line, value: $0.value) }
            let texts = Dictionary(foldRows.map { ($0.line, $0.value["text"]?.stringValue ?? "") }, uniquingKeysWith: { a, _ in a })
            var scored = outcome ?? Outcome(summary: PipelineSummary(plan: plan.plan))
            let start = Date()
            defer { seconds += Date().timeIntervalSince(start) }
            let summary = try await runner.run(lines, continuing: outcome?.summary, onResult: { result in
                scored.score(result, text: texts[result.line])
                progress?.advance()
            })
            scored.summary = summary
            if let gate = memory?.choiceGate { scored.gates.append(gate.summary) }
            outcome = scored
        }
        let empty = PipelineSummary(plan: try Plan.parse(planText))
        var done = outcome ?? Outcome(summary: empty)
        done.seconds = seconds
        return done
    }

    /// The model's choice on every unsure, labelled field of each teaching receipt, by line: what
    /// each fold's gate is learned from. Not timed (`tandem run` does it once at start-up and
    /// caches it); each receipt is asked once, whichever folds it teaches.
    func observeChoices(model: any LocalModelClient, progress: ProgressBar?) async throws -> [Int: [ReceiptChoiceGate.Observation]] {
        let examples = teaching.pool.compactMap { row in ReceiptFieldMemory.Example(record: row.value).map { (line: row.line, example: $0) } }
        let observed = try await ReceiptChoiceGate.observe(examples.map(\.example), model: model, concurrency: concurrency) { _, _ in
            progress?.advance()
        }
        return Dictionary(zip(examples.map(\.line), observed), uniquingKeysWith: { a, _ in a })
    }

    /// `rounds` timed runs (`body(round)`, each on its own fresh engine or server, so no round
    /// finds another's prompts in a cache); the first one's outcome, with the median time of all
    /// of them and each run's records/s in `roundRates`. The model's choices do not depend on
    /// the round, so only the time varies.
    static func rounds(_ rounds: Int, _ body: (Int) async throws -> Outcome) async throws -> Outcome {
        var outcomes: [Outcome] = []
        for round in 1...max(rounds, 1) { outcomes.append(try await body(round)) }
        var first = outcomes[0]
        first.roundRates = outcomes.map(\.recordsPerSecond)
        first.seconds = Statistics(outcomes.map(\.seconds)).median
        return first
    }

    /// No examples and a prior of 0: every choice of the model stands.
    static let choicesStand = ReceiptRulesCalibration(examples: [], prior: 0)

    /// Per field, how often the model's choice was right where the calibration kept the rules
    /// instead, or the gate kept them without asking: each such receipt is read again without a memory and with every choice let stand
    /// (`choicesStand`), and the choice the model makes then is scored. Not timed. The prompt is
    /// the same, but asked alone and after the run (another batch, another cache state), so the
    /// answer can differ from the one that was rejected: an approximation.
    func rejectedChoices(_ outcome: Outcome, model: any LocalModelClient) async throws -> [String: Tally] {
        var scores: [String: Tally] = [:]
        for kept in outcome.kept {
            guard let text = rows.first(where: { $0.value["id"]?.stringValue == kept.id })?.value["text"] else { continue }
            let answer = try await ReceiptFieldsTool(calibration: Self.choicesStand).run(["text": text], model: model)
            guard answer.decisions[kept.field] == FieldDecision.modelChoice.rawValue else { continue }
            scores[kept.field, default: Tally()].count(FieldScorer.matches(field: kept.field, predicted: answer.value[kept.field],
                                                                           expected: kept.expected))
        }
        return scores
    }
}

/// How many times a method decided, and how many of those it got right.
struct Tally: Sendable {
    var decided = 0
    var right = 0

    mutating func count(_ wasRight: Bool) {
        decided += 1
        if wasRight { right += 1 }
    }

    /// Share right, 0 when none decided.
    var accuracy: Double { Double(right) / Double(max(decided, 1)) }

    /// `{"decided", "right"}` for the JSON report.
    var json: JSONValue { ["decided": .number(Double(decided)), "right": .number(Double(right))] }
}

extension ReceiptPipelineRun.Outcome {
    /// Counts one record: all labelled fields right (company, date, address and total), each
    /// field's deciding method and whether it was right, and whether its items add up. Where the
    /// model's choice decided a field, the rules' reading of `text` is scored too; where a field
    /// is wrong, whether the right value was among its options (`choiceCeiling`).
    mutating func score(_ result: PipelineRecordResult, text: String?) {
        if result.output?["items_match_total"]?.boolValue == true { itemsAddUp += 1 }
        guard let labels = result.labels, let output = result.output else { return }
        let decided = result.traces.first(where: { $0.tool == "extract_receipt_fields" })?.decisions ?? [:]
        var allRight = true, allReachable = true
        // The rules' own reading, read once and only when needed.
        var ruled: ReceiptEvidence?
        func evidence() -> ReceiptEvidence? {
            if ruled == nil, let text { ruled = ReceiptEvidenceReader.read(text) }
            return ruled
        }
        for field in ReceiptFieldsTool.fieldNames {
            guard let expected = labels[field] else { continue }
            let right = FieldScorer.matches(field: field, predicted: output[field], expected: expected)
            allRight = allRight && right
            let method = decided[field]?.keys.first
            if !right, method != FieldDecision.memory.rawValue, let found = evidence()?.fields[field], !found.isSure, found.candidates.count >= 2 {
                allReachable = allReachable && found.candidates.prefix(ReceiptPrompt.maxOptions).contains {
                    FieldScorer.matches(field: field, predicted: .string($0), expected: expected)
                }
            } else {
                allReachable = allReachable && right
            }
            guard let method else { continue }
            if [FieldDecision.rulesKept.rawValue, FieldDecision.rulesGated.rawValue].contains(method), let id = result.id {
                kept.append((id, field, expected))
            }
            if method == FieldDecision.modelChoice.rawValue, let evidence = evidence() {
                let value = evidence.fields[field]?.value ?? ""
                overruledRules[field, default: Tally()].count(FieldScorer.matches(field: field, predicted: .string(value), expected: expected))
            }
            methodScores[field, default: [:]][method, default: Tally()].count(right)
        }
        if allRight { allFieldsCorrect += 1 }
        if allReachable { choiceCeiling += 1 }
    }
}
