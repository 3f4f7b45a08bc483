/// Which receipts teach which: the `--train` folder's for every scored receipt, else the other
/// folds' of the scored file (fold = file position mod `folds`), so a receipt is never scored by
/// what was taught with its own fields.
struct ReceiptTeaching: Sendable {
    let all: [FixtureFolder.Row]
    let train: [FixtureFolder.Row]?
    let folds: Int
    private let position: [Int: Int]

    init(all: [FixtureFolder.Row], train: [FixtureFolder.Row]?, folds: Int) {
        self.all = all
        self.train = train
        self.folds = folds
        position = Dictionary(all.enumerated().map { ($0.element.line, $0.offset) }, uniquingKeysWith: { a, _ in a })
    }

    /// Every row that may teach: the training folder's, else the scored file's.
    var pool: [FixtureFolder.Row] { train ?? all }

    /// The fold `row` is scored in; nil with a training folder (every pool row may teach it).
    func fold(of row: FixtureFolder.Row) -> Int? {
        train == nil ? position[row.line].map { $0 % folds } : nil
    }

    /// Whether pool row `teacher` may teach a row of `fold`.
    func teaches(_ teacher: FixtureFolder.Row, fold: Int?) -> Bool {
        guard let fold else { return true }
        return (position[teacher.line] ?? -1) % folds != fold
    }
}
