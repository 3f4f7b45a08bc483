import Testing
import TandemCore
import TandemOrchestrator
import TandemTestSupport
import TandemWorkers

/// The rules' accuracy on fields they are unsure of, measured on labelled receipts, decides
/// whether a model choice that disagrees with them is taken.
@Suite struct ReceiptRulesCalibrationTests {
    static func fixtureExamples() throws -> [ReceiptFieldMemory.Example] {
        try JSONLReader.read(path: try TestPaths.fixture("receipts.jsonl").path).compactMap { line in
            if case .record(_, let value) = line { return ReceiptFieldMemory.Example(record: value) } else { return nil }
        }
    }

    @Test func countsUnsureFieldsAndTheirHitsOnTheFixtureReceipts() throws {
        let calibration = ReceiptRulesCalibration(examples: try Self.fixtureExamples())
        let total = try #require(calibration.counts["total"])
        #expect(total.unsure >= ReceiptRulesCalibration.minimumExamples && total.right <= total.unsure)
        #expect(calibration.counts["date"].map { $0.right <= $0.unsure } ?? true)
        #expect(calibration.summary.count == 4 && calibration.summary[3].hasPrefix("total: rules unsure on \(total.unsure) examples"))
        // Too few examples: no accuracy is claimed.
        #expect(ReceiptRulesCalibration(examples: Array(try Self.fixtureExamples().prefix(2))).unsureAccuracy("total") == nil)
    }

    @Test func aDisagreeingChoiceReplacesTheRulesOnlyWhenSurerThanTheyAreRight() async throws {
        let memory = ReceiptFieldMemory(examples: try Self.fixtureExamples())
        let bar = try #require(memory.calibration.unsureAccuracy("total"))
        #expect(bar > 0.05 && bar < 0.95, "the fixture's unsure totals are neither always nor never right (\(bar))")
        let receipt = LocalToolTests().unsureReceipt
        let found = try #require(ReceiptEvidenceReader.read(receipt).fields["total"])
        #expect(!found.isSure)
        let options = ReceiptPrompt.inReceiptOrder(Array(found.candidates.prefix(ReceiptPrompt.maxOptions)), text: receipt)
        let other = try #require(options.firstIndex { $0 != found.value })
        let label = ReceiptPrompt.letters(options.count)[other]
        let tool = ReceiptFieldsTool(memory: memory)
        let unsure = try await tool.run(["text": .string(receipt)], model: MisbehavingModel(.choosing(label, 0.05)))
        #expect(unsure.value["total"]?.stringValue == found.value && unsure.decisions["total"] == "rules (unsure, kept)")
        let sure = try await tool.run(["text": .string(receipt)], model: MisbehavingModel(.choosing(label, 0.99)))
        #expect(sure.value["total"]?.stringValue == options[other] && sure.decisions["total"] == "model choice")
        // Without examples an unlikely choice is weighed against the default prior and kept out;
        // a calibration with a prior of 0 lets it stand.
        let doubtful = MisbehavingModel(.choosing(label, 0.05))
        #expect(try await ReceiptFieldsTool().run(["text": .string(receipt)], model: doubtful).decisions["total"] == "rules (unsure, kept)")
        let standing = ReceiptFieldsTool(calibration: ReceiptRulesCalibration(examples: [], prior: 0))
        #expect(try await standing.run(["text": .string(receipt)], model: doubtful).decisions["total"] == "model choice")
        #expect(sure.modelCalls == 1 && unsure.modelCalls == 1)
    }

    @Test func theModelsPreferenceIsWeighedAgainstTheRulesAccuracy() throws {
        let calibration = ReceiptRulesCalibration(examples: try Self.fixtureExamples())
        let a = try #require(calibration.unsureAccuracy("total"))
        // Four options, the rules' is option 0; the model picks option 2.
        let odds = (1 - a) / 3 / a  // how much likelier than the rules' option the model's must be
        let just = [0.05, 0.0, 0.05 / odds * 1.1, 0.0], short = [0.05, 0.0, 0.05 / odds * 0.9, 0.0]
        #expect(calibration.modelWins(field: "total", chosen: 2, rules: 0, count: 4, probability: just[2], distribution: just))
        #expect(!calibration.modelWins(field: "total", chosen: 2, rules: 0, count: 4, probability: short[2], distribution: short))
        // Agreeing with the rules, or the rules' value not among the options: the choice stands.
        #expect(calibration.modelWins(field: "total", chosen: 0, rules: 0, count: 4, probability: 0.01))
        #expect(calibration.modelWins(field: "total", chosen: 2, rules: nil, count: 4, probability: 0.01))
    }

    @Test func withoutExamplesTheRulesAreTakenAsRightTwoTimesInThree() {
        let none = ReceiptRulesCalibration.uncalibrated
        #expect(none.unsureAccuracy("total") == nil)
        #expect(none.priorAccuracy("total") == ReceiptRulesCalibration.defaultUnsureAccuracy)
        // Four options: the model's pick must be over 2 · 3 = 6 times likelier than the rules' option.
        #expect(!none.modelWins(field: "total", chosen: 2, rules: 0, count: 4, probability: 0.5, distribution: [0.1, 0.2, 0.5, 0.2]))
        #expect(none.modelWins(field: "total", chosen: 2, rules: 0, count: 4, probability: 0.9, distribution: [0.1, 0.0, 0.9, 0.0])
                == (0.9 * (1.0 / 3) / 3 > 0.1 * (2.0 / 3)))
        #expect(none.modelWins(field: "total", chosen: 2, rules: 0, count: 4, probability: 0.97, distribution: [0.01, 0.01, 0.97, 0.01]))
        #expect(none.summary.allSatisfy { $0.contains("taken as 67%") })
        // A prior of 0 lets every choice stand (the benchmark's re-ask of rejected choices).
        let stand = ReceiptRulesCalibration(examples: [], prior: 0)
        #expect(stand.modelWins(field: "total", chosen: 2, rules: 0, count: 4, probability: 0.05, distribution: [0.9, 0.0, 0.05, 0.05]))
    }
}
