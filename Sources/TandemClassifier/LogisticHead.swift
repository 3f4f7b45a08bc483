import Foundation

/// Multinomial logistic regression on projected embeddings, trained in Swift: full-batch Adam,
/// L2 regularization, early stopping on a held-out fold (the weights with the lowest held-out loss win).
public struct LogisticHead: Sendable, Codable, Equatable {
    /// Row-major weights, `classCount × dimension`.
    public let weights: [Float]
    /// One bias per class.
    public let bias: [Float]
    /// Per-dimension scale applied before the weights (1 / standard deviation on the taught set).
    public let scale: [Float]
    /// Number of classes.
    public let classCount: Int
    /// Epochs the kept weights were trained for.
    public let epochs: Int

    /// Training settings.
    public struct Settings: Sendable {
        /// L2 penalty on the weights.
        public var l2: Float = 1e-3
        /// Adam step size.
        public var learningRate: Float = 0.05
        /// Most epochs.
        public var maxEpochs = 300
        /// Share of rows held out for early stopping.
        public var heldOutShare = 0.15
        /// Epochs without held-out improvement before stopping.
        public var patience = 30
        /// Creates default settings.
        public init() {}
    }

    /// Trains on projected vectors and class ids.
    public init(vectors: [[Float]], classes: [Int], classCount: Int, settings: Settings = Settings()) {
        let d = vectors.first?.count ?? 0
        var scale = [Float](repeating: 1, count: d)
        if vectors.count > 1 {
            var mean = [Float](repeating: 0, count: d), sq = [Float](repeating: 0, count: d)
            for v in vectors { for i in 0..<d { mean[i] += v[i]; sq[i] += v[i] * v[i] } }
            let n = Float(vectors.count)
            for i in 0..<d {
                let variance = sq[i] / n - (mean[i] / n) * (mean[i] / n)
                scale[i] = variance > 1e-12 ? 1 / variance.squareRoot() : 1
            }
        }
        let x = vectors.map { v in (0..<d).map { v[$0] * scale[$0] } }
        // Deterministic stratified hold-out: every k-th row of each class, so small classes keep rows to learn from.
        var heldOut: [Int] = [], train: [Int] = []
        var seenPerClass = [Int](repeating: 0, count: classCount)
        let every = max(2, Int((1 / max(settings.heldOutShare, 0.01)).rounded()))
        for (i, c) in classes.enumerated() {
            seenPerClass[c] += 1
            if seenPerClass[c] % every == 0 { heldOut.append(i) } else { train.append(i) }
        }
        if heldOut.isEmpty { heldOut = train }
        var trainer = LogisticTrainer(dimension: d, classCount: classCount, settings: settings)
        var best = (loss: Double.infinity, w: trainer.w, b: trainer.b, epoch: 0)
        var sinceBest = 0
        for epoch in 1...max(1, settings.maxEpochs) {
            trainer.step(x: x, classes: classes, rows: train)
            let loss = trainer.loss(x: x, classes: classes, rows: heldOut)
            if loss < best.loss - 1e-5 {
                best = (loss, trainer.w, trainer.b, epoch); sinceBest = 0
            } else {
                sinceBest += 1
                if sinceBest >= settings.patience { break }
            }
        }
        weights = best.w; bias = best.b; self.scale = scale; self.classCount = classCount; epochs = best.epoch
    }

    /// Class probabilities for one projected vector.
    public func distribution(_ query: [Float]) -> [Double] {
        let d = scale.count
        var logits = [Double](repeating: 0, count: classCount)
        weights.withUnsafeBufferPointer { w in
            for c in 0..<classCount {
                var s = bias[c]
                for i in 0..<min(d, query.count) { s += w[c * d + i] * query[i] * scale[i] }
                logits[c] = Double(s)
            }
        }
        return VectorMath.softmax(logits)
    }
}

/// Adam state for `LogisticHead`.
struct LogisticTrainer {
    let d: Int, classCount: Int, settings: LogisticHead.Settings
    var w: [Float], b: [Float]
    private var mw: [Float], vw: [Float], mb: [Float], vb: [Float]
    private var t: Float = 0

    init(dimension: Int, classCount: Int, settings: LogisticHead.Settings) {
        d = dimension; self.classCount = classCount; self.settings = settings
        w = [Float](repeating: 0, count: d * classCount); b = [Float](repeating: 0, count: classCount)
        mw = w; vw = w; mb = b; vb = b
    }

    func probabilities(_ x: [Float]) -> [Float] {
        var logits = [Float](repeating: 0, count: classCount)
        w.withUnsafeBufferPointer { pw in
            x.withUnsafeBufferPointer { px in
                for c in 0..<classCount {
                    var s = b[c]
                    let base = c * d
                    for i in 0..<d { s += pw[base + i] * px[i] }
                    logits[c] = s
                }
            }
        }
        let top = logits.max() ?? 0
        let e = logits.map { Foundation.exp($0 - top) }
        let sum = e.reduce(0, +)
        return e.map { $0 / sum }
    }

    mutating func step(x: [[Float]], classes: [Int], rows: [Int]) {
        var gw = [Float](repeating: 0, count: w.count), gb = [Float](repeating: 0, count: classCount)
        let n = Float(max(rows.count, 1))
        gw.withUnsafeMutableBufferPointer { pg in
            for r in rows {
                var p = probabilities(x[r])
                p[classes[r]] -= 1
                x[r].withUnsafeBufferPointer { px in
                    for c in 0..<classCount {
                        let g = p[c] / n
                        gb[c] += g
                        let base = c * d
                        for i in 0..<d { pg[base + i] += g * px[i] }
                    }
                }
            }
        }
        for i in gw.indices { gw[i] += settings.l2 * w[i] }
        t += 1
        adam(&w, gw, &mw, &vw)
        adam(&b, gb, &mb, &vb)
    }

    private func adam(_ p: inout [Float], _ g: [Float], _ m: inout [Float], _ v: inout [Float]) {
        let b1: Float = 0.9, b2: Float = 0.999, lr = settings.learningRate
        let c1 = 1 - Foundation.pow(b1, t), c2 = 1 - Foundation.pow(b2, t)
        for i in p.indices {
            m[i] = b1 * m[i] + (1 - b1) * g[i]
            v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i]
            p[i] -= lr * (m[i] / c1) / ((v[i] / c2).squareRoot() + 1e-8)
        }
    }

    func loss(x: [[Float]], classes: [Int], rows: [Int]) -> Double {
        var total = 0.0
        for r in rows { total -= Foundation.log(Double(max(probabilities(x[r])[classes[r]], 1e-12))) }
        return total / Double(max(rows.count, 1))
    }
}
