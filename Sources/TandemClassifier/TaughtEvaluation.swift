import Foundation
import TandemRuntime

/// Accuracy measurements of taught classifiers, for benchmarks: k-fold cross-validation inside one
/// example set, or teach-on-one-set, score-on-another. No row is ever scored by heads taught with it.
public enum TaughtEvaluation {
    /// k-fold cross-validated scores of every method in `methods` (`.ensemble` combines the others,
    /// with weights fitted on the other folds). Prompted methods need `engine`.
    public static func crossValidate(examples: [LabelledExample], model: LlamaModel, folds: Int = 5,
                                     methods: [ClassifierMethod] = ClassifierMethod.allCases, engine: Engine? = nil,
                                     embedder: TextEmbedder? = nil) async throws -> [MethodScore] {
        let embedder = try embedder ?? TextEmbedder(model: model)
        let teacher = ClassifierTeacher(embedder: embedder, engine: engine, methods: methods, folds: folds)
        return try await teacher.teach(examples).scores
    }

    /// Teaches on `train` (cross-validating inside it for calibration and ensemble weights) and
    /// scores every method on `test`.
    public static func trainTest(train: [LabelledExample], test: [LabelledExample], model: LlamaModel,
                                 methods: [ClassifierMethod] = ClassifierMethod.allCases, engine: Engine? = nil,
                                 embedder: TextEmbedder? = nil) async throws -> [MethodScore] {
        let embedder = try embedder ?? TextEmbedder(model: model)
        let result = try await ClassifierTeacher(embedder: embedder, engine: engine, methods: methods).teach(train)
        let classifier = result.classifier
        let session = try ClassifierSession(classifier: classifier, embedder: embedder, engine: engine)
        let labels = LabelSet(labels: classifier.labels)
        let kept = test.filter { labels.index(of: $0.label) != nil }
        let truth = kept.map { labels.index(of: $0.label)! }
        let embedStart = Date()
        _ = try await embedder.embed(kept.map(\.text))
        let embedSeconds = Date().timeIntervalSince(embedStart) / Double(max(kept.count, 1))
        var scores: [MethodScore] = []
        for m in methods.sorted() {
            let start = Date()
            let d = try await session.distributions(kept.map(\.text), methods: [m])
            let seconds = Date().timeIntervalSince(start) / Double(max(kept.count, 1))
            let predicted = d.map { VectorMath.argmax($0[m] ?? [0]) }
            scores.append(.score(method: m, predicted: predicted, truth: truth, classCount: labels.labels.count,
                                 itemsPerSecond: 1 / max(seconds + embedSeconds, 1e-9)))
        }
        return scores
    }
}
