import Foundation
import TandemClassifier
import TandemCore
import TandemRuntime

/// The accuracy suite's `taught` method for one labelling task: classifiers taught from fixture
/// rows (`TandemClassifier`), scored only on rows they were not taught with. Without a training
/// folder every row of the task's file is taught with in 5 folds and the suite's scored rows are
/// each answered by the classifier of the fold that left them out.
struct TaughtRun: Sendable {
    let task: AccuracyTask

    /// The text a classifier sees: the field the model method classifies, without the routing
    /// schema (the same for every row, so it only adds tokens to every embedding).
    func example(_ row: FixtureFolder.Row) -> LabelledExample {
        LabelledExample(text: row.value[task.textKey]?.stringValue ?? "", label: row.value[task.labelKey]?.stringValue ?? "")
    }

    /// Evaluates; `all` is every usable row of the scored file, `scored` the suite's (possibly
    /// limited) subset of it, `train` the training folder's rows when `--train` was given.
    func run(all: [FixtureFolder.Row], scored: [FixtureFolder.Row], train: [FixtureFolder.Row]?, embedder: TextEmbedder,
             engine: Engine?, settings: HeldOutSettings, teachRowLimit: Int?, progress: ProgressBar) async throws -> HeldOutReport {
        if let train {
            progress.begin("accuracy: \(task.rawValue) taught (train/test)")
            return try await TaughtEvaluation.trainTest(train: train.map(example), test: scored.map(example),
                                                        embedder: embedder, engine: engine, settings: settings)
        }
        let all = Self.pool(all, scored: scored, limit: teachRowLimit)
        let index = Dictionary(all.enumerated().map { ($0.element.line, $0.offset) }, uniquingKeysWith: { a, _ in a })
        progress.begin("accuracy: \(task.rawValue) taught (\(settings.folds)-fold)", total: settings.folds)
        return try await TaughtEvaluation.crossValidate(
            examples: all.map(example), scoring: scored.compactMap { index[$0.line] }, embedder: embedder, engine: engine,
            settings: settings) { _, _ in progress.advance() }
    }

    /// The rows cross-validation teaches from: all, or at most `limit` of them (every scored row,
    /// the rest spread over the file), in file order.
    static func pool(_ all: [FixtureFolder.Row], scored: [FixtureFolder.Row], limit: Int?) -> [FixtureFolder.Row] {
        guard let limit, limit < all.count else { return all }
        let kept = Set(scored.map(\.line))
        let others = all.filter { !kept.contains($0.line) }
        let extra = Set(FixtureFolder.spread(others, limit: max(0, limit - kept.count)).map(\.line))
        return all.filter { kept.contains($0.line) || extra.contains($0.line) }
    }

    /// The task's `taught` object in the suite's JSON: the chosen method's score and every method's.
    static func json(_ report: HeldOutReport, evaluation: String, settings: HeldOutSettings) -> JSONValue {
        func score(_ s: MethodScore) -> JSONValue {
            ["rows": .number(Double(s.count)), "accuracy": .number(s.accuracy), "macro_f1": .number(s.macroF1),
             "items_per_s": .number(s.itemsPerSecond)]
        }
        let counts = Dictionary(report.chosenMethods.map { ($0.rawValue, 1) }, uniquingKeysWith: +)
        return ["evaluation": .string(evaluation), "rows": .number(Double(report.chosen.count)),
                "accuracy": .number(report.chosen.accuracy), "macro_f1": .number(report.chosen.macroF1),
                "items_per_s": .number(report.chosen.itemsPerSecond),
                "chosen_methods": .object(counts.sorted { $0.key < $1.key }.map { ($0.key, .number(Double($0.value))) }),
                "few_shot_examples": .number(Double(settings.fewShotCount)), "seconds": .number(report.seconds),
                "methods": .object(report.scores.map { ($0.method.rawValue, score($0)) })]
    }

    /// One markdown row: task, evaluation, rows, each method's accuracy, the chosen one and its speed.
    static func tableRow(task: AccuracyTask, _ report: HeldOutReport, methods: [ClassifierMethod]) -> [String] {
        let byMethod = Dictionary(report.scores.map { ($0.method, $0) }, uniquingKeysWith: { a, _ in a })
        let cells = methods.map { m -> String in
            guard let s = byMethod[m] else { return "–" }
            return fixed(s.accuracy, 3) + (s.count == report.chosen.count ? "" : " (\(s.count) rows)")
        }
        let picked = Set(report.chosenMethods).sorted().map(\.rawValue).joined(separator: "/")
        return [task.rawValue, String(report.chosen.count)] + cells
            + ["\(fixed(report.chosen.accuracy, 3)) (\(picked))", fixed(report.chosen.itemsPerSecond, 1)]
    }
}
