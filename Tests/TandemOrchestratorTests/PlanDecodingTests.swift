import Testing
import TandemCore
import TandemOrchestrator

@Suite struct PlanDecodingTests {
    let text = """
        {"version": 1, "inputs": {"text": {"type": "string"}},
         "steps": [
           {"id": "a", "kind": "function", "tool": "currency_parse", "args": {"text": "{{input:text}}"}, "timeout_ms": 500, "retries": 2},
           {"id": "b", "kind": "function", "tool": "sum_amounts", "args": {"amounts": ["{{step:a.amount}}", 1]}, "after": ["a"],
            "fallback": {"kind": "function", "tool": "echo"}}
         ],
         "output": {"total": "{{step:b.total}}"}}
        """

    @Test func decodesEveryField() throws {
        let plan = try Plan.parse(text)
        #expect(plan.version == 1)
        #expect(plan.inputs.map(\.name) == ["text"])
        #expect(plan.steps.map(\.id) == ["a", "b"])
        #expect(plan.steps[0].timeoutMs == 500 && plan.steps[0].retries == 2)
        #expect(plan.steps[1].after == ["a"])
        #expect(plan.steps[1].fallback == StepFallback(kind: .function, tool: "echo"))
        #expect(plan.output["total"] == "{{step:b.total}}")
    }

    @Test func roundTripsThroughJSONAndCodable() throws {
        let plan = try Plan.parse(text)
        #expect(try Plan.decode(plan.json) == plan)
        let viaCodable = try plan.json.decode(Plan.self)
        #expect(viaCodable == plan)
    }

    @Test func reportsEveryStructuralProblemAtOnceWithPointers() {
        let bad = """
            {"version": 2, "steps": [
              {"id": "a b", "kind": "function", "tool": "x", "args": [], "retries": 99},
              {"kind": "function", "tool": "", "colour": "red"},
              "not a step"
            ], "extra": true}
            """
        do {
            _ = try Plan.parse(bad)
            Issue.record("a broken plan decoded")
        } catch {
            let pointers = Set(error.issues.map(\.pointer))
            #expect(pointers.isSuperset(of: ["/version", "/steps/0/id", "/steps/0/args", "/steps/0/retries", "/steps/1/id",
                                             "/steps/1/tool", "/steps/1/colour", "/steps/2", "/extra"]))
            #expect(error.issues.contains { $0.code == .unsupportedVersion })
            #expect(error.description.contains("/steps/1/colour"))
        }
    }

    @Test func invalidJSONIsOneClearIssue() {
        do {
            _ = try Plan.parse("{\"version\": 1, \"steps\": [")
            Issue.record("invalid JSON decoded")
        } catch {
            #expect(error.issues.count == 1)
            #expect(error.issues[0].code == .invalidJSON)
            #expect(error.issues[0].message.contains("line 1"))
        }
    }

    @Test func referencesParseWithPaths() throws {
        let reference = try PlanReference(parsing: "{{step:x.items[0].name}}")
        #expect(reference.source == .step("x"))
        #expect(reference.path == [.key("items"), .index(0), .key("name")])
        #expect(reference.description == "{{step:x.items[0].name}}")
        #expect(try PlanReference(parsing: "{{ item.q }}") == PlanReference(source: .item, path: [.key("q")]))
        for bad in ["{{bogus}}", "{{step:}}", "{{step:a.}}", "{{input:t[x]}}", "step:a"] {
            #expect(throws: ReferenceSyntaxError.self, "\(bad)") { try PlanReference(parsing: bad) }
        }
        let all = PlanReference.all(in: ["a": "{{step:x.items[0].name}}", "b": ["total {{input:t}} and {{item.q}}"], "c": "{{bogus}}"])
        #expect(all.map(\.description) == ["{{step:x.items[0].name}}", "{{input:t}}", "{{item.q}}"])
    }

    @Test func malformedReferencesAreReportedWhereTheyAre() throws {
        let found = issues(#"{"version": 1, "steps": [{"id": "a", "kind": "function", "tool": "echo", "args": {"c": "{{bogus}}", "d": ["{{step:x"]}}]}"#,
                           try faultRegistry())
        #expect(found.filter { $0.code == .malformedReference }.map(\.pointer) == ["/steps/0/args/c", "/steps/0/args/d/0"])
    }
}
