import Foundation
import TandemCore
import TandemRuntime

/// Where teaching is, for a progress bar.
public struct TeachingProgress: Sendable {
    /// "embedding", "cross-validation" or "fitting".
    public var stage: String
    /// Units done in this stage.
    public var done: Int
    /// Units in this stage.
    public var total: Int
}

/// What teaching produced.
public struct TeachingResult: Sendable {
    /// The classifier, fitted on every example.
    public var classifier: TaughtClassifier
    /// Cross-validated scores per method (ensemble included when asked for).
    public var scores: [MethodScore]
    /// Wall-clock seconds of the whole teach.
    public var seconds: Double
}

/// Teaches a classifier from labelled examples: embeds them, cross-validates every method, fits
/// calibration and ensemble weights on the out-of-fold predictions, picks the best method, then
/// fits the heads on every example.
public struct ClassifierTeacher: Sendable {
    /// Embeds the examples (its cache makes repeated teaching in one run cheap).
    public let embedder: TextEmbedder
    /// Needed only for the prompted methods.
    public let engine: Engine?
    /// Methods to teach and score.
    public var methods: [ClassifierMethod]
    /// Cross-validation folds.
    public var folds: Int
    /// Examples in a few-shot prompt.
    public var fewShotCount: Int
    /// Confidence threshold stored in the classifier.
    public var threshold: Double

    /// Creates a teacher.
    public init(embedder: TextEmbedder, engine: Engine? = nil,
                methods: [ClassifierMethod] = [.nearestNeighbours, .centroid, .linear, .ensemble],
                folds: Int = 5, fewShotCount: Int = 12, threshold: Double = 0.4) {
        self.embedder = embedder; self.engine = engine; self.methods = methods.sorted(); self.folds = folds
        self.fewShotCount = fewShotCount; self.threshold = threshold
    }

    /// Teaches from `examples`.
    public func teach(_ examples: [LabelledExample],
                      progress: (@Sendable (TeachingProgress) -> Void)? = nil) async throws -> TeachingResult {
        let start = Date()
        let set = try LabelSet(examples: examples)
        guard folds >= 2 else { throw ClassifierError.invalidParameter(name: "folds", reason: "must be ≥ 2") }
        if methods.contains(where: \.isPrompted), engine == nil {
            throw ClassifierError.methodUnavailable(methods.first(where: \.isPrompted)!, reason: "it needs a language-model engine")
        }
        let model = embedder.engine.model
        let classes = examples.map { set.index(of: $0.label)! }
        let embedTiming = await embedder.timing
        let vectors = try await embedder.embed(examples.map(\.text)) { done, total in
            progress?(TeachingProgress(stage: "embedding", done: done, total: total))
        }
        let chooser = engine.map { PromptedChooser(engine: $0, labels: set.labels) }
        let oof = try await OutOfFoldPredictions.compute(
            examples: examples, classes: classes, vectors: vectors, labels: set.labels, methods: methods,
            chooser: chooser, folds: min(folds, examples.count), fewShotCount: fewShotCount) { done, total in
            progress?(TeachingProgress(stage: "cross-validation", done: done, total: total))
        }
        let summary = OutOfFoldSummary(oof, truth: classes, classCount: set.labels.count,
                                       embedSecondsPerItem: await embedder.secondsPerText(since: embedTiming),
                                       includeEnsemble: methods.contains(.ensemble))
        progress?(TeachingProgress(stage: "fitting", done: 0, total: 1))
        let space = EmbeddingSpace(fitting: vectors)
        let linear = methods.contains(.linear)
            ? LogisticHead(vectors: vectors.map(space.project), classes: classes, classCount: set.labels.count) : nil
        let chosen = summary.scores.max { a, b in
            a.accuracy != b.accuracy ? a.accuracy < b.accuracy : a.macroF1 < b.macroF1
        }?.method ?? .nearestNeighbours
        progress?(TeachingProgress(stage: "fitting", done: 1, total: 1))
        let classifier = TaughtClassifier(
            modelSHA256: try model.sha256(), modelName: model.info.name ?? model.info.architecture, labels: set.labels,
            method: chosen, methods: methods, threshold: threshold, examples: examples, vectors: vectors,
            fewShotCount: fewShotCount, linear: linear, calibration: summary.calibration,
            ensembleWeights: summary.ensembleWeights, scores: summary.scores, embeddingLayers: embedder.engine.layers)
        return TeachingResult(classifier: classifier, scores: summary.scores, seconds: Date().timeIntervalSince(start))
    }
}

/// Scores, calibration and ensemble weights from out-of-fold predictions.
public struct OutOfFoldSummary: Sendable {
    /// Score per method, in method order.
    public var scores: [MethodScore] = []
    /// Calibration power per method.
    public var calibration: [ClassifierMethod: Double] = [:]
    /// Ensemble weights fitted on every row (for the final classifier).
    public var ensembleWeights: [ClassifierMethod: Double] = [:]

    /// Summarizes; the ensemble's score uses weights fitted on the other folds only.
    public init(_ oof: OutOfFoldPredictions, truth: [Int], classCount: Int, embedSecondsPerItem: Double,
                includeEnsemble: Bool) {
        var calibrated: [ClassifierMethod: [[Double]]] = [:]
        for (m, d) in oof.distributions {
            let power = EnsembleFit.calibrationPower(d, truth: truth)
            calibration[m] = power
            calibrated[m] = d.map { EnsembleFit.calibrated($0, power: power) }
        }
        func speed(_ seconds: Double) -> Double { 1 / max(embedSecondsPerItem + seconds, 1e-9) }
        for m in calibrated.keys.sorted() {
            scores.append(.score(method: m, predicted: calibrated[m]!.map(VectorMath.argmax), truth: truth,
                                 classCount: classCount, itemsPerSecond: speed(oof.secondsPerItem[m] ?? 0)))
        }
        guard includeEnsemble, !calibrated.isEmpty else { return }
        var predicted = [Int](repeating: 0, count: truth.count)
        for f in Set(oof.folds) {
            let others = truth.indices.filter { oof.folds[$0] != f }
            let weights = EnsembleFit.fitWeights(calibrated, truth: truth, rows: others)
            for r in truth.indices where oof.folds[r] == f {
                predicted[r] = VectorMath.argmax(EnsembleFit.combine(calibrated.mapValues { $0[r] }, weights: weights))
            }
        }
        ensembleWeights = EnsembleFit.fitWeights(calibrated, truth: truth, rows: Array(truth.indices))
        let cost = ensembleWeights.keys.reduce(0.0) { $0 + (oof.secondsPerItem[$1] ?? 0) }
        scores.append(.score(method: .ensemble, predicted: predicted, truth: truth, classCount: classCount,
                             itemsPerSecond: speed(cost)))
    }
}
