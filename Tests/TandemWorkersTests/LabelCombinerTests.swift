import Testing
import TandemWorkers

/// The calibrated combination of keyword rules and a taught classifier (`categorize_items`).
@Suite struct LabelCombinerTests {
    let labels = ["produce", "alcohol", "other"]
    var rules: KeywordRules { KeywordRules([("produce", ["banana", "apple"]), ("alcohol", ["ale", "wine"])]) }
    var keywords: KeywordClassifier { KeywordClassifier(labels: labels, rules: rules) }

    @Test func calibrationCountsRightAnswersPerStrength() {
        let examples: [(text: String, label: String)] = [
            ("organic banana", "produce"), ("apple pie", "other"), ("red wine", "alcohol"), // sole matches: 2 of 3 right
            ("banana wine", "alcohol"),                                                  // two labels matched (majority)
            ("paper towels", "other"), ("dish soap", "produce"),                         // unmatched: catch-all, 1 of 2 right
        ]
        let c = KeywordCalibration(keywords: keywords, examples: examples)
        #expect(c.examples == 6)
        #expect(c.counts[.sole]?.correct == 2 && c.counts[.sole]?.total == 3)
        #expect(c.counts[.unmatched]?.correct == 1 && c.counts[.unmatched]?.total == 2)
        // One pseudo-answer each way: (2 + 1) / (3 + 2).
        #expect(abs(c.accuracy(of: keywords.classify("green apple")) - 0.6) < 1e-9)
        // A strength never seen is a coin toss, not a certainty.
        let empty = KeywordCalibration(keywords: keywords, examples: [])
        #expect(empty.accuracy(of: keywords.classify("green apple")) == 0.5)
    }

    @Test func theLikelierRightMethodDecides() {
        // Sole keyword matches were right 9 times in 10: (9 + 1) / (10 + 2) ≈ 0.83.
        let examples = (0..<9).map { _ in (text: "banana", label: "produce") } + [(text: "apple", label: "other")]
        let combiner = LabelCombiner(keywords: keywords, calibration: KeywordCalibration(keywords: keywords, examples: examples), threshold: 0.4)
        let sureTaught = TaughtAnswer(label: "other", probability: 0.95, method: "knn")
        let unsureTaught = TaughtAnswer(label: "other", probability: 0.6, method: "knn")
        #expect(combiner.decide("banana bread", taught: sureTaught) == .decided(label: "other", probability: 0.95, method: "knn"))
        guard case .decided(let label, let p, let method) = combiner.decide("banana bread", taught: unsureTaught) else {
            Issue.record("expected a decision"); return
        }
        #expect(label == "produce" && method == "keyword" && abs(p - 10.0 / 12) < 1e-9)
        // No taught answer (the classifier failed): the keyword choice at its measured accuracy.
        #expect(combiner.decide("banana", taught: nil) == .decided(label: "produce", probability: 10.0 / 12, method: "keyword"))
    }

    @Test func bothUnsureAsksTheModelWithTheBetterGuessAsFallback() {
        // Unmatched texts were never right on the examples: (0 + 1) / (4 + 2) ≈ 0.17.
        let examples = (0..<4).map { _ in (text: "soap", label: "produce") }
        let combiner = LabelCombiner(keywords: keywords, calibration: KeywordCalibration(keywords: keywords, examples: examples), threshold: 0.4)
        let taught = TaughtAnswer(label: "alcohol", probability: 0.3, method: "centroid")
        #expect(combiner.decide("dish soap", taught: taught) == .askModel(fallback: "alcohol", probability: 0.3, method: "centroid"))
        #expect(combiner.decide("dish soap", taught: nil) == .askModel(fallback: "other", probability: 1.0 / 6, method: "keyword"))
    }

    @Test func withoutExamplesRulesAnswerWhereAKeywordMatched() {
        let combiner = LabelCombiner(keywords: keywords, calibration: nil, threshold: 1)
        #expect(combiner.decide("pale ale", taught: nil) == .decided(label: "alcohol", probability: 1, method: "keyword"))
        #expect(combiner.decide("dish soap", taught: nil) == .askModel(fallback: "other", probability: 0, method: "keyword"))
    }

    @Test func anUnmatchedTextWithoutACatchAllLabelHasNoFallback() {
        // Without "other" the first label ("produce") would be a blind guess.
        let noCatchAll = KeywordClassifier(labels: ["produce", "alcohol"], rules: rules)
        let uncalibrated = LabelCombiner(keywords: noCatchAll, calibration: nil, threshold: 1)
        #expect(uncalibrated.decide("dish soap", taught: nil) == .askModel(fallback: nil, probability: 0, method: "keyword"))
        let examples = (0..<4).map { _ in (text: "soap", label: "alcohol") }
        let calibrated = LabelCombiner(keywords: noCatchAll, calibration: KeywordCalibration(keywords: noCatchAll, examples: examples),
                                       threshold: 0.4)
        #expect(calibrated.decide("dish soap", taught: nil) == .askModel(fallback: nil, probability: 1.0 / 6, method: "keyword"))
        // A taught answer, however unsure, is evidence: it becomes the fallback.
        let taught = TaughtAnswer(label: "alcohol", probability: 0.3, method: "centroid")
        #expect(calibrated.decide("dish soap", taught: taught) == .askModel(fallback: "alcohol", probability: 0.3, method: "centroid"))
    }
}
