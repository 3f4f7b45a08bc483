import Testing
import TandemCore
import TandemOrchestrator
import TandemTestSupport
import TandemWorkers

/// The model's field choices are asked only where, on the user's labelled receipts, they fixed
/// more than they broke.
@Suite struct ReceiptChoiceGateTests {
    static let standing = ReceiptRulesCalibration(examples: [], prior: 0)

    static func seen(_ field: String = "total", rulesRight: Bool, chosenRight: Bool, agrees: Bool = false,
                     probability: Double = 0.9) -> ReceiptChoiceGate.Observation {
        .init(field: field, optionCount: 3, rulesIndex: 0, chosen: agrees ? 0 : 1, probability: probability,
              rulesRight: rulesRight, chosenRight: chosenRight)
    }

    @Test func aFieldIsAskedOnlyWhenItsChoicesFixedMoreThanTheyBroke() {
        // Five choices that all agree with the rules: nothing fixed, nothing broken, not worth a call.
        let agreeing = Array(repeating: Self.seen(rulesRight: true, chosenRight: true, agrees: true), count: 5)
        let idle = ReceiptChoiceGate(observations: agreeing, calibration: Self.standing)
        #expect(idle.counts["total"] == .init(asked: 5, disagreed: 0, disagreedRight: 0, fixes: 0, breaks: 0))
        #expect(!idle.isOpen("total"))
        // Four are too few to judge by; a field never seen is asked too.
        #expect(ReceiptChoiceGate(observations: Array(agreeing.prefix(4)), calibration: Self.standing).isOpen("total"))
        #expect(idle.isOpen("company"))
        // Two fixes against one break: asked. One of each: not.
        let helpful = agreeing.prefix(2) + [Self.seen(rulesRight: false, chosenRight: true), Self.seen(rulesRight: false, chosenRight: true),
                                            Self.seen(rulesRight: true, chosenRight: false)]
        let gate = ReceiptChoiceGate(observations: Array(helpful), calibration: Self.standing)
        #expect(gate.counts["total"] == .init(asked: 5, disagreed: 3, disagreedRight: 2, fixes: 2, breaks: 1))
        #expect(gate.isOpen("total"))
        let even = Array(agreeing.prefix(3)) + [Self.seen(rulesRight: false, chosenRight: true), Self.seen(rulesRight: true, chosenRight: false)]
        #expect(!ReceiptChoiceGate(observations: even, calibration: Self.standing).isOpen("total"))
        #expect(gate.summary[3] == "total: asked on 5 examples, differed from the rules on 3 (right on 2); fixed 2, broke 1: asked")
    }

    @Test func onlyChoicesTheCalibrationWouldTakeCountAsFixes() throws {
        // The rules right 2 times in 3: a 0.4 choice among three options does not replace them,
        // so the right answer it held fixed nothing, and the field is not worth asking.
        let doubtful = Array(repeating: Self.seen(rulesRight: false, chosenRight: true, probability: 0.4), count: 5)
        let gate = ReceiptChoiceGate(observations: doubtful, calibration: .uncalibrated)
        #expect(gate.counts["total"] == .init(asked: 5, disagreed: 5, disagreedRight: 5, fixes: 0, breaks: 0))
        #expect(!gate.isOpen("total"))
        #expect(ReceiptChoiceGate(observations: doubtful, calibration: Self.standing).isOpen("total"))
    }

    @Test func aGatedFieldKeepsTheRulesValueWithoutAModelCall() async throws {
        let receipt = LocalToolTests().unsureReceipt
        let found = try #require(ReceiptEvidenceReader.read(receipt).fields["total"])
        #expect(!found.isSure && found.candidates.count >= 2)
        let closed = ReceiptChoiceGate(observations: Array(repeating: Self.seen(rulesRight: true, chosenRight: true, agrees: true), count: 5),
                                       calibration: Self.standing)
        let recorder = MisbehavingModel(.choosing("B", 0.99))
        let out = try await ReceiptFieldsTool(calibration: Self.standing, gate: closed).run(["text": .string(receipt)], model: recorder)
        #expect(out.decisions["total"] == "rules (unsure, model gated off)")
        #expect(out.value["total"]?.stringValue == found.value)
        #expect(recorder.askedChoices.isEmpty && out.modelCalls == 0 && out.fallbackUnits == 0)
        // The same receipt with the gate open for totals asks the model once.
        let asked = try await ReceiptFieldsTool(calibration: Self.standing, gate: ReceiptChoiceGate(counts: [:]))
            .run(["text": .string(receipt)], model: recorder)
        #expect(asked.modelCalls == 1 && asked.decisions["total"] == "model choice")
    }

    @Test func learnsFromTheRealModelsChoicesOnLabelledReceipts() async throws {
        let examples = Array(try ReceiptRulesCalibrationTests.fixtureExamples().prefix(40))
        // What the gate must ask: every labelled field the rules are unsure of with two or more candidates.
        var expected: [String: Int] = [:]
        for example in examples {
            let evidence = ReceiptEvidenceReader.read(example.text)
            for field in ReceiptFieldsTool.fieldNames {
                guard let found = evidence.fields[field], !found.isSure, found.candidates.count >= 2,
                      !(example.fields[field] ?? "").isEmpty else { continue }
                expected[field, default: 0] += 1
            }
        }
        #expect(expected.values.reduce(0, +) >= 5, "the first 40 fixture receipts should leave the rules several choices")
        let model = try EngineModelClient(modelPath: try TestModelFile.smolLM(), slots: 4, contextLength: 8192)
        let gate = try await ReceiptChoiceGate.learn(examples: examples, calibration: ReceiptRulesCalibration(examples: examples), model: model)
        for field in ReceiptFieldsTool.fieldNames {
            let c = gate.counts[field] ?? .init()
            #expect(c.asked == expected[field] ?? 0, "\(field): \(gate.summary)")
            #expect(c.disagreedRight <= c.disagreed && c.fixes <= c.disagreedRight && c.breaks <= c.disagreed)
        }
        print("gate learned with SmolLM2 on 40 fixture receipts: " + gate.summary.joined(separator: "; "))
    }
}
