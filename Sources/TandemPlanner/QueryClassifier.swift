import TandemOrchestrator
import TandemWorkers

/// Which path labelled a request.
public enum ClassificationSource: String, Sendable {
    /// A taught classifier (`classifiers:` in tandem.yaml), at or above its own threshold.
    case taught
    /// The local model's constrained choice, at or above the threshold.
    case model
    /// Keyword rules: the model was unsure, failed, or is off.
    case keyword
}

/// A request's task type, its confidence, and which path decided.
public struct QueryClassification: Sendable, Equatable {
    /// The chosen label.
    public var label: String
    /// The model's probability, or the keyword classifier's confidence.
    public var confidence: Double
    /// Which path decided.
    public var source: ClassificationSource
    /// What the model said (nil when it was not asked or failed), for traces and threshold sweeps.
    public var modelLabel: String?
    /// The model's probability for `modelLabel`.
    public var modelProbability: Double?
    /// The taught classifier's method (knn, linear, …) when it decided.
    public var method: String?
}

/// Classifies a request into task types: a taught classifier's answer when it is sure (its own
/// threshold), else the local model's constrained choice (probability as confidence) when it is
/// at least `threshold`, else the keyword rules.
public struct QueryClassifier: Sendable {
    /// The task-type labels.
    public let labels: [String]
    /// The keyword fallback.
    public let keywords: KeywordClassifier
    /// The local model; nil decides by keywords only.
    public let model: (any LocalModelClient)?
    /// Minimum model probability to take its answer.
    public let threshold: Double
    /// What the model is told before the labels.
    public let instructions: String
    /// Asked first; nil when no taught classifier is configured (or its labels are not all offered).
    public let taught: (any TaughtLabelling)?

    /// A classifier; `rules` are the keyword rules for `labels` (nil: the label names' words);
    /// `taught` is used only when every label it answers with is one of `labels`.
    public init(labels: [String], rules: KeywordRules?, model: (any LocalModelClient)?, threshold: Double,
                instructions: String = "Classify the user's request into one task type.", taught: (any TaughtLabelling)? = nil) {
        self.taught = taught.flatMap { Set($0.labels).isSubset(of: Set(labels)) ? $0 : nil }
        self.labels = labels
        keywords = KeywordClassifier(labels: labels, rules: rules)
        self.model = model
        self.threshold = threshold
        self.instructions = instructions
    }

    /// Classifies `text`; a taught classifier's or the model's error falls through (never thrown).
    public func classify(_ text: String) async -> QueryClassification {
        if let answer = (try? await taught?.answers([text]))?.first ?? nil {
            return QueryClassification(label: answer.label, confidence: answer.probability, source: .taught,
                                       modelLabel: nil, modelProbability: nil, method: answer.method)
        }
        var modelAnswer: LocalChoiceReply?
        if let model {
            modelAnswer = try? await model.choose(LocalChoiceRequest(system: instructions + "\nTask types: " + labels.joined(separator: ", "),
                                                                     user: text, labels: labels))
        }
        return Self.combine(model: modelAnswer.map { ($0.label, $0.probability) }, keyword: keywords.classify(text), threshold: threshold)
    }

    /// The decision rule, separate so threshold sweeps reuse one model pass.
    public static func combine(model: (label: String, probability: Double)?, keyword: KeywordClassifier.Choice,
                               threshold: Double) -> QueryClassification {
        if let model, model.probability >= threshold {
            return QueryClassification(label: model.label, confidence: model.probability, source: .model,
                                       modelLabel: model.label, modelProbability: model.probability)
        }
        return QueryClassification(label: keyword.label, confidence: keyword.confidence, source: .keyword,
                                   modelLabel: model?.label, modelProbability: model?.probability)
    }
}
