import Foundation
import TandemCore
import TandemOrchestrator
import TandemWorkers

/// One method's answers for a task's rows, with how long they took.
struct MethodRun: Sendable {
    /// Per row: the predicted label, or nil when the call failed.
    var predictions: [String?]
    /// Rows the model could not answer, so the tool's keyword fallback did.
    var fallbacks: Int
    /// Per failed row: `file:line: why`.
    var failures: [String]
    var seconds: Double

    var itemsPerSecond: Double { seconds > 0 ? Double(predictions.count) / seconds : 0 }
}

/// A labelling task (line items, routing, intents, sentiment) run through the orchestrator's
/// local tools: once on the model (choice-constrained), once on the keyword baseline (no model).
struct ClassificationRun: Sendable {
    let task: AccuracyTask
    let rows: [FixtureFolder.Row]
    let labels: [String]
    let rules: KeywordRuleBook

    /// The tool call for one row; `model` nil gives the keyword baseline.
    func classify(_ row: FixtureFolder.Row, model: (any LocalModelClient)?) async throws -> (label: String?, fellBack: Bool) {
        let text = row.value[task.textKey]?.stringValue ?? ""
        let presentation = LabelPresentation(labels)
        let output: StepOutput
        var label: String?
        switch (task, model) {
        case (.sentiment, _):
            output = try await SentimentTool(rules: rules).run(["text": .string(text), "labels": .array(labels.map { .string($0) })], model: model)
            label = output.value["label"]?.stringValue
        case (.lineItems, _):
            // categorize_items on the model, or on its keyword rules alone when `model` is nil.
            let args: JSONValue = ["items": [.string(text)], "labels": .array(labels.map { .string($0) }), "label_set": .string(task.rawValue)]
            output = try await CategorizeItemsTool(rules: rules).run(args, model: model)
            label = output.value["items"]?[0]?["category"]?.stringValue
        case (_, nil):
            // The baseline sees the task's own text (for routing: the question, not the schema).
            let args: JSONValue = ["text": .string(text), "labels": .array(labels.map { .string($0) }), "label_set": .string(task.rawValue)]
            output = try await ClassifyTextTool(rules: rules).run(args, model: nil)
            label = output.value["label"]?.stringValue
        case (_, let model?):
            var input = text
            if task == .routing, let schema = row.value["schema"]?.stringValue { input += "\n\nDatabase tables: " + schema }
            let args: JSONValue = ["text": .string(input), "labels": .array(presentation.shown.map { .string($0) }),
                                   "instructions": .string(task.instructionBlock(labels: presentation.shown))]
            output = try await ClassifyTextTool(rules: rules).run(args, model: model)
            label = output.value["label"]?.stringValue.flatMap(presentation.original(for:))
        }
        return (label, model != nil && output.fallbackUnits > 0)
    }

    /// All rows through one method, `inFlight` at a time.
    func run(model: (any LocalModelClient)?, inFlight: Int, progress: ProgressBar?) async -> MethodRun {
        let start = Date()
        let answers = await boundedConcurrentMap(rows, limit: model == nil ? 1 : inFlight, progress: progress) { row -> Result<(String?, Bool), Error> in
            do { return .success(try await classify(row, model: model)) } catch { return .failure(error) }
        }
        var run = MethodRun(predictions: [], fallbacks: 0, failures: [], seconds: Date().timeIntervalSince(start))
        for (row, answer) in zip(rows, answers) {
            switch answer {
            case .success(let (label, fellBack)):
                run.predictions.append(label)
                if fellBack { run.fallbacks += 1 }
            case .failure(let error):
                run.predictions.append(nil)
                run.failures.append("\(task.file):\(row.line): \(error)")
            }
        }
        return run
    }

    /// Accuracy and macro-F1 of a run (a failed row counts as wrong).
    func score(_ run: MethodRun) -> ClassificationScore {
        ClassificationScore(zip(rows, run.predictions).map { row, predicted in
            (row.value[task.labelKey]?.stringValue ?? "", predicted ?? "(no answer)")
        })
    }

    /// The keyword rule book for the baseline: the config's rules per label, plus each label's
    /// own words spelled out (`AddToPlaylist` → add, playlist), so a label without rules still
    /// has a baseline.
    static func ruleBook(config: KeywordRuleBook?, tasks: [(AccuracyTask, [String])]) -> KeywordRuleBook {
        var sets: [String: KeywordRules] = [:]
        for (task, labels) in tasks {
            let configured = try? config?.rules(task.rawValue)
            if task == .sentiment { if let configured { sets[task.rawValue] = configured }; continue }
            sets[task.rawValue] = KeywordRules(labels.map { label in
                let readable = LabelPresentation.readable(label)
                let own = readable == label.lowercased() ? [] : readable.split(separator: " ").map(String.init).filter { $0.count > 2 }
                return (label, (configured?.keywords[label] ?? []) + own)
            })
        }
        return KeywordRuleBook(sets: sets)
    }
}
