import TandemClassifier
import TandemConfig
import TandemOrchestrator
import TandemWorkers
import TandemRuntime

/// A configured taught classifier could not be used; `keyPath` names its tandem.yaml entry.
public struct TaughtClassifierLoadError: Error, CustomStringConvertible, Sendable {
    /// `classifiers.LABEL_SET`.
    public let keyPath: String
    /// What went wrong (a `ClassifierError`'s text: corrupt file, other model, …).
    public let reason: String
    /// `classifiers.NAME: reason`.
    public var description: String { "\(keyPath): \(reason)" }
}

/// A taught classifier bound to its model, as the orchestrator's tools and the query classifier
/// ask it: confident predictions only, each naming the method that decided.
public struct TaughtLabellerClient: TaughtLabelling {
    /// The bound classifier.
    public let labeller: TaughtLabeller

    /// Wraps a labeller.
    public init(_ labeller: TaughtLabeller) { self.labeller = labeller }

    /// The classifier's labels.
    public var labels: [String] { labeller.labels }

    /// One answer per text; nil under the classifier's threshold.
    public func answers(_ texts: [String]) async throws -> [TaughtAnswer?] {
        try await labeller.label(texts).map { $0.map(Self.answer) }
    }

    /// One answer per text, confident or not.
    public func allAnswers(_ texts: [String]) async throws -> [TaughtAnswer] {
        try await labeller.session.classify(texts).map(Self.answer)
    }

    /// The examples the classifier was taught with.
    public var examples: [(text: String, label: String)] { labeller.session.classifier.examples.map { ($0.text, $0.label) } }

    /// The classifier's threshold (after tandem.yaml's override).
    public var threshold: Double { labeller.session.classifier.threshold }

    private static func answer(_ p: Prediction) -> TaughtAnswer {
        TaughtAnswer(label: p.label, probability: p.probability, method: p.method.rawValue)
    }
}

/// Loads `classifiers:` from tandem.yaml for the model a run uses.
public enum TaughtClassifierLoader {
    /// Every configured classifier, bound to `model` (each is refused when it was taught with
    /// another model file), with the entry's threshold and method overrides applied. Classifiers
    /// embedding the same layers share one embedding context.
    public static func load(_ settings: [String: TaughtClassifierSetting], model: LlamaModel,
                            threads: Int = 0) throws(TaughtClassifierLoadError) -> TaughtClassifiers {
        var embedders: [[Int]: TextEmbedder] = [:]
        var engine: Engine?
        var out: [String: any TaughtLabelling] = [:]
        for (name, setting) in settings.sorted(by: { $0.key < $1.key }) {
            do {
                var classifier = try ClassifierFile.load(path: setting.path)
                if let threshold = setting.threshold { classifier.threshold = threshold }
                if let method = setting.method {
                    guard let m = ClassifierMethod(rawValue: method) else {
                        throw ClassifierError.invalidParameter(name: "method '\(method)'", reason: "is unknown")
                    }
                    classifier.method = m
                }
                try ClassifierSession.checkModel(classifier, model)
                let layers = classifier.embeddingLayers
                let embedder = try embedders[layers] ?? TextEmbedder(model: model, threads: threads, layers: layers)
                embedders[layers] = embedder
                if !classifier.promptedMethodsNeeded.isEmpty, engine == nil {
                    engine = try Engine(model: model, parameters: ContextParameters(contextLength: 2048, sequences: 4, threads: threads))
                }
                let session = try ClassifierSession(classifier: classifier, embedder: embedder,
                                                    engine: classifier.promptedMethodsNeeded.isEmpty ? nil : engine)
                out[name] = TaughtLabellerClient(TaughtLabeller(session: session))
            } catch {
                throw TaughtClassifierLoadError(keyPath: "classifiers." + name, reason: "\(error) (file \(setting.path))")
            }
        }
        return TaughtClassifiers(out)
    }
}
