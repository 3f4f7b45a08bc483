import Foundation

/// Out-of-fold predictions: every row is predicted by heads fitted without its fold, so no score
/// or calibration ever sees a row's own label.
public struct OutOfFoldPredictions: Sendable {
    /// Raw distribution per method, per row.
    public var distributions: [ClassifierMethod: [[Double]]] = [:]
    /// The fold of each row.
    public var folds: [Int]
    /// Seconds per item spent in each method (embedding not included).
    public var secondsPerItem: [ClassifierMethod: Double] = [:]

    /// Stratified, deterministic fold assignment: each label's rows are spread evenly over the folds
    /// after a seeded shuffle, so a label with few rows is not left out of every training set.
    public static func assignFolds(classes: [Int], count: Int, seed: UInt64 = 7) -> [Int] {
        var state = seed
        func next() -> UInt64 { state = state &* 6364136223846793005 &+ 1442695040888963407; return state >> 33 }
        var order = Array(classes.indices)
        for i in stride(from: order.count - 1, to: 0, by: -1) { order.swapAt(i, Int(next() % UInt64(i + 1))) }
        var folds = [Int](repeating: 0, count: classes.count)
        var perClass: [Int: Int] = [:]
        for i in order {
            let n = perClass[classes[i], default: 0]
            folds[i] = n % count
            perClass[classes[i]] = n + 1
        }
        return folds
    }

    /// Fits the heads on all folds but one and predicts that one, for every fold.
    public static func compute(examples: [LabelledExample], classes: [Int], vectors: [[Float]], labels: [String],
                               methods: [ClassifierMethod], chooser: PromptedChooser?, folds foldCount: Int,
                               fewShotCount: Int, progress: (@Sendable (Int, Int) -> Void)? = nil) async throws -> OutOfFoldPredictions {
        let folds = assignFolds(classes: classes, count: foldCount)
        var out = OutOfFoldPredictions(folds: folds)
        let base = methods.filter { $0 != .ensemble }
        for m in base { out.distributions[m] = [[Double]](repeating: [], count: examples.count) }
        var seconds: [ClassifierMethod: Double] = [:]
        for f in 0..<foldCount {
            let train = folds.indices.filter { folds[$0] != f }
            let test = folds.indices.filter { folds[$0] == f }
            guard !test.isEmpty, !train.isEmpty else { continue }
            let space = EmbeddingSpace(fitting: train.map { vectors[$0] })
            let trainVectors = train.map { space.project(vectors[$0]) }
            let trainClasses = train.map { classes[$0] }
            let testVectors = test.map { space.project(vectors[$0]) }
            var start = Date()
            let knn = NearestNeighbourHead(vectors: trainVectors, classes: trainClasses, classCount: labels.count)
            if base.contains(.nearestNeighbours) {
                for (r, v) in zip(test, testVectors) { out.distributions[.nearestNeighbours]![r] = knn.distribution(v) }
                seconds[.nearestNeighbours, default: 0] += Date().timeIntervalSince(start)
            }
            if base.contains(.centroid) {
                start = Date()
                let head = CentroidHead(vectors: trainVectors, classes: trainClasses, classCount: labels.count)
                for (r, v) in zip(test, testVectors) { out.distributions[.centroid]![r] = head.distribution(v) }
                seconds[.centroid, default: 0] += Date().timeIntervalSince(start)
            }
            if base.contains(.linear) {
                start = Date()
                let head = LogisticHead(vectors: trainVectors, classes: trainClasses, classCount: labels.count)
                let fitted = Date()
                for (r, v) in zip(test, testVectors) { out.distributions[.linear]![r] = head.distribution(v) }
                // Per-item cost is prediction only; training is a one-off.
                seconds[.linear, default: 0] += Date().timeIntervalSince(fitted)
            }
            for m in base where m.isPrompted {
                guard let chooser else {
                    throw ClassifierError.methodUnavailable(m, reason: "it needs a language-model engine")
                }
                start = Date()
                let shots: [[LabelledExample]] = m == .fewShot
                    ? testVectors.map { v in knn.nearest(v, count: fewShotCount).reversed().map { examples[train[$0.index]] } }
                    : []
                let d = try await chooser.distributions(for: test.map { examples[$0].text }, examples: shots)
                for (r, p) in zip(test, d) { out.distributions[m]![r] = p }
                seconds[m, default: 0] += Date().timeIntervalSince(start)
            }
            progress?(f + 1, foldCount)
        }
        for (m, s) in seconds { out.secondsPerItem[m] = s / Double(max(examples.count, 1)) }
        return out
    }
}
