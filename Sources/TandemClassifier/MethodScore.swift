import Foundation

/// How well one method did on held-out rows.
public struct MethodScore: Sendable, Codable, Equatable {
    /// The method.
    public var method: ClassifierMethod
    /// Share of rows labelled correctly.
    public var accuracy: Double
    /// Unweighted mean of per-label F1.
    public var macroF1: Double
    /// Items classified per second, embedding included (prompted methods: their decode too).
    public var itemsPerSecond: Double
    /// Rows scored.
    public var count: Int

    /// Creates a score.
    public init(method: ClassifierMethod, accuracy: Double, macroF1: Double, itemsPerSecond: Double, count: Int) {
        self.method = method; self.accuracy = accuracy; self.macroF1 = macroF1
        self.itemsPerSecond = itemsPerSecond; self.count = count
    }

    /// Scores predicted class ids against the truth.
    public static func score(method: ClassifierMethod, predicted: [Int], truth: [Int], classCount: Int,
                             itemsPerSecond: Double) -> MethodScore {
        var tp = [Double](repeating: 0, count: classCount), fp = tp, fn = tp
        for (p, t) in zip(predicted, truth) {
            if p == t { tp[t] += 1 } else { fp[p] += 1; fn[t] += 1 }
        }
        var f1Sum = 0.0, present = 0
        for c in 0..<classCount where tp[c] + fn[c] > 0 || fp[c] > 0 {
            let denom = 2 * tp[c] + fp[c] + fn[c]
            f1Sum += denom > 0 ? 2 * tp[c] / denom : 0
            present += 1
        }
        let correct = tp.reduce(0, +)
        return MethodScore(method: method, accuracy: truth.isEmpty ? 0 : correct / Double(truth.count),
                           macroF1: present == 0 ? 0 : f1Sum / Double(present), itemsPerSecond: itemsPerSecond,
                           count: truth.count)
    }

    /// A fixed-width table row.
    public var tableRow: String {
        method.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0) + String(format: " %8.3f %8.3f %10.1f", accuracy, macroF1, itemsPerSecond)
    }

    /// The header matching `tableRow`.
    public static let tableHeader = "method    accuracy macro-F1    items/s"
}
