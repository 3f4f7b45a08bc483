import Foundation

/// How a taught classifier decides.
public enum ClassifierMethod: String, Sendable, Codable, CaseIterable, Comparable {
    /// Similarity-weighted vote of the k nearest taught embeddings.
    case nearestNeighbours = "knn"
    /// Nearest class centroid (cosine, after mean-centring).
    case centroid
    /// Multinomial logistic regression on the embeddings.
    case linear
    /// The k nearest examples as chat turns, the label chosen from constrained logits.
    case fewShot = "fewshot"
    /// The labels alone in the prompt, chosen from constrained logits.
    case zeroShot = "zeroshot"
    /// A weighted mix of the other methods' probabilities, weights fitted on held-out predictions.
    case ensemble

    /// Whether the method runs the language model per prediction (slower, needs an `Engine`).
    public var isPrompted: Bool { self == .fewShot || self == .zeroShot }

    /// The methods fitted from embeddings alone.
    public static let vectorMethods: [ClassifierMethod] = [.nearestNeighbours, .centroid, .linear]

    /// Parses a comma-separated list such as `knn,linear,ensemble`.
    public static func parseList(_ text: String) throws(ClassifierError) -> [ClassifierMethod] {
        var out: [ClassifierMethod] = []
        for part in text.split(separator: ",") {
            let name = part.trimmingCharacters(in: .whitespaces)
            guard let m = ClassifierMethod(rawValue: name) else {
                throw .invalidParameter(name: "method '\(name)'",
                                        reason: "is unknown; use \(allCases.map(\.rawValue).joined(separator: ", "))")
            }
            if !out.contains(m) { out.append(m) }
        }
        guard !out.isEmpty else { throw .invalidParameter(name: "methods", reason: "must name at least one method") }
        return out.sorted()
    }

    public static func < (a: ClassifierMethod, b: ClassifierMethod) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// One decision: the label, its probability and which method decided.
public struct Prediction: Sendable, Codable, Equatable {
    /// The chosen label.
    public var label: String
    /// Probability of `label` under `method`'s distribution.
    public var probability: Double
    /// The method whose distribution decided.
    public var method: ClassifierMethod
    /// False when `probability` is under the classifier's threshold: the caller's fallback should decide.
    public var isConfident: Bool

    /// Creates a prediction.
    public init(label: String, probability: Double, method: ClassifierMethod, isConfident: Bool) {
        self.label = label; self.probability = probability; self.method = method; self.isConfident = isConfident
    }
}
