import Foundation
import TandemRuntime

/// Accuracy of taught classifiers, for benchmarks: k-fold cross-validation inside one example
/// set, or teach-on-one-set, score-on-another. No row is ever scored by a classifier taught with
/// it, and each classifier fits its calibration, ensemble weights and method choice (by its own
/// inner cross-validation) on its training rows alone, so the chosen method's score is what
/// `tandem teach` + `tandem classify` would get on unseen rows.
public enum TaughtEvaluation {
    /// The outer folds: row indices taught with and row indices scored, per fold. Stratified by
    /// label (`OutOfFoldPredictions.assignFolds`); every row is scored by exactly one fold.
    public static func foldSplits(labels: [String], folds: Int) -> [(train: [Int], test: [Int])] {
        var ids: [String: Int] = [:]
        var classes: [Int] = []
        for label in labels {
            if ids[label] == nil { ids[label] = ids.count }
            classes.append(ids[label]!)
        }
        let folds = OutOfFoldPredictions.assignFolds(classes: classes, count: max(1, folds))
        return Set(folds).sorted().map { f in
            (labels.indices.filter { folds[$0] != f }, labels.indices.filter { folds[$0] == f })
        }
    }

    /// `settings.folds`-fold cross-validation over `examples`; only the rows in `scoring` (all when
    /// nil) are predicted and scored, each by the classifier taught on the other folds.
    public static func crossValidate(examples: [LabelledExample], scoring: [Int]? = nil, embedder: TextEmbedder,
                                     engine: Engine? = nil, settings: HeldOutSettings = HeldOutSettings(),
                                     progress: (@Sendable (Int, Int) -> Void)? = nil) async throws -> HeldOutReport {
        guard settings.folds >= 2 else { throw ClassifierError.invalidParameter(name: "folds", reason: "must be ≥ 2") }
        let start = Date()
        let embedTiming = await embedder.timing
        let scored = scoring ?? Array(examples.indices)
        let prompted = Set(spread(scored, limit: settings.promptedRowLimit))
        let splits = foldSplits(labels: examples.map(\.label), folds: min(settings.folds, examples.count))
        // Embed every row once up front; each fold's teaching then reads the cache.
        _ = try await embedder.embed(examples.map(\.text))
        var tally = HeldOutTally(), chosenTally = HeldOutTally()
        var chosenMethods: [ClassifierMethod] = []
        var chosenLabel: [Int: String] = [:]
        var chosenProbability: [Int: Double] = [:]
        let wanted = Set(scored)
        for (i, split) in splits.enumerated() {
            let test = split.test.filter(wanted.contains)
            if !test.isEmpty {
                let outcome = try await teachAndPredict(
                    train: split.train.map { examples[$0] }, test: test.map { examples[$0] },
                    prompted: Set(test.indices.filter { prompted.contains(test[$0]) }), embedder: embedder,
                    engine: engine, settings: settings, tally: &tally, chosenTally: &chosenTally)
                chosenMethods.append(outcome.method)
                for (row, label) in zip(test, outcome.labels) { chosenLabel[row] = label }
                for (row, p) in zip(test, outcome.probabilities) { chosenProbability[row] = p }
            }
            progress?(i + 1, splits.count)
        }
        return try report(tally, chosenTally, chosenMethods: chosenMethods,
                                chosenLabels: scored.map { chosenLabel[$0] ?? "" },
                                chosenProbabilities: scored.map { chosenProbability[$0] ?? 0 }, settings: settings,
                                embedSecondsPerText: await embedder.secondsPerText(since: embedTiming), start: start)
    }

    /// Teaches on `train` (cross-validating inside it) and scores every method on `test`. Test
    /// rows whose label was never taught count as wrong.
    public static func trainTest(train: [LabelledExample], test: [LabelledExample], embedder: TextEmbedder,
                                 engine: Engine? = nil, settings: HeldOutSettings = HeldOutSettings()) async throws -> HeldOutReport {
        let start = Date()
        let embedTiming = await embedder.timing
        _ = try await embedder.embed(train.map(\.text) + test.map(\.text))
        var tally = HeldOutTally(), chosenTally = HeldOutTally()
        let outcome = try await teachAndPredict(
            train: train, test: test, prompted: Set(spread(Array(test.indices), limit: settings.promptedRowLimit)),
            embedder: embedder, engine: engine, settings: settings, tally: &tally, chosenTally: &chosenTally)
        return try report(tally, chosenTally, chosenMethods: [outcome.method], chosenLabels: outcome.labels,
                                chosenProbabilities: outcome.probabilities,
                                settings: settings, embedSecondsPerText: await embedder.secondsPerText(since: embedTiming), start: start)
    }

    /// Teaches one classifier on `train` and records every asked method's answer for `test`
    /// (prompted methods only for the rows in `prompted`). Returns the classifier's own choice,
    /// with the calibrated probability `tandem classify` would report for it.
    private static func teachAndPredict(train: [LabelledExample], test: [LabelledExample], prompted: Set<Int>,
                                        embedder: TextEmbedder, engine: Engine?, settings: HeldOutSettings,
                                        tally: inout HeldOutTally, chosenTally: inout HeldOutTally)
        async throws -> (method: ClassifierMethod, labels: [String], probabilities: [Double]) {
        let teacher = ClassifierTeacher(embedder: embedder, methods: settings.taughtMethods, folds: settings.innerFolds,
                                        fewShotCount: settings.fewShotCount)
        let classifier = try await teacher.teach(train).classifier
        let projected = try await embedder.embed(test.map(\.text)).map(classifier.space.project)
        var answers: [ClassifierMethod: [String]] = [:]
        var seconds: [ClassifierMethod: Double] = [:]
        for m in settings.taughtMethods {
            let started = Date()
            let labels = projected.map { p -> String in
                // Each head alone, so the timing is that method's own cost.
                let d: [Double]? = switch m {
                case .nearestNeighbours: classifier.nearest.distribution(p)
                case .centroid: classifier.centroid.distribution(p)
                case .linear: classifier.linear?.distribution(p)
                default: classifier.distributions(projected: p)[m]
                }
                return d.map { classifier.labels[VectorMath.argmax($0)] } ?? ""
            }
            seconds[m] = Date().timeIntervalSince(started)
            answers[m] = labels
        }
        for m in settings.methods where m.isPrompted {
            guard let engine else { throw ClassifierError.methodUnavailable(m, reason: "it needs a language-model engine") }
            let rows = prompted.sorted()
            guard !rows.isEmpty else { continue }
            let started = Date()
            let shots = m == .fewShot ? rows.map { classifier.fewShotExamples(for: projected[$0]) } : []
            let d = try await PromptedChooser(engine: engine, labels: classifier.labels)
                .distributions(for: rows.map { test[$0].text }, examples: shots)
            tally.addSeconds(m, Date().timeIntervalSince(started))
            for (r, p) in zip(rows, d) { tally.add(m, truth: test[r].label, predicted: classifier.labels[VectorMath.argmax(p)]) }
        }
        for m in settings.methods where !m.isPrompted {
            guard let labels = answers[m] else { continue }
            tally.addSeconds(m, seconds[m] ?? 0)
            for (e, p) in zip(test, labels) { tally.add(m, truth: e.label, predicted: p) }
        }
        let chosen = answers[classifier.method] ?? answers.values.first ?? []
        chosenTally.addSeconds(.ensemble, seconds[classifier.method] ?? 0)
        for (e, p) in zip(test, chosen) { chosenTally.add(.ensemble, truth: e.label, predicted: p) }
        let probabilities = projected.map { p in
            (try? classifier.prediction(from: classifier.distributions(projected: p)).probability) ?? 0
        }
        return (classifier.method, chosen, probabilities)
    }

    private static func report(_ tally: HeldOutTally, _ chosenTally: HeldOutTally, chosenMethods: [ClassifierMethod],
                               chosenLabels: [String], chosenProbabilities: [Double], settings: HeldOutSettings,
                               embedSecondsPerText embed: Double,
                               start: Date) throws -> HeldOutReport {
        let counts = Dictionary(chosenMethods.map { ($0, 1) }, uniquingKeysWith: +)
        let modal = counts.max { a, b in a.value != b.value ? a.value < b.value : a.key > b.key }?.key ?? .nearestNeighbours
        guard let chosen = chosenTally.score(.ensemble, embedSecondsPerText: embed, as: modal) else {
            throw ClassifierError.invalidParameter(name: "scored rows", reason: "must not be empty")
        }
        return HeldOutReport(scores: settings.methods.compactMap { tally.score($0, embedSecondsPerText: embed) },
                             chosen: chosen, chosenMethods: chosenMethods, chosenLabels: chosenLabels,
                             chosenProbabilities: chosenProbabilities,
                             seconds: Date().timeIntervalSince(start))
    }

    /// `limit` of `rows` spread evenly (files are often grouped by label).
    static func spread(_ rows: [Int], limit: Int?) -> [Int] {
        guard let limit, limit < rows.count else { return rows }
        return (0..<limit).map { rows[$0 * rows.count / limit] }
    }
}
