import Foundation

/// k nearest neighbours over mean-centred embeddings: each neighbour votes for its label with a
/// weight that falls off quickly with distance, so a very close match dominates a loose majority.
public struct NearestNeighbourHead: Sendable, Codable, Equatable {
    /// Projected taught vectors.
    public let vectors: [[Float]]
    /// Class id per vector.
    public let classes: [Int]
    /// Number of classes.
    public let classCount: Int
    /// Neighbours that vote.
    public let k: Int

    /// Stores the taught vectors (already projected).
    public init(vectors: [[Float]], classes: [Int], classCount: Int, k: Int = 7) {
        self.vectors = vectors; self.classes = classes; self.classCount = classCount; self.k = max(1, k)
    }

    /// Indices of the `count` most similar taught vectors, most similar first.
    public func nearest(_ query: [Float], count: Int) -> [(index: Int, similarity: Float)] {
        // A bounded insertion list, not a full sort: `count` is a handful, the vectors thousands.
        let count = min(count, vectors.count)
        var top: [(index: Int, similarity: Float)] = []
        top.reserveCapacity(count + 1)
        guard count > 0 else { return top }
        for (i, v) in vectors.enumerated() {
            let s = VectorMath.dot(query, v)
            if top.count == count, s <= top[count - 1].similarity { continue }
            // After equal similarities, so ties keep the taught order.
            top.insert((i, s), at: top.firstIndex { s > $0.similarity } ?? top.count)
            if top.count > count { top.removeLast() }
        }
        return top
    }

    /// Class probabilities for one projected vector.
    public func distribution(_ query: [Float]) -> [Double] {
        let near = nearest(query, count: k)
        var votes = [Double](repeating: 0.01 / Double(classCount), count: classCount)
        guard let top = near.first?.similarity else { return votes.map { $0 / votes.reduce(0, +) } }
        // Temperature 0.1 on cosine: a neighbour 0.1 less similar counts e times less.
        for n in near { votes[classes[n.index]] += exp(Double(n.similarity - top) / 0.1) }
        let total = votes.reduce(0, +)
        return votes.map { $0 / total }
    }
}

/// Nearest class centroid (cosine) on mean-centred embeddings.
public struct CentroidHead: Sendable, Codable, Equatable {
    /// One normalized centroid per class.
    public let centroids: [[Float]]

    /// Averages the projected vectors of each class.
    public init(vectors: [[Float]], classes: [Int], classCount: Int) {
        let dimension = vectors.first?.count ?? 0
        var sums = [[Float]](repeating: [Float](repeating: 0, count: dimension), count: classCount)
        for (v, c) in zip(vectors, classes) { for i in 0..<dimension { sums[c][i] += v[i] } }
        centroids = sums.map(VectorMath.normalized)
    }

    /// Class probabilities: softmax of cosine × 20 (cosines between centroids differ by a few hundredths).
    public func distribution(_ query: [Float]) -> [Double] {
        VectorMath.softmax(centroids.map { Double(VectorMath.dot(query, $0)) * 20 })
    }
}
