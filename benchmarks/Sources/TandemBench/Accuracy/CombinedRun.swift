import TandemClassifier
import TandemCore
import TandemWorkers

/// The accuracy suite's `combined` answer for line items: what `categorize_items` decides when it
/// has both its keyword rules and a taught classifier (`LabelCombiner`: whichever is likelier
/// right by calibrated accuracy), with the model's answer where the combiner asks for it (when
/// the model method ran; else the better guess, as the tool answers without a model). Scored on
/// the taught method's held-out rows, with keyword accuracy measured on each fold's training rows
/// only, so no row is scored by a combination measured on it.
struct CombinedRun: Sendable {
    let task: AccuracyTask
    let labels: [String]
    let rules: KeywordRuleBook
    /// The taught classifier's confidence threshold (what `tandem teach` stores by default).
    var threshold = 0.4

    /// One answer per scored row, plus how many the model decided.
    struct Answers: Sendable {
        var labels: [String]
        var methods: [String: Int]
        var askedModel: Int
    }

    /// `training(i)` gives the fold of scored row `i` and the labelled rows its classifier was
    /// taught with.
    func answers(scored: [FixtureFolder.Row], taught: HeldOutReport, model: [String?]?,
                 training: (Int) -> (fold: Int, examples: [(text: String, label: String)])) -> Answers {
        let keywords = KeywordClassifier(labels: labels, rules: try? rules.rules(task.rawValue))
        var calibrations: [Int: KeywordCalibration] = [:]
        var out = Answers(labels: [], methods: [:], askedModel: 0)
        for (i, row) in scored.enumerated() {
            let fold = training(i)
            let calibration = calibrations[fold.fold] ?? KeywordCalibration(keywords: keywords, examples: fold.examples)
            calibrations[fold.fold] = calibration
            let combiner = LabelCombiner(keywords: keywords, calibration: calibration, threshold: threshold)
            let text = row.value[task.textKey]?.stringValue ?? ""
            let answer = TaughtAnswer(label: taught.chosenLabels[i], probability: taught.chosenProbabilities[i], method: "taught")
            switch combiner.decide(text, taught: answer) {
            case .decided(let label, _, let method):
                out.labels.append(label)
                out.methods[method, default: 0] += 1
            case .askModel(let fallback, _, let method):
                out.askedModel += 1
                if let modelLabel = model?[i] ?? nil {
                    out.labels.append(modelLabel)
                    out.methods["model", default: 0] += 1
                } else if let fallback {
                    out.labels.append(fallback)
                    out.methods[method, default: 0] += 1
                } else {
                    out.labels.append("")  // the tool gives no category: scored wrong
                    out.methods["none", default: 0] += 1
                }
            }
        }
        return out
    }
}
