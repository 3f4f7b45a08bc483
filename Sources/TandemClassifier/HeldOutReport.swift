import Foundation

/// Settings of a held-out evaluation (`TaughtEvaluation`).
public struct HeldOutSettings: Sendable, Equatable {
    /// Methods to score. The embedding methods (knn, centroid, linear, ensemble) are taught and
    /// compete for the classifier's own choice; prompted ones (fewshot, zeroshot) are scored
    /// beside them on `promptedRowLimit` rows, since they run the model once per row.
    public var methods: [ClassifierMethod]
    /// Outer folds of `TaughtEvaluation.crossValidate` (each row is scored by the fold that left it out).
    public var folds: Int
    /// Folds of the cross-validation inside each training set (calibration, ensemble weights, choice).
    public var innerFolds: Int
    /// Nearest taught examples shown in a few-shot prompt.
    public var fewShotCount: Int
    /// Most rows a prompted method is scored on, spread evenly over the scored rows; nil for all.
    public var promptedRowLimit: Int?

    /// Creates settings; the defaults are what `tandem teach` does, plus few-shot on 100 rows.
    public init(methods: [ClassifierMethod] = [.nearestNeighbours, .centroid, .linear, .fewShot, .ensemble],
                folds: Int = 5, innerFolds: Int = 5, fewShotCount: Int = 8, promptedRowLimit: Int? = 100) {
        self.methods = methods.sorted(); self.folds = folds; self.innerFolds = innerFolds
        self.fewShotCount = fewShotCount; self.promptedRowLimit = promptedRowLimit
    }

    /// The methods teaching fits and chooses among (never empty: kNN also finds few-shot examples).
    var taughtMethods: [ClassifierMethod] {
        let vector = methods.filter { !$0.isPrompted }
        return vector.isEmpty ? [.nearestNeighbours] : vector
    }
}

/// Per-method accuracy of taught classifiers on rows none of them was taught with.
public struct HeldOutReport: Sendable {
    /// Score per method asked for, in method order (prompted ones on their capped rows).
    public var scores: [MethodScore]
    /// The score of the method each taught classifier picked for itself from its training rows,
    /// i.e. what `tandem classify` would answer; `method` is the one picked most often.
    public var chosen: MethodScore
    /// The method each taught classifier picked (one per fold; one for a train/test split).
    public var chosenMethods: [ClassifierMethod]
    /// The chosen method's label per scored row, in the order the rows were given.
    public var chosenLabels: [String]
    /// The calibrated probability of each of `chosenLabels` (what `tandem classify` reports).
    public var chosenProbabilities: [Double]
    /// Seconds of the whole evaluation: embedding, teaching every fold, predicting.
    public var seconds: Double
}

/// Gathers (truth, prediction) pairs per method across folds and turns them into scores.
struct HeldOutTally {
    private(set) var labels: [String] = []
    private var truth: [ClassifierMethod: [Int]] = [:]
    private var predicted: [ClassifierMethod: [Int]] = [:]
    private var methodSeconds: [ClassifierMethod: Double] = [:]

    /// Class id of `label`, adding it the first time (a test label no fold was taught is simply never predicted).
    mutating func id(_ label: String) -> Int {
        if let i = labels.firstIndex(of: label) { return i }
        labels.append(label)
        return labels.count - 1
    }

    mutating func add(_ method: ClassifierMethod, truth t: String, predicted p: String) {
        let (ti, pi) = (id(t), id(p))
        truth[method, default: []].append(ti)
        predicted[method, default: []].append(pi)
    }

    mutating func addSeconds(_ method: ClassifierMethod, _ seconds: Double) { methodSeconds[method, default: 0] += seconds }

    /// Scores; items/s = 1 / (embedding seconds per text + the method's own seconds per row).
    func score(_ method: ClassifierMethod, embedSecondsPerText: Double, as name: ClassifierMethod? = nil) -> MethodScore? {
        guard let t = truth[method], let p = predicted[method], !t.isEmpty else { return nil }
        let perRow = (methodSeconds[method] ?? 0) / Double(t.count)
        return .score(method: name ?? method, predicted: p, truth: t, classCount: labels.count,
                      itemsPerSecond: 1 / max(embedSecondsPerText + perRow, 1e-9))
    }
}
