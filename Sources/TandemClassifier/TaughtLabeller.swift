import Foundation
import TandemRuntime

/// The adapter workers use (`classify_text`, `categorize_items`, `sentiment`, the query classifier):
/// a taught classifier that answers only when it is sure and the labels match, so the worker's
/// existing path (model choice, keyword rules, cloud) decides everything else.
public struct TaughtLabeller: Sendable {
    /// The bound classifier.
    public let session: ClassifierSession

    /// Wraps a session.
    public init(session: ClassifierSession) { self.session = session }

    /// Loads a classifier file for `model` (refused when it was taught on another model file).
    public static func open(path: String, model: LlamaModel, threads: Int = 0) throws -> TaughtLabeller {
        TaughtLabeller(session: try ClassifierSession.open(path: path, model: model, threads: threads))
    }

    /// The labels the classifier knows.
    public var labels: [String] { session.classifier.labels }

    /// Whether this classifier can answer for a request offering `requested` labels: it must not
    /// answer with a label the caller did not offer.
    public func covers(_ requested: [String]) -> Bool { Set(labels).isSubset(of: Set(requested)) }

    /// One prediction per text, nil where it is under the threshold (the caller's fallback decides)
    /// or where `requested` labels are given and not covered.
    public func label(_ texts: [String], requested: [String]? = nil) async throws -> [Prediction?] {
        if let requested, !covers(requested) { return texts.map { _ in nil } }
        return try await session.classify(texts).map { $0.isConfident ? $0 : nil }
    }
}
