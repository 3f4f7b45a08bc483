import Foundation
import Testing
import TandemCore
import TandemOrchestrator
import TandemTestSupport
import TandemWorkers

/// `total_by_category` alone, and inside `examples/plans/categorize_total.json` run by the
/// executor on the sample receipts with the local model off (the rule fallbacks answer).
@Suite struct CategoryTotalsTests {
    let worker = FunctionWorker(registry: .standard)

    func call(_ args: JSONValue) async throws -> JSONValue {
        try await worker.run(StepCall(stepID: "t", tool: "total_by_category", args: args)).value
    }

    @Test func sumsAreExactPerCategoryAndItemsWithoutAmountAreCountedApart() async throws {
        let items: JSONValue = [["description": "a", "amount": 0.1], ["description": "b", "amount": 0.2],
                                ["description": "c", "amount": "RM 1,007.50"], ["description": "d", "amount": nil],
                                ["description": "e", "amount": -0.3], ["description": "f", "amount": 2.675]]
        let categories: JSONValue = [["category": "snacks"], ["category": "snacks"], "household",
                                     ["category": "snacks"], ["category": "snacks"]]
        let r = try await call(["items": items, "categories": categories])
        // 0.1 + 0.2 in Double is 0.30000000000000004, and with -0.3 it would not come back to 0.
        #expect(r["totals"] == .object([("snacks", 0), ("household", 1007.5), ("uncategorized", 2.675)]))
        #expect(r["total"] == 1010.175)
        #expect(r["count"] == 5)
        #expect(r["without_amount"] == 1)
    }

    @Test func planTotalsEveryCategoryOfTheSampleReceipts() async throws {
        let registry = try standardRegistry(model: nil)
        let planURL = TestPaths.packageRoot.appendingPathComponent("examples/plans/categorize_total.json")
        let plan = try PlanValidator(registry: registry).compile(text: try TestPaths.text(planURL))
        let executor = DAGExecutor(registry: registry)
        var receiptsWithSeveralCategories = 0
        for line in try JSONLReader.read(path: TestPaths.examples.appendingPathComponent("sample.jsonl").path) {
            guard case .record(_, let record) = line, let text = record["text"]?.stringValue else {
                Issue.record("sample.jsonl has an unreadable line: \(line)")
                continue
            }
            let id = record["id"]?.stringValue ?? "?"
            let run = await executor.run(plan, inputs: ["text": .string(text)])
            #expect(run.isComplete, "\(id): failed steps \(run.failedSteps)")
            #expect(run.trace("items")?.decisions["items"]?.keys.allSatisfy { $0.hasPrefix("rules") } == true,
                    "\(id): the model is off, so the rules must have answered")
            let output = run.output
            let lineItems = output["line_items"]?.arrayValue ?? []
            let categories = output["categories"]?.arrayValue ?? []
            #expect(categories.count == lineItems.count, "\(id): one category per line item")

            // The expected sums, in integer cents, from the plan's own line items and categories.
            var expected: [String: Int] = [:]
            var expectedTotal = 0, withAmount = 0
            for (item, category) in zip(lineItems, categories) {
                guard let amount = item["amount"]?.doubleValue else { continue }
                let cents = Int((amount * 100).rounded())
                // An item no rule matched has no category (null): its amount is summed as "uncategorized".
                expected[category["category"]?.stringValue ?? "uncategorized", default: 0] += cents
                expectedTotal += cents
                withAmount += 1
            }
            let totals = output["totals_by_category"]?.objectValue ?? []
            let got = Dictionary(uniqueKeysWithValues: totals.map { ($0.0, Int((($0.1.doubleValue ?? .nan) * 100).rounded())) })
            #expect(got == expected, "\(id): per-category sums")
            #expect(totals.reduce(0) { $0 + Int((($1.1.doubleValue ?? 0) * 100).rounded()) } == expectedTotal,
                    "\(id): the categories add up to the total")
            #expect(output["total"].flatMap(\.doubleValue).map { Int(($0 * 100).rounded()) } == expectedTotal, "\(id): total")
            #expect(output["item_count"] == .number(Double(withAmount)))
            #expect(output["items_without_amount"] == .number(Double(lineItems.count - withAmount)))
            if totals.count >= 2 { receiptsWithSeveralCategories += 1 }
        }
        #expect(receiptsWithSeveralCategories >= 1, "the sample should exercise more than one category on a receipt")
    }
}
