import Foundation

/// A classifier taught from labelled examples for one embedding model: the examples and their
/// vectors, the fitted heads, calibration, ensemble weights and the method chosen by cross-validation.
/// Pure values: running it needs a `ClassifierSession` (the model, and an engine for prompted methods).
public struct TaughtClassifier: Sendable {
    /// sha256 of the GGUF file whose embeddings the vectors are.
    public let modelSHA256: String
    /// The model's name, for messages.
    public let modelName: String
    /// The model layers whose pooled hidden states the vectors are (empty: the final output).
    public let embeddingLayers: [Int]
    /// Labels (index = class id).
    public let labels: [String]
    /// The method `classify` uses by default.
    public var method: ClassifierMethod
    /// Methods taught (prompted ones need an engine at run time).
    public let methods: [ClassifierMethod]
    /// Predictions under this probability are marked not confident (the caller's fallback decides).
    public var threshold: Double
    /// Taught examples (few-shot shows the nearest ones).
    public let examples: [LabelledExample]
    /// Raw (unprojected) embeddings of `examples`.
    public let vectors: [[Float]]
    /// Examples put in a few-shot prompt.
    public let fewShotCount: Int
    /// Logistic head, when taught.
    public let linear: LogisticHead?
    /// Calibration power per method (see `EnsembleFit.calibrated`).
    public let calibration: [ClassifierMethod: Double]
    /// Ensemble member weights.
    public let ensembleWeights: [ClassifierMethod: Double]
    /// Cross-validated scores from teaching.
    public let scores: [MethodScore]
    /// Mean-centring fitted on `vectors`.
    public let space: EmbeddingSpace
    /// kNN over the projected vectors.
    public let nearest: NearestNeighbourHead
    /// Class centroids.
    public let centroid: CentroidHead

    /// Assembles a classifier; the vector heads are rebuilt from `vectors` (they are deterministic).
    public init(modelSHA256: String, modelName: String, labels: [String], method: ClassifierMethod,
                methods: [ClassifierMethod], threshold: Double, examples: [LabelledExample], vectors: [[Float]],
                fewShotCount: Int, linear: LogisticHead?, calibration: [ClassifierMethod: Double],
                ensembleWeights: [ClassifierMethod: Double], scores: [MethodScore], neighbours: Int = 7,
                embeddingLayers: [Int] = []) {
        self.modelSHA256 = modelSHA256; self.modelName = modelName; self.labels = labels; self.method = method
        self.embeddingLayers = embeddingLayers
        self.methods = methods; self.threshold = threshold; self.examples = examples; self.vectors = vectors
        self.fewShotCount = fewShotCount; self.linear = linear; self.calibration = calibration
        self.ensembleWeights = ensembleWeights; self.scores = scores
        let set = LabelSet(labels: labels)
        let classes = examples.map { set.index(of: $0.label) ?? 0 }
        space = EmbeddingSpace(fitting: vectors)
        let projected = vectors.map(space.project)
        nearest = NearestNeighbourHead(vectors: projected, classes: classes, classCount: labels.count, k: neighbours)
        centroid = CentroidHead(vectors: projected, classes: classes, classCount: labels.count)
    }

    /// The prompted methods `method` needs at run time.
    public var promptedMethodsNeeded: [ClassifierMethod] {
        let used: [ClassifierMethod] = method == .ensemble ? Array(ensembleWeights.keys) : [method]
        return used.filter(\.isPrompted).sorted()
    }

    /// The `fewShotCount` nearest examples to a projected vector, most similar last.
    public func fewShotExamples(for projected: [Float]) -> [LabelledExample] {
        nearest.nearest(projected, count: fewShotCount).reversed().map { examples[$0.index] }
    }

    /// Calibrated distributions of every method that can run, given the prompted ones already computed.
    public func distributions(projected: [Float], prompted: [ClassifierMethod: [Double]] = [:]) -> [ClassifierMethod: [Double]] {
        var raw = prompted
        raw[.nearestNeighbours] = nearest.distribution(projected)
        raw[.centroid] = centroid.distribution(projected)
        if let linear { raw[.linear] = linear.distribution(projected) }
        var out: [ClassifierMethod: [Double]] = [:]
        for (m, p) in raw { out[m] = EnsembleFit.calibrated(p, power: calibration[m] ?? 1) }
        if !ensembleWeights.isEmpty, ensembleWeights.keys.allSatisfy({ out[$0] != nil }) {
            out[.ensemble] = EnsembleFit.combine(out, weights: ensembleWeights)
        }
        return out
    }

    /// The prediction of `method` from its distribution.
    public func prediction(from distributions: [ClassifierMethod: [Double]], method: ClassifierMethod? = nil) throws -> Prediction {
        let m = method ?? self.method
        guard let p = distributions[m] else {
            throw ClassifierError.methodUnavailable(m, reason: "it was not taught or needs an engine; teach with --methods including it")
        }
        let best = VectorMath.argmax(p)
        return Prediction(label: labels[best], probability: p[best], method: m, isConfident: p[best] >= threshold)
    }
}
