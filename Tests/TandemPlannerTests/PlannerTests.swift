import Foundation
import Testing
import TandemCloud
import TandemCore
import TandemOrchestrator
import TandemWorkers
import TandemPlanner

private func registry() throws -> WorkerRegistry {
    StandardWorkers.registry(localModel: nil, rules: try KeywordRuleBook(directory: Fixtures.path("config")))
}

private func templates() throws -> PlanTemplateLibrary { try PlanTemplateLibrary(directory: Fixtures.path("examples/plans")) }

/// Fault injection: a planning model that answers scripted plans (invalid ones included) or fails.
private struct ScriptedPlanningModel: PlanningModelClient {
    let answers: [JSONValue?]
    let calls = Counter()
    func completeJSON(system: String, user: String, schema: JSONValue, schemaName: String) async throws -> CloudCompletion {
        let n = await calls.next()
        guard let answer = answers[min(n, answers.count - 1)] else { throw CloudError.offlineBlocked(host: "planner.invalid") }
        return CloudCompletion(value: answer, usage: .zero, totalUsage: .zero, model: "scripted", provider: .openai, requests: 1, costUSD: nil)
    }
}

private actor Counter {
    var value = 0
    func next() -> Int { defer { value += 1 }; return value }
}

@Test func everyTemplateValidatesAgainstTheStandardCatalog() throws {
    let validator = PlanValidator(registry: try registry())
    let library = try templates()
    #expect(library.templates.count >= 4)
    for template in library.templates {
        #expect(throws: Never.self, "template \(template.name)") { _ = try validator.compile(text: JSONWriter.compact(template.json)) }
    }
}

@Test func keywordsSelectTheTemplate() throws {
    let library = try templates()
    #expect(library.select(for: "categorize the items in these receipts and total them by category")?.name == "categorize_total")
    #expect(library.select(for: "Is this review positive or negative?")?.name == "sentiment")
    #expect(library.select(for: "extract the date and address of each receipt")?.name == "receipt_pipeline")
    #expect(library.select(for: "zzz")?.name == library.templates.first?.name)
}

@Test func offlinePlannerUsesATemplateAndSaysWhy() async throws {
    let planner = Planner(registry: try registry(), templates: try templates(), client: ScriptedPlanningModel(answers: [nil]),
                          skipReason: "offline mode")
    let result = try await planner.plan("categorize the items in these receipts and total them by category")
    #expect(result.trace.outcome == .template("categorize_total"))
    #expect(result.trace.attempts.isEmpty)
    #expect(result.trace.errors == ["offline mode"])
}

@Test func invalidPlansAreReaskedWithTheValidatorsErrorsThenFallBack() async throws {
    let bad: JSONValue = ["version": 1, "inputs": ["text": ["type": "string"]],
                          "steps": [["id": "a", "kind": "local_model", "tool": "no_such_tool", "args": [:]]], "output": [:]]
    let model = ScriptedPlanningModel(answers: [bad])
    let planner = Planner(registry: try registry(), templates: try templates(), client: model, maxReasks: 2)
    let result = try await planner.plan("tell me if this review is positive")
    #expect(result.trace.attempts.count == 3)
    #expect(await model.calls.value == 3)
    #expect(result.trace.outcome == .template("sentiment"))
    #expect(result.trace.attempts.allSatisfy { $0.errors.contains { $0.contains("no_such_tool") } })
}

@Test func aRepairedPlanIsUsedAfterOneReask() async throws {
    let bad: JSONValue = ["version": 1, "steps": [["id": "s", "kind": "local_model", "tool": "sentiment", "args": ["txt": "{{input:text}}"]]]]
    let good: JSONValue = ["version": 1, "inputs": ["text": ["type": "string"]],
                           "steps": [["id": "s", "kind": "local_model", "tool": "sentiment", "args": ["text": "{{input:text}}"]]],
                           "output": ["label": "{{step:s.label}}"]]
    let planner = Planner(registry: try registry(), templates: try templates(), client: ScriptedPlanningModel(answers: [bad, good]))
    let result = try await planner.plan("how does this review feel?")
    #expect(result.trace.outcome == .afterReask(1))
    #expect(result.json == good)
}

@Test func aFailingModelOpensItsCircuitAndTheNextModelAnswers() async throws {
    let board = ModelHealthBoard(failureLimit: 2, coolDown: .seconds(60))
    let good: JSONValue = ["ok": true]
    let client = FallbackPlanningClient(models: [("down", ScriptedPlanningModel(answers: [nil])),
                                                 ("up", ScriptedPlanningModel(answers: [good]))], board: board)
    for _ in 0..<3 { _ = try await client.completeJSON(system: "", user: "", schema: [:], schemaName: "x") }
    #expect(await board.stats(for: "down").requests == 2)
    #expect(await board.isOpen("down"))
    #expect(await board.stats(for: "up").requests == 3)
}
