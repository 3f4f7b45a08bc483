import Foundation
import TandemClassifier
import TandemCore
import TandemOrchestrator
import TandemWorkers
import TandemRuntime

/// What the accuracy suite measured on one task, whichever methods ran.
struct TaskOutcome: Sendable {
    var cells: [AccuracyMethod: AccuracySuite.Cell] = [:]
    var json: JSONValue
    var failures: [String] = []
    /// One record per scored row (gold and each method's answer), for `--rows-out`.
    var rowRecords: [JSONValue]
    var extraTables: [MarkdownTable] = []
    /// The model method's fallback count, for the table.
    var fellBack = "–"
    /// Why the model trails the keyword rules, when it does.
    var why: String?
    var taught: HeldOutReport?
    /// Line items: keyword rules, taught classifier and model together (`CombinedRun`).
    var combined: AccuracySuite.Cell?

    init(task: AccuracyTask, rows: [FixtureFolder.Row]) {
        json = ["rows": .number(Double(rows.count))]
        rowRecords = rows.map { row in
            ["task": .string(task.rawValue), "line": .number(Double(row.line)), "id": row.value["id"] ?? .null,
             "gold": row.value[task == .receipts ? "fields" : task.labelKey] ?? .null]
        }
    }

    mutating func set(_ key: String, _ value: JSONValue) { json = json.setting(key, to: value) }

    /// Adds a method's answer to every row record.
    mutating func answers(_ method: AccuracyMethod, _ values: [JSONValue]) { answers(named: method.rawValue, values) }

    /// Adds an answer under `name` to every row record.
    mutating func answers(named name: String, _ values: [JSONValue]) {
        for i in rowRecords.indices where i < values.count { rowRecords[i] = rowRecords[i].setting(name, to: values[i]) }
    }
}

/// Runs the selected methods on one task for `AccuracySuite`.
struct AccuracyTaskRunner: Sendable {
    let ctx: BenchContext
    let rules: KeywordRuleBook
    let client: EngineModelClient?
    let engine: Engine?
    let embedder: TextEmbedder?
    let trainFolder: FixtureFolder?

    /// Receipts through `extract_receipt_fields`: on the model, on the rules alone, and taught
    /// (the rules with a memory of the teaching receipts; plus retrieval few-shot on the model,
    /// reported beside it, when a model is loaded).
    func receipts(_ input: AccuracySuite.Input, methods: [AccuracyMethod], into out: inout TaskOutcome) async {
        let run = ReceiptRun(rows: input.scored)
        let o = ctx.options
        let fewShot = methods.contains(.taught) && engine != nil && embedder != nil
        ctx.progress.begin("accuracy: receipts", total: input.scored.count * (methods.count + (fewShot ? 1 : 0)))
        typealias Score = (perField: [(String, Double)], allCorrect: Double)
        var columns: [(name: String, score: Score)] = []
        var fewShotColumn: (name: String, score: Score)?
        for m in methods {
            var answers: ReceiptRun.Answers
            var extra: [(String, JSONValue)] = []
            if m == .taught {
                let teaching: ReceiptTeaching
                do {
                    let train = try trainRows(.receipts, into: &out)
                    if trainFolder != nil && train == nil { continue }
                    teaching = ReceiptTeaching(all: input.all, train: train, folds: o.accuracy.taught.folds, groupBy: o.accuracy.receiptFoldGroup)
                } catch {
                    out.failures.append("taught receipts: \(error)")
                    continue
                }
                let memory = await ReceiptMemoryRun(scored: input.scored, teaching: teaching).run(progress: ctx.progress)
                answers = memory.answers
                extra.append(("method", "memory: rules, then company and address recalled from the teaching receipts"))
                extra.append(("rows_corrected_by_memory", .number(Double(memory.corrected))))
                if fewShot, let engine, let embedder {
                    do {
                        let shots = try await ReceiptFewShotRun(scored: input.scored, teaching: teaching)
                            .run(engine: engine, embedder: embedder, inFlight: o.accuracyInFlight, progress: ctx.progress)
                        let s = run.score(shots)
                        fewShotColumn = ("taught few-shot", s)
                        extra.append(("fewshot", Self.receiptJSON(s, shots).setting("few_shot_examples", to: .number(Double(ReceiptFewShotRun.examples)))))
                        out.failures += shots.failures
                    } catch {
                        out.failures.append("taught receipts (few-shot): \(error)")
                    }
                }
            } else {
                answers = await run.run(model: m == .model ? client : nil, inFlight: m == .model ? o.accuracyInFlight : 1, progress: ctx.progress)
            }
            let s = run.score(answers)
            columns.append((m.rawValue, s))
            out.cells[m] = AccuracySuite.Cell(score: s.allCorrect, macroF1: nil, itemsPerSecond: answers.itemsPerSecond)
            var json = Self.receiptJSON(s, answers)
            for (k, v) in extra { json = json.setting(k, to: v) }
            out.set(m.rawValue, json)
            out.answers(m, answers.fields.map { $0 ?? .null })
            out.failures += answers.failures
            if m == .model { out.fellBack = "\(answers.repaired) rows repaired by rules" }
        }
        if let fewShotColumn { columns.append(fewShotColumn) }
        var fields = MarkdownTable(title: "Receipts: per-field exact match (normalised)", headers: ["field"] + columns.map(\.name))
        for (i, name) in run.fieldNames.enumerated() { fields.rows.append([name] + columns.map { fixed($0.score.perField[i].1, 3) }) }
        fields.rows.append(["all fields correct"] + columns.map { fixed($0.score.allCorrect, 3) })
        out.extraTables.append(fields)
        let scores = Dictionary(columns.map { ($0.name, $0.score) }, uniquingKeysWith: { a, _ in a })
        if let m = scores["model"], let k = scores["keyword"],
           let worst = zip(m.perField, k.perField).max(by: { ($0.1.1 - $0.0.1) < ($1.1.1 - $1.0.1) }) {
            out.why = "widest gap on \(worst.0.0): \(fixed(worst.0.1, 2)) vs \(fixed(worst.1.1, 2))"
        }
    }

    private static func receiptJSON(_ s: (perField: [(String, Double)], allCorrect: Double), _ answers: ReceiptRun.Answers) -> JSONValue {
        ["per_field_exact": .object(s.perField.map { ($0.0, .number($0.1)) }), "all_fields_correct": .number(s.allCorrect),
         "items_per_s": .number(answers.itemsPerSecond), "seconds": .number(answers.seconds),
         "rows_repaired_by_rules": .number(Double(answers.repaired)), "failed_rows": .number(Double(answers.failures.count))]
    }

    /// A labelling task: the model's constrained choice, the keyword rules, taught classifiers.
    func classification(_ input: AccuracySuite.Input, methods: [AccuracyMethod], into out: inout TaskOutcome) async throws {
        let task = input.task
        let o = ctx.options
        out.set("labels", .array(input.labels.map { .string($0) }))
        let run = ClassificationRun(task: task, rows: input.scored, labels: input.labels, rules: rules)
        let runs = methods.filter { $0 != .taught }
        if !runs.isEmpty { ctx.progress.begin("accuracy: \(task.rawValue)", total: input.scored.count * runs.count) }
        var modelAnswers: [String?]?
        for m in runs {
            let r = await run.run(model: m == .model ? client : nil, inFlight: m == .model ? o.accuracyInFlight : 1, progress: ctx.progress)
            let s = run.score(r)
            out.cells[m] = AccuracySuite.Cell(score: s.accuracy, macroF1: s.macroF1, itemsPerSecond: r.itemsPerSecond)
            out.set(m.rawValue, s.json.setting("items_per_s", to: .number(r.itemsPerSecond)).setting("seconds", to: .number(r.seconds))
                .setting("fallback_rows", to: .number(Double(r.fallbacks))).setting("failed_rows", to: .number(Double(r.failures.count))))
            out.answers(m, r.predictions.map { $0.map { .string($0) } ?? .null })
            out.failures += r.failures
            if m == .model {
                modelAnswers = r.predictions
                out.fellBack = String(r.fallbacks)
                out.why = Self.dominantAnswer(r.predictions)
            }
        }
        guard methods.contains(.taught), let embedder else { return }
        let train = try trainRows(task, into: &out)
        if trainFolder != nil && train == nil { return }
        let settings = o.accuracy.taught
        do {
            let report = try await TaughtRun(task: task).run(all: input.all, scored: input.scored, train: train, embedder: embedder,
                                                             engine: engine, settings: settings,
                                                             teachRowLimit: o.accuracy.teachRowLimit, progress: ctx.progress)
            out.taught = report
            out.cells[.taught] = AccuracySuite.Cell(score: report.chosen.accuracy, macroF1: report.chosen.macroF1,
                                                    itemsPerSecond: report.chosen.itemsPerSecond)
            out.set("taught", TaughtRun.json(report, evaluation: o.accuracy.evaluation, settings: settings))
            out.answers(.taught, report.chosenLabels.map { .string($0) })
            if task == .lineItems { combined(input, report: report, train: train, model: modelAnswers, into: &out) }
        } catch {
            out.failures.append("taught \(task.rawValue): \(error)")
        }
    }

    /// Line items as `categorize_items` answers them with keyword rules, a taught classifier and
    /// (when the model method ran) the model together; see `CombinedRun`.
    private func combined(_ input: AccuracySuite.Input, report: HeldOutReport, train: [FixtureFolder.Row]?,
                          model: [String?]?, into out: inout TaskOutcome) {
        let task = input.task
        func example(_ row: FixtureFolder.Row) -> (text: String, label: String) {
            let e = TaughtRun(task: task).example(row)
            return (e.text, e.label)
        }
        // Each scored row's training rows: the --train folder, or the cross-validation fold that left it out.
        var foldOf: [Int: Int] = [:]
        var foldExamples: [[(text: String, label: String)]] = []
        if let train {
            foldExamples = [train.map(example)]
        } else {
            let pool = TaughtRun.pool(input.all, scored: input.scored, limit: ctx.options.accuracy.teachRowLimit)
            let splits = TaughtEvaluation.foldSplits(labels: pool.map { example($0).label },
                                                     folds: min(ctx.options.accuracy.taught.folds, pool.count))
            for (f, split) in splits.enumerated() {
                foldExamples.append(split.train.map { example(pool[$0]) })
                for r in split.test { foldOf[pool[r].line] = f }
            }
        }
        let answers = CombinedRun(task: task, labels: input.labels, rules: rules)
            .answers(scored: input.scored, taught: report, model: model) { i in
                let f = foldOf[input.scored[i].line] ?? 0
                return (f, foldExamples[f])
            }
        let score = ClassificationScore(zip(input.scored, answers.labels).map { ($0.value[task.labelKey]?.stringValue ?? "", $1) })
        out.combined = AccuracySuite.Cell(score: score.accuracy, macroF1: score.macroF1, itemsPerSecond: report.chosen.itemsPerSecond)
        out.set("combined", score.json
            .setting("decided_by", to: .object(answers.methods.sorted { $0.key < $1.key }.map { ($0.key, .number(Double($0.value))) }))
            .setting("rows_asking_model", to: .number(Double(answers.askedModel)))
            .setting("model_answers_used", to: .bool(model != nil)))
        out.answers(named: "combined", answers.labels.map { .string($0) })
    }

    /// The `--train` folder's rows for `task`: nil without a training folder, or (with a failure
    /// noted) when the folder lacks the task's file.
    private func trainRows(_ task: AccuracyTask, into out: inout TaskOutcome) throws -> [FixtureFolder.Row]? {
        guard let trainFolder else { return nil }
        guard trainFolder.tasks.contains(task) else {
            out.failures.append("taught: \(trainFolder.directory) has no \(task.file) to teach \(task.rawValue) from")
            return nil
        }
        let read = try trainFolder.rows(task)
        if !read.problems.isEmpty { out.failures.append("taught: \(read.problems.count) training line(s) skipped: \(read.problems.prefix(3).joined(separator: "; "))") }
        return read.rows
    }

    /// "answers X for N% of rows": a small model's pull towards one label, the usual reason it
    /// trails the keyword rules on a labelling task.
    static func dominantAnswer(_ predictions: [String?]) -> String? {
        let answered = predictions.compactMap { $0 }
        guard !answered.isEmpty else { return nil }
        let counts = Dictionary(answered.map { ($0, 1) }, uniquingKeysWith: +)
        guard let top = counts.max(by: { $0.value < $1.value }) else { return nil }
        return "the model answers '\(top.key)' for \(Int((Double(top.value) / Double(predictions.count) * 100).rounded()))% of rows"
    }
}
