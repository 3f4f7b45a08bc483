import Foundation

/// Mean-centred, re-normalized embedding space. Small LMs' embeddings share a large common
/// direction, so raw cosine similarities all sit near 1; subtracting the taught mean spreads them.
public struct EmbeddingSpace: Sendable, Codable, Equatable {
    /// Mean of the taught vectors.
    public let mean: [Float]

    /// Fits the mean of `vectors` (all the same length, at least one).
    public init(fitting vectors: [[Float]]) {
        var mean = [Float](repeating: 0, count: vectors.first?.count ?? 0)
        for v in vectors { for i in mean.indices { mean[i] += v[i] } }
        let n = Float(max(vectors.count, 1))
        for i in mean.indices { mean[i] /= n }
        self.mean = mean
    }

    /// `v` minus the mean, L2-normalized.
    public func project(_ v: [Float]) -> [Float] {
        var out = [Float](repeating: 0, count: mean.count)
        for i in out.indices where i < v.count { out[i] = v[i] - mean[i] }
        return VectorMath.normalized(out)
    }
}

/// Small dense-vector routines used by the heads.
public enum VectorMath {
    /// The dot product over the shorter vector's length (the cosine, for L2-normalized vectors).
    public static func dot(_ a: [Float], _ b: [Float]) -> Float {
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                var s: Float = 0
                for i in 0..<min(pa.count, pb.count) { s += pa[i] * pb[i] }
                return s
            }
        }
    }

    static func normalized(_ v: [Float]) -> [Float] {
        let norm = dot(v, v).squareRoot()
        return norm > 0 ? v.map { $0 / norm } : v
    }

    /// Softmax of `scores`, numerically stable.
    static func softmax(_ scores: [Double]) -> [Double] {
        let top = scores.max() ?? 0
        let e = scores.map { exp($0 - top) }
        let s = e.reduce(0, +)
        return e.map { $0 / s }
    }

    /// Index of the largest entry.
    static func argmax(_ p: [Double]) -> Int {
        var best = 0
        for i in p.indices where p[i] > p[best] { best = i }
        return best
    }
}
