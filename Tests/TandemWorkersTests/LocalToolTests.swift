import Testing
import TandemCore
import TandemOrchestrator
import TandemTestSupport
import TandemWorkers

@Suite struct LocalToolTests {
    let receipt = """
        TAN WOON YANN
        YONGFATT ENTERPRISE
        (JM0517726)
        NO 122.124 JALAN DEDAP 13
        81100 JOHOR BAHRU
        TEL 07-3523888
        DATE
        25/12/2018
        ITEM
        QTY
        AMOUNT
        ELEGANT BAG
        1
        80.91
        80.91
        TOTAL :
        80.90
        CASH :
        100.00
        CHANGE :
        19.10
        """

    func worker(_ model: (any LocalModelClient)?) throws -> LocalModelWorker {
        LocalModelWorker(model: model, tools: StandardWorkers.localTools(rules: try KeywordRuleBook(directory: TestPaths.config)))
    }

    /// The same receipt without its TOTAL line and with two items: the total is a guess.
    var unsureReceipt: String {
        receipt.replacingOccurrences(of: "TOTAL :\n80.90\n", with: "").replacingOccurrences(of: "ELEGANT BAG\n1\n80.91\n80.91", with: "ELEGANT BAG\n1\n40.00\nBELT\n1\n40.90")
    }

    @Test func sureRulesNeedNoModelAndSaySo() async throws {
        let out = try await worker(MisbehavingModel(.throwing)).run(StepCall(stepID: "f", tool: "extract_receipt_fields",
                                                                            args: ["text": .string(receipt)]))
        #expect(out.value == ["company": "YONGFATT ENTERPRISE", "date": "25/12/2018", "address": "NO 122.124 JALAN DEDAP 13 81100 JOHOR BAHRU", "total": "80.90"])
        #expect(out.decisions == ["company": "rules", "date": "rules", "address": "rules", "total": "rules"])
        #expect(out.fallback == nil && out.fallbackUnits == 0 && out.modelCalls == 0, "every field is sure: the model is not asked")
    }

    @Test func modelOffLeavesUnsureFieldsToTheRulesAndSaysSo() async throws {
        let out = try await worker(nil).run(StepCall(stepID: "f", tool: "extract_receipt_fields", args: ["text": .string(unsureReceipt)]))
        #expect(out.value["company"] == "YONGFATT ENTERPRISE")
        #expect(out.decisions["total"] == "rules (unsure, model off)" && out.decisions["company"] == "rules")
        #expect(out.fallback == "keyword: local model off")
        #expect(out.fallbackUnits == 1 && out.units == 4 && out.modelCalls == 0 && out.model == nil)
        #expect(out.estimatedUsage.promptTokens > 50)
    }

    @Test func anInvalidModelChoiceFallsBackToTheRulesAndIsCounted() async throws {
        let model = MisbehavingModel(.wrongLabel)
        let out = try await worker(model).run(StepCall(stepID: "f", tool: "extract_receipt_fields", args: ["text": .string(unsureReceipt)]))
        #expect(out.value["total"] == "100.00", "the rules' guess (the largest amount) stands")
        #expect(out.decisions["total"] == "rules (model failed)")
        #expect(out.fallback?.contains("is not one of the labels") == true)
        #expect(out.modelCalls == 1 && out.fallbackUnits == 1 && out.usage.promptTokens == 30)
        #expect(out.model == "misbehaving-test-model")
    }

    @Test func aThrowingModelFallsBack() async throws {
        let out = try await worker(MisbehavingModel(.throwing)).run(StepCall(stepID: "i", tool: "parse_line_items",
                                                                            args: ["text": .string(unsureReceipt), "generate": "unsure"]))
        #expect(out.fallback == "keyword: local model failed: model crashed")
        #expect(out.decisions["items"] == "rules (model failed)")
        #expect(out.value["items"]?[0]?["description"] == "ELEGANT BAG")
    }

    @Test func lineItemsThatDoNotAddUpAreKeptWithoutAskingTheModel() async throws {
        // The rules found items (40.00 + 40.90) that miss the total: generating the list anew
        // would cost a whole generation, so by default the rules' list stands, marked unsure.
        let model = MisbehavingModel(.throwing)
        let out = try await worker(model).run(StepCall(stepID: "i", tool: "parse_line_items", args: ["text": .string(unsureReceipt)]))
        #expect(out.value["items"]?.arrayValue?.compactMap { $0["amount"]?.doubleValue } == [40.00, 40.90])
        #expect(out.decisions["items"] == "rules (unsure, kept)" && model.calls == 0 && out.fallback == nil && out.estimatedUsage == .zero)
    }

    @Test func theModelListsItemsOnlyWhenAskedTo() async throws {
        // No item the rules can read: by default the empty list stands; generate: "empty" asks the model.
        let text = "SOME SHOP\nTHANK YOU\nTOTAL 5.00"
        let quiet = MisbehavingModel(.throwing)
        let kept = try await worker(quiet).run(StepCall(stepID: "i", tool: "parse_line_items", args: ["text": .string(text)]))
        #expect(kept.value["items"]?.arrayValue?.isEmpty == true && kept.decisions["items"] == "rules (unsure, kept)" && quiet.calls == 0)
        let asked = MisbehavingModel(.throwing)
        let out = try await worker(asked).run(StepCall(stepID: "i", tool: "parse_line_items", args: ["text": .string(text), "generate": "empty"]))
        #expect(asked.calls == 1 && out.decisions["items"] == "rules (model failed)")
        await #expect(throws: (any Error).self) {
            _ = try await worker(asked).run(StepCall(stepID: "i", tool: "parse_line_items", args: ["text": .string(text), "generate": "always"]))
        }
    }

    @Test func lineItemsThatAddUpToTheTotalNeedNoModel() async throws {
        let model = MisbehavingModel(.throwing)
        let out = try await worker(model).run(StepCall(stepID: "i", tool: "parse_line_items", args: ["text": .string(receipt)]))
        #expect(out.value["items"]?[0]?["amount"] == 80.91)
        #expect(out.decisions["items"] == "rules" && model.calls == 0 && out.fallback == nil)
    }

    @Test func lineItemCallsAreBoundedByTheReceiptsAmountLines() throws {
        // Five lines print an amount (80.91 twice, 80.90, 100.00, 19.10): at most five items.
        let (schema, maxTokens) = LineItemsTool.requestSchema(for: receipt)
        #expect(schema["properties"]?["items"]?["maxItems"] == 5)
        #expect(maxTokens == 24 + 48 * 5)
        let checker = JSONSchemaChecker(schema: schema)
        let item: JSONValue = ["description": "ELEGANT BAG", "quantity": 1, "unit_price": 80.91, "amount": 80.91]
        #expect(checker.isValid(["items": .array([item])]))
        #expect(!checker.isValid(["items": .array([JSONValue](repeating: item, count: 6))]), "a sixth item must be refused")
        #expect(!checker.isValid(["items": [item.setting("description", to: .string(String(repeating: "A", count: 61)))]]))
        // Whatever the bound, an answer under it is an answer under the tool's published schema.
        #expect(JSONSchemaChecker(schema: LineItemsTool().descriptor.resultSchema).isValid(["items": .array([item])]))
        #expect(LineItemsTool.requestSchema(for: "no amounts here").schema["properties"]?["items"]?["maxItems"] == 1)
    }

    @Test func categorizeDecidesMatchedItemsByRulesAndSendsTheRestConcurrently() async throws {
        let model = MisbehavingModel(.wrongLabel, rendezvous: 2)
        // Without a taught classifier nothing is calibrated: a keyword match answers, and only the
        // items no rule matched go to the model (concurrently, so they can share a batch).
        let items: JSONValue = ["Organic Bananas", ["description": "Chocolate Chip Cookies"], "Dog Food Chicken", "Pale Ale 6 Pack",
                                "Zorblax 3000", ["description": "Qwibble Zent"], "Vantro Kex"]
        let out = try await worker(model).run(StepCall(stepID: "c", tool: "categorize_items", args: ["items": items, "label_set": "line_items"]))
        #expect(model.calls == 3)
        #expect(model.peakConcurrency > 1, "items went to the model one at a time, so they cannot share a batch")
        #expect(out.fallbackUnits == 3 && out.units == 7 && out.modelCalls == 3)
        let answered = out.value["items"]?.arrayValue ?? []
        #expect(answered.map { $0["category"]?.stringValue } == ["produce", "snacks", "pets", "alcohol", nil, nil, nil])
        #expect(answered.prefix(4).allSatisfy { $0["method"] == "keyword" }, "\(answered)")
        #expect(answered.prefix(4).allSatisfy { ($0["confidence"]?.doubleValue ?? 0) > 0 })
        // The line_items labels have no catch-all: an item nothing matched gets no category, not the first label.
        #expect(answered.suffix(3).allSatisfy { $0["category"] == .null && $0["method"] == "none" && $0["confidence"] == 0 }, "\(answered)")
        #expect(JSONSchemaChecker(schema: CategorizeItemsTool(rules: .init()).descriptor.resultSchema).isValid(out.value))
        #expect(out.decisionCounts == ["category": ["keyword": 4, "none": 3]], "the pipeline summary counts who decided each item")
        #expect(out.fallback?.contains("is not one of the labels") == true && out.fallback?.contains("3 of 7 items") == true)
    }

    @Test func categorizeNeedsLabelsOrALabelSet() async throws {
        await #expect(throws: LocalToolArgumentError.self) {
            _ = try await worker(nil).run(StepCall(stepID: "c", tool: "categorize_items", args: ["items": ["x"]]))
        }
        await #expect {
            _ = try await worker(nil).run(StepCall(stepID: "c", tool: "categorize_items", args: ["items": ["x"], "label_set": "nope"]))
        } throws: { "\($0)".contains("add ") && "\($0)".contains("nope.keywords.json") }
    }

    @Test func classifyTextBaselineUsesLabelNames() async throws {
        let out = try await worker(nil).run(StepCall(stepID: "k", tool: "classify_text",
                                                     args: ["text": "what will the weather be tomorrow in Paris", "labels": ["play music", "get weather", "book restaurant"]]))
        #expect(out.value["label"] == "get weather")
    }

    @Test func sentimentLexiconHandlesNegation() async throws {
        let w = try worker(nil)
        for (text, label) in [("The food was great and the staff friendly.", "positive"), ("Not good at all, a waste of money.", "negative"),
                              ("I didn't like it.", "negative"), ("Never disappointed here.", "positive")] {
            let out = try await w.run(StepCall(stepID: "s", tool: "sentiment", args: ["text": .string(text)]))
            #expect(out.value["label"] == .string(label), "\(text)")
        }
    }

    @Test func entitiesFallbackFindsCommonTypes() async throws {
        let text = "Mail sales@example.com or call +60 3-7731 8169 before 25/12/2018; pay RM 12.50 (6% GST) to Acme Trading Sdn Bhd, attn Dr. Jane Lee. See www.example.com"
        let out = try await worker(nil).run(StepCall(stepID: "e", tool: "extract_entities", args: ["text": .string(text)]))
        let found = Set((out.value["entities"]?.arrayValue ?? []).compactMap { e in e["type"]?.stringValue.map { "\($0):\(e["text"]?.stringValue ?? "")" } })
        for expected in ["email:sales@example.com", "phone:+60 3-7731 8169", "date:25/12/2018", "money:RM 12.50", "percent:6%",
                         "person:Dr. Jane Lee", "url:www.example.com"] {
            #expect(found.contains(expected), "\(expected) not in \(found)")
        }
        #expect(found.contains { $0.hasPrefix("organization:") && $0.hasSuffix("Acme Trading Sdn Bhd") })
    }

    @Test func badArgumentsAreRejectedBeforeTheModel() async throws {
        await #expect {
            _ = try await worker(MisbehavingModel(.throwing)).run(StepCall(stepID: "f", tool: "extract_receipt_fields", args: ["txt": "x"]))
        } throws: { "\($0)".contains("missing required field \"text\"") }
    }

    @Test func keywordRulesLoadFromConfigAndReportProblems() throws {
        let book = try KeywordRuleBook(directory: TestPaths.config)
        #expect(book.setNames.contains("line_items") && book.setNames.contains("sentiment"))
        #expect(try book.rules("line_items").labels.count == 18)
        #expect(throws: KeywordRulesError.self) { try KeywordRuleBook(directory: "/nonexistent/config") }
        #expect(throws: KeywordRulesError.self) { try KeywordRules.parse(["a": "not a list"], source: "x") }
    }
}
