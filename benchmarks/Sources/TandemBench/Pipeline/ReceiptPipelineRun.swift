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

    /// What one side produced.
    struct Outcome: Sendable {
        var summary: PipelineSummary
        /// Receipts with company, date, address and total all right.
        var allFieldsCorrect = 0
        var seconds = 0.0
        var recordsPerSecond: Double { seconds > 0 ? Double(summary.records) / seconds : 0 }
        var accuracy: Double { summary.records > 0 ? Double(allFieldsCorrect) / Double(summary.records) : 0 }
    }

    /// Runs every row, one fold after another (each with its memory), the fold's records `concurrency` at a time.
    func run(model: (any LocalModelClient)?, progress: ProgressBar?) async throws -> Outcome {
        let folds = Dictionary(grouping: rows) { teaching.fold(of: $0) ?? -1 }.sorted { $0.key < $1.key }
        var outcome: Outcome?
        let start = Date()
        for (fold, foldRows) in folds {
            let examples = teaching.pool.filter { teaching.teaches($0, fold: fold < 0 ? nil : fold) }
                .compactMap { ReceiptFieldMemory.Example(record: $0.value) }
            let registry = StandardWorkers.registry(localModel: model, rules: rules,
                                                    receiptMemory: examples.isEmpty ? nil : ReceiptFieldMemory(examples: examples))
            let plan = try PlanValidator(registry: registry).compile(text: planText)
            let runner = PipelineRunner(plan: plan, executor: DAGExecutor(registry: registry),
                                        options: PipelineOptions(concurrency: concurrency, fieldMatcher: .standard))
            let lines = foldRows.map { JSONLLine.record(line: $0.line, value: $0.value) }
            var correct = 0
            let summary = try await runner.run(lines, continuing: outcome?.summary, onResult: { result in
                if Self.allFieldsRight(result) { correct += 1 }
                progress?.advance()
            })
            outcome = Outcome(summary: summary, allFieldsCorrect: (outcome?.allFieldsCorrect ?? 0) + correct)
        }
        let empty = PipelineSummary(plan: try Plan.parse(planText))
        var done = outcome ?? Outcome(summary: empty)
        done.seconds = Date().timeIntervalSince(start)
        return done
    }

    /// Company, date, address and total all match the labels.
    static func allFieldsRight(_ result: PipelineRecordResult) -> Bool {
        guard let labels = result.labels, let output = result.output else { return false }
        return ["company", "date", "address", "total"].allSatisfy { field in
            guard let expected = labels[field] else { return true }
            return FieldScorer.matches(field: field, predicted: output[field], expected: expected)
        }
    }
}
