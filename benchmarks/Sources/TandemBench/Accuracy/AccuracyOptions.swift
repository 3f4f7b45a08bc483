import TandemClassifier

/// The ways the accuracy suite answers a fixture task.
public enum AccuracyMethod: String, Sendable, CaseIterable, Equatable {
    /// The local model through the orchestrator's tools, output constrained to the labels.
    case model
    /// The deterministic keyword/regex baseline.
    case keyword
    /// A classifier taught from labelled rows (`TandemClassifier`), never scored on a row it was taught with.
    case taught
}

/// What the accuracy suite runs and how the taught classifiers are evaluated. Public so the
/// option parsing can be tested without the rest of the bench.
public struct AccuracyOptions: Sendable, Equatable {
    /// Methods to run (`--accuracy-methods`), in `AccuracyMethod` order.
    public var methods: [AccuracyMethod] = AccuracyMethod.allCases
    /// A folder of the fixture schema to teach from (`--train`); nil: cross-validate inside the
    /// scored folder.
    public var trainDirectory: String?
    /// Methods, folds and few-shot row cap of the taught evaluation.
    public var taught = HeldOutSettings()
    /// Most rows of a task's file the cross-validation teaches from (`--teach-rows`; the scored rows
    /// always among them), nil for all; `--quick` sets 200 so the smoke run stays short.
    public var teachRowLimit: Int?
    /// Receipts: the labelled field whose value keeps receipts in one cross-validation fold
    /// (`--group-folds company`), so no scored receipt's shop was taught; nil: folds by position.
    public var receiptFoldGroup: String?

    /// The receipt fields `--group-folds` accepts.
    public static let groupableFields = ["company", "address"]

    /// The defaults: every method, 5-fold cross-validation, few-shot on 100 rows per task.
    public init() {}

    /// How the taught rows are scored, for the report.
    public var evaluation: String {
        trainDirectory.map { "taught on \($0), scored on the fixture folder" }
            ?? "\(taught.folds)-fold cross-validation inside the fixture folder" + (teachRowLimit.map { " (over at most \($0) rows per task)" } ?? "")
            + (receiptFoldGroup.map { "; receipts with the same \($0) share a fold" } ?? "")
    }

    /// Applies one accuracy option; false when `name` is not one of them.
    mutating func apply(_ name: String, _ value: String) throws(BenchUsageError) -> Bool {
        switch name {
        case "--train":
            guard !value.isEmpty else { throw BenchUsageError("--train needs a folder") }
            trainDirectory = value
        case "--accuracy-methods":
            var picked: [AccuracyMethod] = []
            for part in value.split(separator: ",", omittingEmptySubsequences: false) {
                let name = part.trimmingCharacters(in: .whitespaces)
                guard let m = AccuracyMethod(rawValue: name) else {
                    throw BenchUsageError("--accuracy-methods: unknown method '\(name)' (methods: \(AccuracyMethod.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
                if !picked.contains(m) { picked.append(m) }
            }
            methods = AccuracyMethod.allCases.filter(picked.contains)
        case "--taught-methods":
            do { taught.methods = try ClassifierMethod.parseList(value) } catch {
                throw BenchUsageError("--taught-methods: \(error.description)")
            }
        case "--folds":
            guard let n = Int(value), (2...20).contains(n) else { throw BenchUsageError("--folds must be an integer in 2...20, got '\(value)'") }
            taught.folds = n
        case "--group-folds":
            guard Self.groupableFields.contains(value) else {
                throw BenchUsageError("--group-folds: '\(value)' is not one of \(Self.groupableFields.joined(separator: ", "))")
            }
            receiptFoldGroup = value
        case "--teach-rows":
            guard let n = Int(value), n >= 10 else { throw BenchUsageError("--teach-rows must be an integer ≥ 10, got '\(value)'") }
            teachRowLimit = n
        case "--fewshot-rows":
            if value == "all" { taught.promptedRowLimit = nil } else {
                guard let n = Int(value), n >= 1 else { throw BenchUsageError("--fewshot-rows must be a positive integer or 'all', got '\(value)'") }
                taught.promptedRowLimit = n
            }
        default:
            return false
        }
        return true
    }
}
