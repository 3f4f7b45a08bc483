import Testing
import TandemCore
import TandemOrchestrator

@Suite struct PlanValidatorTests {
    let registry: WorkerRegistry
    init() throws { registry = try faultRegistry() }

    func step(_ id: String, _ tool: String = "echo", _ args: String = "{}", extra: String = "") -> String {
        "{\"id\": \"\(id)\", \"kind\": \"function\", \"tool\": \"\(tool)\", \"args\": \(args)\(extra)}"
    }

    func step(_ id: String, args: String, extra: String = "") -> String { step(id, "echo", args, extra: extra) }

    func plan(_ steps: [String], inputs: String = "{}", output: String = "null") -> String {
        "{\"version\": 1, \"inputs\": \(inputs), \"steps\": [\(steps.joined(separator: ","))], \"output\": \(output)}"
    }

    @Test func acceptsAValidPlanAndBuildsDependencies() throws {
        let compiled = try compile(plan([step("a", "add", #"{"a": 1, "b": 2}"#), step("b", "add", #"{"a": "{{step:a.sum}}", "b": 3}"#),
                                         step("c", extra: #", "after": ["a", "b"]"#)]), registry)
        #expect(compiled.dependencies(of: "b") == ["a"])
        #expect(compiled.dependencies(of: "c") == ["a", "b"])
    }

    @Test func cycleErrorNamesTheCycle() {
        let found = issues(plan([step("a", args: #"{"x": "{{step:b}}"}"#), step("b", args: #"{"x": "{{step:c}}"}"#),
                                 step("c", args: #"{"x": "{{step:a}}"}"#)]), registry)
        let cycle = found.first { $0.code == .cycle }
        #expect(cycle?.message.contains("a → b → c → a") == true)
        #expect(cycle?.stepID == "a" && cycle?.pointer == "/steps/0")
    }

    @Test func cycleThroughAfterIsFound() {
        let found = issues(plan([step("a", extra: #", "after": ["b"]"#), step("b", extra: #", "after": ["a"]"#)]), registry)
        #expect(found.contains { $0.code == .cycle && $0.message.contains("a → b → a") })
    }

    @Test func selfReferenceIsReported() {
        let found = issues(plan([step("a", args: #"{"x": "{{step:a.y}}"}"#), step("b", extra: #", "after": ["b"]"#)]), registry)
        #expect(found.filter { $0.code == .selfReference }.map(\.pointer) == ["/steps/0/args/x", "/steps/1/after/0"])
        #expect(!found.contains { $0.code == .cycle })
    }

    @Test func danglingReferencesAndUnknownInputs() {
        let found = issues(plan([step("a", args: #"{"x": "{{step:nope}}", "y": "{{input:missing}}", "z": "{{item}}"}"#),
                                 step("b", extra: #", "after": ["ghost"]"#)], output: #"{"o": "{{step:gone}}"}"#), registry)
        #expect(found.contains { $0.code == .danglingReference && $0.pointer == "/steps/0/args/x" && $0.message.contains("'nope'") })
        #expect(found.contains { $0.code == .unknownInput && $0.pointer == "/steps/0/args/y" })
        #expect(found.contains { $0.code == .itemOutsideMap && $0.pointer == "/steps/0/args/z" })
        #expect(found.contains { $0.code == .danglingReference && $0.pointer == "/steps/1/after/0" })
        #expect(found.contains { $0.code == .danglingReference && $0.pointer == "/output/o" })
    }

    @Test func unknownToolKindAndMissingWorker() {
        let found = issues(plan([step("a", "no_such_tool"),
                                 #"{"id": "b", "kind": "teleport", "tool": "x"}"#,
                                 #"{"id": "c", "kind": "code", "tool": "python"}"#]), registry)
        #expect(found.contains { $0.code == .unknownTool && $0.stepID == "a" && $0.message.contains("available:") })
        #expect(found.contains { $0.code == .unknownKind && $0.pointer == "/steps/1/kind" })
        #expect(found.contains { $0.code == .noWorkerForKind && $0.stepID == "c" && $0.message.contains("'code'") })
    }

    @Test func argumentTypesAreCheckedForLiteralsAndReferences() {
        let found = issues(plan([step("a", "add", #"{"a": "one", "b": 2, "c": 3}"#),
                                 step("b", "add", #"{"a": 1}"#),
                                 step("p", "currency_parse", #"{"text": "RM 1"}"#),
                                 step("d", "add", #"{"a": "{{step:p.currency}}", "b": "{{step:p.amount}}"}"#),
                                 step("e", "add", #"{"a": "x {{step:p.amount}}", "b": 1}"#)]), registry)
        let types = found.filter { $0.code == .argumentType }
        #expect(types.contains { $0.pointer == "/steps/0/args/a" && $0.message.contains("expected number") })
        #expect(types.contains { $0.pointer == "/steps/1/args" && $0.message.contains("missing required field \"b\"") })
        #expect(types.contains { $0.pointer == "/steps/3/args/a" && $0.message.contains("{{step:p.currency}}") })
        #expect(!types.contains { $0.pointer == "/steps/3/args/b" })  // number|null fits a number argument
        #expect(types.contains { $0.pointer == "/steps/4/args/a" && $0.message.contains("string") })
    }

    @Test func unknownResultFieldsAreCaught() {
        let found = issues(plan([step("p", "currency_parse", #"{"text": "1"}"#),
                                 step("q", args: #"{"x": "{{step:p.amount_cents}}", "y": "{{step:p.amount.value}}"}"#)]), registry)
        #expect(found.contains { $0.code == .unknownField && $0.pointer == "/steps/1/args/x" && $0.message.contains("amount, currency") })
        #expect(found.contains { $0.code == .unknownField && $0.pointer == "/steps/1/args/y" })
    }

    @Test func duplicateIdsAndEmptyPlan() {
        let dup = issues(plan([step("a"), step("b"), step("a")]), registry)
        #expect(dup.contains { $0.code == .duplicateID && $0.pointer == "/steps/2/id" && $0.message.contains("/steps/0") })
        let empty = issues(plan([]), registry)
        #expect(empty.map(\.code) == [.emptyPlan])
    }

    @Test func mapStepsTypeTheirItems() throws {
        let ok = plan([step("s", "sum_amounts", #"{"amounts": [1, 2]}"#),
                       step("m", "add", #"{"a": "{{item}}", "b": 1}"#, extra: #", "map": "{{input:numbers}}""#)],
                      inputs: #"{"numbers": {"type": "array", "items": {"type": "number"}}}"#)
        _ = try compile(ok, registry)
        let bad = plan([step("s", "currency_parse", #"{"text": "1"}"#),
                        step("m", "add", #"{"a": "{{item}}", "b": 1}"#, extra: #", "map": "{{step:s.currency}}""#)])
        #expect(issues(bad, registry).contains { $0.code == .argumentType && $0.pointer == "/steps/1/map" })
    }

    @Test func everyProblemComesBackAtOnceAsJSON() {
        let text = plan([step("a", "nope"), step("a", args: #"{"x": "{{step:zz}}"}"#), step("c", args: #"{"x": "{{step:c}}"}"#)])
        do {
            _ = try compile(text, registry)
            Issue.record("invalid plan compiled")
        } catch {
            #expect(error.issues.count >= 4)
            let json = error.json
            #expect(json["valid"] == false)
            let first = json["errors"]?[0]
            #expect(first?["code"]?.stringValue != nil && first?["pointer"]?.stringValue != nil && first?["message"]?.stringValue != nil)
            #expect(error.description.contains("problems"))
        }
    }

    @Test func tenThousandStepPlansValidateInLinearTime() throws {
        func chain(_ n: Int) -> String {
            plan((0..<n).map { i in i == 0 ? step("s0") : step("s\(i)", args: "{\"x\": \"{{step:s\(i - 1)}}\"}") })
        }
        func wide(_ n: Int) -> String {
            plan([step("root")] + (1..<n).map { i in step("s\(i)", extra: ", \"after\": [\"\(i % 2 == 0 || i == 1 ? "root" : "s\(i - 1)")\"]") })
        }
        let limits = PlanLimits(maxSteps: 10_000, maxFanOut: 10_000)
        // CPU time of this thread, not wall-clock time: a loaded machine does not inflate it.
        let start = threadCPUMilliseconds()
        _ = try compile(chain(10_000), registry, limits: limits)
        _ = try compile(wide(10_000), registry, limits: limits)
        let used = threadCPUMilliseconds() - start
        print("validating two 10,000-step plans: \(Int(used)) CPU ms")
        #expect(used < 10_000, "validating two 10,000-step plans took \(used) CPU ms")

        let big = issues(chain(10_001), registry)
        #expect(big.map(\.code) == [.tooManySteps])
        let cyclic = chain(10_000).replacingOccurrences(of: "{\"id\": \"s0\", \"kind\": \"function\", \"tool\": \"echo\", \"args\": {}}",
                                                        with: "{\"id\": \"s0\", \"kind\": \"function\", \"tool\": \"echo\", \"args\": {\"x\": \"{{step:s9999}}\"}}")
        let found = issues(cyclic, registry, limits: limits)
        #expect(found.count == 1 && found[0].code == .cycle)
    }

    @Test func plansBuiltInCodeAreCheckedToo() {
        let plan = Plan(steps: [PlanStep(id: "a.b", kind: .function, tool: "echo"),
                                PlanStep(id: "c", kind: .function, tool: "add", args: ["a": "{{step:a.b}}", "b": 1])])
        let found = PlanValidator(registry: registry).issues(in: plan)
        #expect(found.contains { $0.code == .schema && $0.pointer == "/steps/0/id" })
        #expect(found.contains { $0.code == .danglingReference && $0.pointer == "/steps/1/args/a" })
    }

    @Test func fanOutLimit() {
        let steps = [step("root")] + (0..<5).map { step("c\($0)", extra: #", "after": ["root"]"#) }
        let found = issues(plan(steps), registry, limits: PlanLimits(maxSteps: 100, maxFanOut: 4))
        #expect(found.map(\.code) == [.fanOutTooLarge])
        #expect(found.first?.stepID == "root")
    }
}
