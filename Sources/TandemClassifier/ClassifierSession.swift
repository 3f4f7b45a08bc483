import Foundation
import TandemRuntime

/// A taught classifier bound to its model: embeds texts and runs the chosen method (prompted
/// methods through `engine`). Refuses a classifier taught with another model file.
public struct ClassifierSession: Sendable {
    /// The classifier.
    public let classifier: TaughtClassifier
    /// Embeds the texts to classify.
    public let embedder: TextEmbedder
    /// Runs few-shot and zero-shot prompts; nil when the classifier's method needs none.
    public let engine: Engine?

    /// Binds `classifier` to `embedder`'s model, checking the model's sha256.
    public init(classifier: TaughtClassifier, embedder: TextEmbedder, engine: Engine? = nil) throws {
        try Self.checkModel(classifier, embedder.engine.model)
        guard embedder.engine.layers == classifier.embeddingLayers else {
            throw ClassifierError.invalidParameter(
                name: "embedder", reason: "pools layers \(embedder.engine.layers) but the classifier was taught on \(Self.describe(classifier.embeddingLayers))")
        }
        if let m = classifier.promptedMethodsNeeded.first, engine == nil {
            throw ClassifierError.methodUnavailable(m, reason: "it needs a language-model engine for this model")
        }
        self.classifier = classifier; self.embedder = embedder; self.engine = engine
    }

    /// Loads a classifier file and binds it to `model` (an engine is made when a prompted method needs one).
    public static func open(path: String, model: LlamaModel, threads: Int = 0) throws -> ClassifierSession {
        let classifier = try ClassifierFile.load(path: path)
        try checkModel(classifier, model)
        let embedder = try TextEmbedder(model: model, threads: threads, layers: classifier.embeddingLayers)
        let engine = classifier.promptedMethodsNeeded.isEmpty ? nil
            : try Engine(model: model, parameters: ContextParameters(contextLength: 2048, sequences: 4, threads: threads))
        return try ClassifierSession(classifier: classifier, embedder: embedder, engine: engine)
    }

    /// Throws `modelMismatch` unless `model` is the file `classifier` was taught with. Checked
    /// before anything is built for the model, so a wrong model gets this message and no other.
    public static func checkModel(_ classifier: TaughtClassifier, _ model: LlamaModel) throws {
        let sha = try model.sha256()
        guard sha == classifier.modelSHA256 else {
            throw ClassifierError.modelMismatch(classifierSHA256: classifier.modelSHA256, modelSHA256: sha)
        }
    }

    /// "layers [4, 15]", or "the final output".
    static func describe(_ layers: [Int]) -> String { layers.isEmpty ? "the final output" : "layers \(layers)" }

    /// Every method's calibrated distribution for each text (prompted ones only when `engine` is set
    /// and the method was taught).
    public func distributions(_ texts: [String], methods: [ClassifierMethod]? = nil) async throws -> [[ClassifierMethod: [Double]]] {
        let projected = try await embedder.embed(texts).map(classifier.space.project)
        let wanted = methods ?? (classifier.promptedMethodsNeeded + [classifier.method])
        let needed = Set(wanted.flatMap { $0 == .ensemble ? Array(classifier.ensembleWeights.keys) : [$0] })
        var prompted = [[ClassifierMethod: [Double]]](repeating: [:], count: texts.count)
        if let engine {
            let chooser = PromptedChooser(engine: engine, labels: classifier.labels)
            for m in needed.sorted() where m.isPrompted && classifier.methods.contains(m) {
                let shots = m == .fewShot ? projected.map(classifier.fewShotExamples) : []
                let d = try await chooser.distributions(for: texts, examples: shots)
                for i in texts.indices { prompted[i][m] = d[i] }
            }
        }
        return texts.indices.map { classifier.distributions(projected: projected[$0], prompted: prompted[$0]) }
    }

    /// One prediction per text with the classifier's method (or `method`).
    public func classify(_ texts: [String], method: ClassifierMethod? = nil) async throws -> [Prediction] {
        let d = try await distributions(texts, methods: method.map { [$0] })
        return try d.map { try classifier.prediction(from: $0, method: method) }
    }
}
