import TandemOrchestrator

/// The labels and keyword rules a labelling tool call works with.
struct LabelSpec {
    let labels: [String]
    let rules: KeywordRules?

    /// `labels` from the arguments, else the label set's labels; rules from `label_set` when given.
    static func resolve(labels: [String]?, labelSet: String?, book: KeywordRuleBook, tool: String) throws -> LabelSpec {
        var rules: KeywordRules?
        if let labelSet {
            do { rules = try book.rules(labelSet) } catch { throw LocalToolArgumentError(tool: tool, message: error.description) }
        }
        let chosen = labels ?? rules?.labels ?? []
        guard !chosen.isEmpty else {
            throw LocalToolArgumentError(tool: tool, message: "give \"labels\" (an array of strings) or \"label_set\" (a config/<name>.keywords.json name)")
        }
        return LabelSpec(labels: chosen, rules: rules)
    }
}
