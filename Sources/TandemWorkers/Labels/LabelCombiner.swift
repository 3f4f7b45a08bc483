/// Decides an item's label from the keyword rules and a taught classifier by calibrated
/// accuracy, not by a fixed order, and says when the model should be asked instead.
///
/// Both sides are put on one scale: the taught classifier's probability is calibrated on
/// out-of-fold predictions when it is taught, and the keyword choice's accuracy is measured on
/// the classifier's own examples (`KeywordCalibration`). Whichever is likelier right answers;
/// when even that is under `threshold`, the model is asked and the better guess is its fallback.
/// Without labelled examples nothing can be calibrated: the rules answer where a keyword
/// matched and the model where none did, since an unmatched text only gets the catch-all label.
public struct LabelCombiner: Sendable {
    /// An item's answer before any model call.
    public enum Decision: Sendable, Equatable {
        /// Decided: the label, its estimated accuracy and the method (`keyword` or the taught method).
        case decided(label: String, probability: Double, method: String)
        /// The model should decide; `fallback` answers if it cannot. It is nil when nothing
        /// supports any label (no keyword matched, the set has no catch-all label and no taught
        /// classifier answered): the first label would be a blind guess.
        case askModel(fallback: String?, probability: Double, method: String)
    }

    /// The keyword rules for the request's labels.
    public let keywords: KeywordClassifier
    /// Measured keyword accuracy; nil when there were no labelled examples to measure on.
    public let calibration: KeywordCalibration?
    /// Under this estimated accuracy the model is asked (the taught classifier's threshold).
    public let threshold: Double

    /// Creates a combiner.
    public init(keywords: KeywordClassifier, calibration: KeywordCalibration?, threshold: Double) {
        self.keywords = keywords; self.calibration = calibration; self.threshold = threshold
    }

    /// The decision for `text`, given the taught classifier's answer (confident or not), if any.
    public func decide(_ text: String, taught: TaughtAnswer?) -> Decision {
        let keyword = keywords.classify(text)
        guard let calibration, calibration.examples > 0 else {
            if keyword.matched { return .decided(label: keyword.label, probability: keyword.confidence, method: "keyword") }
            return .askModel(fallback: keyword.isGuess ? nil : keyword.label, probability: keyword.confidence, method: "keyword")
        }
        var best = (label: keyword.label, probability: calibration.accuracy(of: keyword), method: "keyword")
        var guess = keyword.isGuess
        if let taught, taught.probability > best.probability {
            best = (taught.label, taught.probability, taught.method)
            guess = false
        }
        return best.probability < threshold
            ? .askModel(fallback: guess ? nil : best.label, probability: best.probability, method: best.method)
            : .decided(label: best.label, probability: best.probability, method: best.method)
    }
}
