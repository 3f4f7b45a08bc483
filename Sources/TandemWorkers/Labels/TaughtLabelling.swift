import TandemCore
import TandemOrchestrator

/// One answer of a taught classifier.
public struct TaughtAnswer: Sendable, Equatable {
    /// The label.
    public var label: String
    /// Its probability under the deciding method.
    public var probability: Double
    /// The classifier method that decided (knn, centroid, linear, fewshot, zeroshot, ensemble).
    public var method: String

    /// Creates an answer.
    public init(label: String, probability: Double, method: String) {
        self.label = label; self.probability = probability; self.method = method
    }
}

/// A classifier taught from labelled examples (`tandem teach`), which the labelling tools
/// (`categorize_items`, `classify_text`, `sentiment`) and the query classifier ask before the
/// model. Kept as a protocol so the orchestrator needs no embedding code and tests can fake it.
public protocol TaughtLabelling: Sendable {
    /// The labels it answers with.
    var labels: [String] { get }
    /// One answer per text, nil where it is under its confidence threshold (the tool's usual
    /// path, model then keywords, decides those).
    func answers(_ texts: [String]) async throws -> [TaughtAnswer?]
    /// Every text's answer, confident or not, for tools that weigh it against other methods
    /// (`categorize_items` against its keyword rules).
    func allAnswers(_ texts: [String]) async throws -> [TaughtAnswer]
    /// The labelled examples it was taught with: other methods are measured on the same rows.
    var examples: [(text: String, label: String)] { get }
    /// Under this probability its answers are not confident.
    var threshold: Double { get }
}

/// The taught classifiers of a run, by label set name (`classifiers:` in tandem.yaml).
public struct TaughtClassifiers: Sendable {
    /// Classifier per label set name.
    public let byLabelSet: [String: any TaughtLabelling]

    /// Wraps the classifiers of a config.
    public init(_ byLabelSet: [String: any TaughtLabelling] = [:]) { self.byLabelSet = byLabelSet }

    /// No taught classifiers: every tool behaves as without them.
    public static let none = TaughtClassifiers()

    /// The classifier for a request offering `labels`: the one configured for `labelSet`, else
    /// one whose labels are exactly `labels`. Either way only when every label it can answer with
    /// is offered, so it never answers outside the request's labels.
    public func classifier(labelSet: String?, labels: [String]) -> (any TaughtLabelling)? {
        named(labelSet: labelSet, labels: labels)?.classifier
    }

    /// `classifier(labelSet:labels:)` with the label set name it is configured under.
    public func named(labelSet: String?, labels: [String]) -> (name: String, classifier: any TaughtLabelling)? {
        let offered = Set(labels)
        if let labelSet, let c = byLabelSet[labelSet] { return Set(c.labels).isSubset(of: offered) ? (labelSet, c) : nil }
        return byLabelSet.sorted { $0.key < $1.key }.first { Set($0.value.labels) == offered }.map { ($0.key, $0.value) }
    }
}

/// What a labelling tool gets from its taught classifier for a batch of texts.
enum TaughtPass {
    /// One answer per text (nil: the usual path decides), or all nil when there is no classifier
    /// or it failed (a warning says why; the tool still answers every text).
    static func answers(_ classifier: (any TaughtLabelling)?, _ texts: [String], tool: String) async throws -> [TaughtAnswer?] {
        guard let classifier else { return texts.map { _ in nil } }
        return try await guarded(texts, tool: tool) { try await classifier.answers($0) }
    }

    /// Every text's answer, confident or not (all nil without a classifier or when it failed).
    static func allAnswers(_ classifier: (any TaughtLabelling)?, _ texts: [String], tool: String) async throws -> [TaughtAnswer?] {
        guard let classifier else { return texts.map { _ in nil } }
        return try await guarded(texts, tool: tool) { try await classifier.allAnswers($0).map(Optional.some) }
    }

    private static func guarded(_ texts: [String], tool: String,
                                _ ask: ([String]) async throws -> [TaughtAnswer?]) async throws -> [TaughtAnswer?] {
        guard !texts.isEmpty else { return [] }
        do {
            let answers = try await ask(texts)
            return answers.count == texts.count ? answers : texts.map { _ in nil }
        } catch {
            if error is CancellationError || Task.isCancelled { throw CancellationError() }
            RepeatedWarnings.note("taught.failed.\(tool)", item: "\(tool): the taught classifier failed (\(error)); the model and keyword rules answer instead") { count, _ in
                "\(tool): the taught classifier failed on \(RepeatedWarnings.count(count)) batches (last: \(error)); the model and keyword rules answered them"
            }
            return texts.map { _ in nil }
        }
    }
}
