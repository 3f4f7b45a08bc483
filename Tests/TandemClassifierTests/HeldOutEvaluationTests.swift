import Foundation
import Testing
import TandemClassifier

/// The benchmarks' held-out evaluation: folds never score a row their classifier was taught with.
struct HeldOutEvaluationTests {
    @Test func foldsScoreEveryRowOnceAndNeverTeachWithIt() {
        // Labels grouped as the fixture files are, with an uneven last label.
        let labels = (0..<53).map { i in ["a", "b", "c", "d"][min(i / 14, 3)] }
        let splits = TaughtEvaluation.foldSplits(labels: labels, folds: 5)
        #expect(splits.count == 5)
        var scored = [Int](repeating: 0, count: labels.count)
        for split in splits {
            #expect(Set(split.train).isDisjoint(with: split.test))
            #expect(split.train.count + split.test.count == labels.count)
            for r in split.test { scored[r] += 1 }
            // Stratified: each fold holds each label's rows in proportion (within one row).
            for label in Set(labels) {
                let total = labels.filter { $0 == label }.count
                let inFold = split.test.filter { labels[$0] == label }.count
                #expect(abs(Double(inFold) - Double(total) / 5) < 1, "label \(label): \(inFold) of \(total) in one fold")
            }
        }
        #expect(scored.allSatisfy { $0 == 1 })
    }

    @Test func labelsThatCarryNoSignalScoreAtChance() async throws {
        // Real texts with labels unrelated to them: a classifier scored on rows it was taught with
        // would find each row itself (kNN near 1.0); held out, every method must stay near 0.5.
        let texts = try ClassifierFixtures.examples("intents.jsonl", textField: "text", labelField: "label", perLabel: 12)
        var state: UInt64 = 11
        let noise = texts.map { e -> LabelledExample in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return LabelledExample(text: e.text, label: (state >> 40) & 1 == 0 ? "x" : "y")
        }
        let settings = HeldOutSettings(methods: [.nearestNeighbours, .linear, .ensemble])
        let embedder = try ClassifierFixtures.embedder()
        let noiseReport = try await TaughtEvaluation.crossValidate(examples: noise, embedder: embedder, settings: settings)
        for s in noiseReport.scores + [noiseReport.chosen] {
            #expect(s.count == noise.count)
            #expect(s.accuracy < 0.7, "\(s.method.rawValue) scored \(s.accuracy) on labels that carry no signal")
        }
        #expect(noiseReport.chosenMethods.count == 5)

        // The same texts with their real labels, and only a spread subset scored.
        let scoring = Array(stride(from: 0, to: texts.count, by: 3))
        let report = try await TaughtEvaluation.crossValidate(examples: texts, scoring: scoring, embedder: embedder, settings: settings)
        #expect(report.chosen.count == scoring.count)
        #expect(report.chosenLabels.count == scoring.count)
        #expect(report.chosen.accuracy > 0.6, "7 intents, chance 0.14: \(report.chosen.accuracy)")
    }

    @Test func trainTestCountsUntaughtLabelsAsWrong() async throws {
        let all = try ClassifierFixtures.examples("intents.jsonl", textField: "text", labelField: "label", perLabel: 12)
        let train = all.filter { $0.label != "RateBook" }
        let test = all.filter { $0.label == "RateBook" }.prefix(4) + all.filter { $0.label == "GetWeather" }.prefix(4)
        let report = try await TaughtEvaluation.trainTest(train: train, test: Array(test), embedder: try ClassifierFixtures.embedder(),
                                                          settings: HeldOutSettings(methods: [.linear]))
        #expect(report.chosen.count == 8)
        #expect(report.chosen.accuracy <= 0.5, "RateBook was never taught, so at most the 4 weather rows are right")
        #expect(report.chosenMethods == [.linear])
    }
}
