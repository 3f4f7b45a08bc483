import Foundation

/// Calibration and mixing of per-method probabilities, fitted on held-out predictions.
public enum EnsembleFit {
    /// Sharpens or flattens `p` (temperature scaling on log-probabilities: p^a, renormalized).
    public static func calibrated(_ p: [Double], power: Double) -> [Double] {
        let raised = p.map { Foundation.pow(max($0, 1e-12), power) }
        let sum = raised.reduce(0, +)
        return raised.map { $0 / sum }
    }

    /// The power that minimizes held-out log-loss for one method.
    public static func calibrationPower(_ distributions: [[Double]], truth: [Int]) -> Double {
        let grid = [0.25, 0.5, 0.75, 1, 1.5, 2, 3, 5, 8]
        var best = (power: 1.0, loss: Double.infinity)
        for a in grid {
            var loss = 0.0
            for (p, t) in zip(distributions, truth) { loss -= Foundation.log(max(calibrated(p, power: a)[t], 1e-12)) }
            if loss < best.loss { best = (a, loss) }
        }
        return best.power
    }

    /// Weighted mean of the members' (calibrated) distributions.
    public static func combine(_ members: [ClassifierMethod: [Double]], weights: [ClassifierMethod: Double]) -> [Double] {
        var out: [Double] = []
        var total = 0.0
        for (m, w) in weights where w > 0 {
            guard let p = members[m] else { continue }
            if out.isEmpty { out = [Double](repeating: 0, count: p.count) }
            for i in p.indices { out[i] += w * p[i] }
            total += w
        }
        return total > 0 ? out.map { $0 / total } : out
    }

    /// Weights (each 0, 1 or 2) that maximize accuracy on `rows`, then minimize log-loss.
    /// A method that is strong on one task and weak on another gets weight 0 where it hurts.
    public static func fitWeights(_ members: [ClassifierMethod: [[Double]]], truth: [Int], rows: [Int]) -> [ClassifierMethod: Double] {
        let methods = members.keys.sorted()
        guard !methods.isEmpty else { return [:] }
        var best = (weights: [ClassifierMethod: Double](), correct: -1, loss: Double.infinity)
        let combos = Int(Foundation.pow(3.0, Double(methods.count)))
        for code in 1..<combos {
            var weights: [ClassifierMethod: Double] = [:]
            var c = code
            for m in methods { weights[m] = Double(c % 3); c /= 3 }
            var correct = 0, loss = 0.0
            for r in rows {
                let p = combine(methods.reduce(into: [:]) { $0[$1] = members[$1]![r] }, weights: weights)
                if VectorMath.argmax(p) == truth[r] { correct += 1 }
                loss -= Foundation.log(max(p[truth[r]], 1e-12))
            }
            if correct > best.correct || (correct == best.correct && loss < best.loss) { best = (weights, correct, loss) }
        }
        return best.weights.filter { $0.value > 0 }
    }
}
