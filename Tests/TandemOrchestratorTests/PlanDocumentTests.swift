import Foundation
import Testing
import TandemCore
import TandemOrchestrator
import TandemTestSupport
import TandemWorkers

/// The published schema, the bundled example and the graph renderers agree with the code.
@Suite struct PlanDocumentTests {
    func schema() throws -> JSONSchemaChecker {
        JSONSchemaChecker(schema: try JSONParser.parse(try TestPaths.text(TestPaths.docs.appendingPathComponent("plan.schema.json"))))
    }

    func examplePlan() throws -> String { try TestPaths.text(TestPaths.examples.appendingPathComponent("plan.json")) }

    @Test func theExamplePlanSatisfiesThePublishedSchemaAndTheValidator() throws {
        let json = try JSONParser.parse(try examplePlan())
        #expect(try schema().violations(of: json).isEmpty)
        let compiled = try PlanValidator(registry: try standardRegistry()).compile(text: try examplePlan())
        #expect(compiled.dependencies(of: "check") == ["items", "total"])
        #expect(try schema().violations(of: Plan.decode(json).json).isEmpty)
    }

    @Test func theSchemaRejectsWhatTheDecoderRejects() throws {
        let bad: JSONValue = ["version": 2, "steps": [["id": "a b", "kind": "teleport", "tool": "x", "retries": 11, "colour": "red"]]]
        let pointers = Set(try schema().violations(of: bad).map(\.pointer))
        #expect(pointers.isSuperset(of: ["/version", "/steps/0/id", "/steps/0/kind", "/steps/0/retries", "/steps/0/colour"]))
        #expect(try !schema().violations(of: ["version": 1, "steps": []]).isEmpty)
    }

    @Test func graphsShowInputsStepsAndOutput() throws {
        let compiled = try PlanValidator(registry: try standardRegistry()).compile(text: try examplePlan())
        let dot = PlanGraph.render(compiled, format: .dot)
        #expect(dot.hasPrefix("digraph plan {"))
        #expect(dot.contains("\"input:text\" -> \"fields\";"))
        #expect(dot.contains("\"items\" -> \"categories\";"))
        #expect(dot.contains("\"total\" -> \"check\";"))
        #expect(dot.contains("\"categories\" -> \"output\";"))
        let mermaid = PlanGraph.render(compiled, format: .mermaid)
        #expect(mermaid.hasPrefix("flowchart LR\n"))
        #expect(mermaid.contains("in0 --> s0") && mermaid.contains("s1 --> s2") && mermaid.contains("s5 --> out"))
    }

    @Test func priceTablesParseAndRejectNonsense() throws {
        let table = try PriceTable.load(path: TestPaths.config + "/prices.json")
        #expect(table.models.count >= 3)
        #expect(table.models[0].cost(TokenUsage(promptTokens: 1_000_000, generatedTokens: 1_000_000)) > 0)
        #expect(throws: PipelineError.self) { try PriceTable.parse(["models": [["name": "x", "input_per_million": -1, "output_per_million": 1]]], source: "t") }
        #expect(throws: PipelineError.self) { try PriceTable.load(path: "/nonexistent/prices.json") }
    }

    @Test func fieldScorerForgivesFormattingButNotContent() {
        #expect(FieldScorer.matches(field: "total", predicted: "8.20", expected: "$8.20"))
        #expect(FieldScorer.matches(field: "total", predicted: 3.9, expected: "RM 3.90"))
        #expect(!FieldScorer.matches(field: "total", predicted: "3.80", expected: "RM 3.90"))
        #expect(FieldScorer.matches(field: "date", predicted: "2018-12-25", expected: "25/12/2018"))
        #expect(FieldScorer.matches(field: "address", predicted: "no.2&4 , jalan  harmoni", expected: "NO.2&4, JALAN HARMONI."))
        #expect(!FieldScorer.matches(field: "company", predicted: "ABC TRADING", expected: "ABD TRADING"))
        #expect(!FieldScorer.matches(field: "company", predicted: nil, expected: "X"))
    }
}
