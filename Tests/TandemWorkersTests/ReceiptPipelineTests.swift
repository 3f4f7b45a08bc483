import Foundation
import Testing
import TandemCore
import TandemOrchestrator
import TandemTestSupport
import TandemWorkers

/// The receipt pipeline end to end with the local model off: every local step answers by its
/// rule-based fallback, over the shared fixture receipts (any folder of the same schema works).
@Suite struct ReceiptPipelineTests {
    func runner(concurrency: Int = 4) throws -> PipelineRunner {
        let registry = try standardRegistry(model: nil)
        let plan = try PlanValidator(registry: registry).compile(text: try TestPaths.text(TestPaths.examples.appendingPathComponent("plan.json")))
        return PipelineRunner(plan: plan, executor: DAGExecutor(registry: registry), options: PipelineOptions(concurrency: concurrency, fieldMatcher: .standard))
    }

    @Test func ruleBaselineReachesItsAccuracyOnTheFixtureReceipts() async throws {
        let lines = try JSONLReader.read(path: try TestPaths.fixture("receipts.jsonl").path)
        var emitted: [Int] = []
        var progressCalls = 0
        let summary = try await runner().run(lines, onResult: { emitted.append($0.line) }, onProgress: { _ in progressCalls += 1 })
        #expect(summary.records == lines.count && summary.succeeded == lines.count)
        #expect(emitted == lines.map(\.line), "results must come back in input order")
        #expect(progressCalls == lines.count)
        // Model off: the rules decide every field, sure ones as the primary path, the others as a fallback.
        let fieldsStep = try #require(summary.steps.first { $0.tool == "extract_receipt_fields" })
        #expect(fieldsStep.decisions.values.allSatisfy { Set($0.keys).isSubset(of: ["rules", "rules (unsure, model off)"]) })
        #expect(summary.fallbackRate > 0 && summary.fallbackRate < 1)
        var measured: [String: Double] = [:]
        for field in summary.fields { measured[field.field] = field.accuracy }
        print("rule baseline accuracy over \(lines.count) receipts: " + summary.fields.map { "\($0.field) \($0.correct)/\($0.total)" }.joined(separator: ", "))
        // Floors a little below what was measured when this test was written: company 114/120,
        // date 120/120, address 101/120, total 112/120.
        #expect((measured["company"] ?? 0) >= 0.90)
        #expect((measured["date"] ?? 0) >= 0.95)
        #expect((measured["address"] ?? 0) >= 0.78)
        #expect((measured["total"] ?? 0) >= 0.88)
        let cost = CostTable(summary: summary, prices: .defaults)
        #expect(cost.isEstimate && cost.usage.promptTokens > 0)
        #expect(cost.rows.first?.cost == 0 && cost.rows.dropFirst().allSatisfy { $0.cost > 0 })
        let text = summary.text(prices: .defaults)
        #expect(text.contains("records/s") && text.contains("p95 ms") && text.contains("gpt-4o-mini") && text.contains("accuracy"))
        #expect(!text.contains("model endpoints"), "in-process: no endpoint table")
        // A pool's endpoints, as `tandem run` fills them in at the end.
        var pooled = summary
        pooled.endpoints = [EndpointStatus(url: "http://127.0.0.1:8081", isUp: true, inFlight: 0, requests: 40, failures: 0, p50Seconds: 0.25, lastError: nil),
                            EndpointStatus(url: "http://127.0.0.1:8082", isUp: false, inFlight: 0, requests: 3, failures: 3, p50Seconds: nil,
                                           lastError: "connection refused")]
        let table = pooled.text(prices: .defaults)
        #expect(table.contains("model endpoints:") && table.contains("250.0") && table.contains("down") && table.contains("(connection refused)"), "\(table)")
        let json = pooled.json(prices: .defaults)["endpoints"]?.arrayValue ?? []
        #expect(json.count == 2 && json[0]["p50_ms"]?.doubleValue == 250 && json[1]["up"] == .bool(false))
    }

    @Test func malformedLinesAreReportedByNumberAndTheRestProcessed() async throws {
        let good = try TestPaths.text(TestPaths.examples.appendingPathComponent("sample.jsonl")).split(separator: "\n").prefix(3).map(String.init)
        let text = [good[0], "{\"id\": \"broken\", \"text\": ", good[1], "", "[1, 2]", "{\"id\": \"no-text\"}", good[2]].joined(separator: "\n")
        let lines = JSONLReader.parse(text)
        var results: [PipelineRecordResult] = []
        let summary = try await runner().run(lines, onResult: { results.append($0) })
        #expect(results.map(\.line) == [1, 2, 3, 5, 6, 7])
        #expect(results.map(\.status) == ["ok", "failed", "ok", "failed", "failed", "ok"])
        #expect(results[1].error?.hasPrefix("line 2: invalid JSON") == true)
        #expect(results[3].error == "line 5: expected a JSON object, got array")
        #expect(results[4].error?.contains("line 6: missing input 'text'") == true)
        #expect(summary.records == 6 && summary.succeeded == 3 && summary.failed == 3)
        #expect(summary.errors.count == 3)
        #expect(results[0].json["output"]?["company"]?.stringValue?.isEmpty == false)
    }

    @Test func summaryJSONCarriesTheFigures() async throws {
        let lines = try JSONLReader.read(path: TestPaths.examples.appendingPathComponent("sample.jsonl").path)
        let summary = try await runner().run(lines)
        let json = summary.json(prices: .defaults)
        #expect(json["records"] == 10)
        #expect(json["steps"]?.arrayValue?.count == 6)
        #expect(json["steps"]?[0]?["p95_ms"]?.doubleValue != nil)
        #expect(json["accuracy"]?["total"]?["total"] == 10)
        #expect(json["cost"]?["estimated"] == true)
    }

    @Test func invalidModelOutputIsCountedAsFallbackAndItsTokensArePriced() async throws {
        let model = MisbehavingModel(.invalidJSON)
        let registry = try standardRegistry(model: model)
        let plan = try PlanValidator(registry: registry).compile(text: try TestPaths.text(TestPaths.examples.appendingPathComponent("plan.json")))
        let lines = try JSONLReader.read(path: TestPaths.examples.appendingPathComponent("sample.jsonl").path)
        let summary = try await PipelineRunner(plan: plan, executor: DAGExecutor(registry: registry),
                                               options: PipelineOptions(fieldMatcher: .standard)).run(lines)
        #expect(summary.succeeded == 10)
        #expect(summary.modelCalls == model.calls && model.calls >= 1)
        // Every field and list the model was asked about fell back to the rules.
        for step in summary.steps where step.kind == .localModel {
            for (_, methods) in step.decisions { #expect(!methods.keys.contains { $0.hasPrefix("model") }, "\(step.stepID): \(methods)") }
        }
        #expect(summary.usage.promptTokens > 0)
        let cost = CostTable(summary: summary, prices: .defaults)
        #expect(!cost.isEstimate && cost.usage == summary.usage)
        #expect(summary.fields.first { $0.field == "total" }?.correct == 10)
    }

    @Test func keywordCategorizerOnTheLineItemFixture() throws {
        let rules = try KeywordRuleBook(directory: TestPaths.config).rules("line_items")
        let classifier = KeywordClassifier(labels: rules.labels, rules: rules)
        var correct = 0, total = 0
        for line in JSONLReader.parse(try TestPaths.text(try TestPaths.fixture("line_items.jsonl"))) {
            guard case .record(_, let row) = line, let item = row["item"]?.stringValue, let label = row["category"]?.stringValue else { continue }
            total += 1
            if classifier.classify(item).label == label { correct += 1 }
        }
        print("keyword categorizer accuracy on line_items: \(correct)/\(total)")  // 484/720 when written
        #expect(total == 720)
        #expect(Double(correct) / Double(total) >= 0.62)
    }

    @Test func sentimentLexiconOnTheSentimentFixture() throws {
        let lexicon = SentimentLexicon(rules: try KeywordRuleBook(directory: TestPaths.config).rules("sentiment"))
        var correct = 0, total = 0
        for line in JSONLReader.parse(try TestPaths.text(try TestPaths.fixture("sentiment.jsonl"))) {
            guard case .record(_, let row) = line, let text = row["text"]?.stringValue, let label = row["label"]?.stringValue else { continue }
            total += 1
            if (lexicon.score(text) >= 0 ? "positive" : "negative") == label { correct += 1 }
        }
        print("sentiment lexicon accuracy: \(correct)/\(total)")  // 1472/1993 when written
        #expect(Double(correct) / Double(total) >= 0.70)
    }
}
