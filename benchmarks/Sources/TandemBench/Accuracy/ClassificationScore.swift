import TandemCore

/// Accuracy and macro-F1 of predicted labels against gold labels.
struct ClassificationScore: Sendable {
    let total: Int
    let correct: Int
    let macroF1: Double
    /// Per label: precision, recall, F1, support.
    let perLabel: [(label: String, precision: Double, recall: Double, f1: Double, support: Int)]

    var accuracy: Double { total > 0 ? Double(correct) / Double(total) : 0 }

    /// Scores `pairs` of (gold, predicted). Macro-F1 averages over every label that occurs as
    /// gold or prediction (a label never predicted counts with F1 0).
    init(_ pairs: [(gold: String, predicted: String)]) {
        total = pairs.count
        correct = pairs.filter { $0.gold == $0.predicted }.count
        var labels: [String] = []
        for p in pairs { for l in [p.gold, p.predicted] where !labels.contains(l) { labels.append(l) } }
        perLabel = labels.map { label in
            let tp = pairs.filter { $0.gold == label && $0.predicted == label }.count
            let fp = pairs.filter { $0.gold != label && $0.predicted == label }.count
            let fn = pairs.filter { $0.gold == label && $0.predicted != label }.count
            let precision = tp + fp > 0 ? Double(tp) / Double(tp + fp) : 0
            let recall = tp + fn > 0 ? Double(tp) / Double(tp + fn) : 0
            let f1 = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0
            return (label, precision, recall, f1, tp + fn)
        }
        macroF1 = perLabel.isEmpty ? 0 : perLabel.map(\.f1).reduce(0, +) / Double(perLabel.count)
    }

    var json: JSONValue {
        ["rows": .number(Double(total)), "correct": .number(Double(correct)), "accuracy": .number(accuracy),
         "macro_f1": .number(macroF1),
         "per_label": .object(perLabel.map { ($0.label, ["precision": .number($0.precision), "recall": .number($0.recall),
                                                          "f1": .number($0.f1), "support": .number(Double($0.support))]) })]
    }
}
