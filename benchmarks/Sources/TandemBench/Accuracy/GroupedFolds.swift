import TandemWorkers

/// Cross-validation folds that keep rows with the same label together (`--group-folds`): a row is
/// then never scored by what was taught from another row of its group, which is how rows from an
/// unseen shop behave.
public enum GroupedFolds {
    /// The fold of each row, in order. Rows whose labels are equal once case, spacing and
    /// punctuation are ignored form a group (a missing or empty label is a group of its own); the
    /// groups, largest first (ties in order of first appearance), go to the fold with the fewest
    /// rows so far, the lowest-numbered on a tie. Deterministic, and the folds stay close in size.
    public static func assign(labels: [String?], folds: Int) -> [Int] {
        precondition(folds >= 1, "at least one fold")
        var members: [String: [Int]] = [:]
        var order: [String] = []
        for (index, label) in labels.enumerated() {
            let normal = label.map(FieldScorer.lettersAndDigits) ?? ""
            let group = normal.isEmpty ? "#row \(index)" : normal
            if members[group] == nil { order.append(group) }
            members[group, default: []].append(index)
        }
        let ranked = order.enumerated().sorted { a, b in
            let (na, nb) = (members[a.element]!.count, members[b.element]!.count)
            return na != nb ? na > nb : a.offset < b.offset
        }
        var sizes = Array(repeating: 0, count: folds)
        var fold = Array(repeating: 0, count: labels.count)
        for (_, group) in ranked {
            let target = sizes.indices.min { sizes[$0] != sizes[$1] ? sizes[$0] < sizes[$1] : $0 < $1 }!
            for index in members[group]! { fold[index] = target }
            sizes[target] += members[group]!.count
        }
        return fold
    }
}
