/// Which receipts teach which: the `--train` folder's for every scored receipt, else the other
/// folds' of the scored file, so a receipt is never scored by what was taught with its own fields.
/// Folds are file position mod `folds`, or, with `groupBy` (`--group-folds company`), whole groups
/// of receipts with the same labelled value: then the memory and the calibration never saw the
/// shop of a scored receipt, a stand-in for receipts from shops the teaching set does not have.
struct ReceiptTeaching: Sendable {
    let all: [FixtureFolder.Row]
    let train: [FixtureFolder.Row]?
    let folds: Int
    /// The labelled field whose value keeps receipts in one fold; nil: folds by position.
    let groupBy: String?
    private let foldOfLine: [Int: Int]

    init(all: [FixtureFolder.Row], train: [FixtureFolder.Row]?, folds: Int, groupBy: String? = nil) {
        self.all = all
        self.train = train
        self.folds = folds
        self.groupBy = groupBy
        let assigned = groupBy.map { field in
            GroupedFolds.assign(labels: all.map { $0.value["fields"]?[field]?.stringValue }, folds: folds)
        } ?? all.indices.map { $0 % folds }
        foldOfLine = Dictionary(zip(all.map(\.line), assigned), uniquingKeysWith: { a, _ in a })
    }

    /// Every row that may teach: the training folder's, else the scored file's.
    var pool: [FixtureFolder.Row] { train ?? all }

    /// The fold `row` is scored in; nil with a training folder (every pool row may teach it).
    func fold(of row: FixtureFolder.Row) -> Int? {
        train == nil ? foldOfLine[row.line] : nil
    }

    /// Whether pool row `teacher` may teach a row of `fold`.
    func teaches(_ teacher: FixtureFolder.Row, fold: Int?) -> Bool {
        guard let fold else { return true }
        return (foldOfLine[teacher.line] ?? -1) != fold
    }

    /// How the folds were made, for the report.
    var description: String {
        if train != nil { return "--train folder" }
        return "\(folds)-fold: the other folds' receipts" + (groupBy.map { ", receipts with the same \($0) in one fold" } ?? "")
    }
}
