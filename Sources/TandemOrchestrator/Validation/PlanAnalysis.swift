import TandemCore

/// One validation pass over a plan: collects issues and, when there are none, the parts of a
/// `CompiledPlan`.
struct PlanAnalysis {
    let plan: Plan
    let registry: WorkerRegistry
    let limits: PlanLimits
    /// Steps the decoder already found malformed: their kind/tool/type checks would only repeat it.
    let brokenSteps: Set<Int>

    private(set) var issues: [PlanIssue] = []
    private var index: [String: Int] = [:]
    private var inputSchemas: [String: JSONValue] = [:]
    private var args: [ArgumentTemplate] = []
    private var maps: [ArgumentTemplate?] = []
    private var fallbackArgs: [ArgumentTemplate?] = []
    private var output: ArgumentTemplate = .literal(.null)
    private var dependencies: [[Int]] = []
    private var schemas = ReferenceSchemas()

    init(plan: Plan, registry: WorkerRegistry, limits: PlanLimits, brokenSteps: Set<Int>) {
        self.plan = plan
        self.registry = registry
        self.limits = limits
        self.brokenSteps = brokenSteps
    }

    mutating func run() {
        let steps = plan.steps
        if steps.isEmpty { issues.append(PlanIssue(.emptyPlan, pointer: "/steps", "the plan has no steps; add at least one")) }
        if steps.count > limits.maxSteps {
            issues.append(PlanIssue(.tooManySteps, pointer: "/steps", "the plan has \(steps.count) steps; the limit is \(limits.maxSteps): split the work or use \"map\" over an array"))
        }
        for input in plan.inputs { inputSchemas[input.name] = input.schema }
        index.reserveCapacity(steps.count)
        for (i, step) in steps.enumerated() {
            // Decoded plans had their ids checked already; plans built in code have not.
            if !brokenSteps.contains(i), step.id.isEmpty || !step.id.allSatisfy(ReferenceSyntax.isNameCharacter) {
                issues.append(PlanIssue(.schema, step: step.id, pointer: "/steps/\(i)/id", "step id '\(step.id)' may use only letters, digits, '_' and '-'"))
            }
            if let first = index[step.id] {
                issues.append(PlanIssue(.duplicateID, step: step.id, pointer: "/steps/\(i)/id", "step id '\(step.id)' is already used by /steps/\(first); ids must be unique"))
            } else {
                index[step.id] = i
            }
        }
        dependencies = Array(repeating: [], count: steps.count)
        schemas = ReferenceSchemas(plan: plan, registry: registry, index: index, inputSchemas: inputSchemas, brokenSteps: brokenSteps)
        for i in steps.indices { analyzeStep(i) }
        var references: [ArgumentTemplate.Located] = []
        var problems: [(String, String)] = []
        output = ArgumentTemplate.compile(plan.output, pointer: "/output", references: &references, problems: &problems)
        for (pointer, message) in problems { issues.append(PlanIssue(.malformedReference, pointer: pointer, message)) }
        for located in references { _ = checkReference(located, owner: nil, mapItem: nil) }
        checkFanOut()
        for cycle in CycleDetector.cycles(dependencies: dependencies) {
            let names = cycle.map { steps[$0].id }
            issues.append(PlanIssue(.cycle, step: names[0], pointer: "/steps/\(cycle[0])",
                                    "steps depend on each other in a cycle: \(names.joined(separator: " → ")) (each needs the next); remove one of these references or \"after\" entries"))
        }
    }

    func compiled() -> CompiledPlan? {
        guard issues.isEmpty else { return nil }
        var dependants = Array(repeating: [Int](), count: dependencies.count)
        for (i, deps) in dependencies.enumerated() { for d in deps { dependants[d].append(i) } }
        return CompiledPlan(plan: plan, stepIndex: index, args: args, maps: maps, fallbackArgs: fallbackArgs,
                            output: output, dependencies: dependencies, dependants: dependants)
    }

    private mutating func analyzeStep(_ i: Int) {
        let step = plan.steps[i]
        let pointer = "/steps/\(i)"
        let isBroken = brokenSteps.contains(i)
        let tool = isBroken ? nil : resolveTool(kind: step.kind, name: step.tool, pointer: pointer, step: step.id)
        var deps = Set<Int>()

        var mapItem: JSONValue?? = nil  // nil: not a map step; .some(nil): element schema unknown
        var mapTemplate: ArgumentTemplate?
        if let map = step.map {
            var refs: [ArgumentTemplate.Located] = []
            var problems: [(String, String)] = []
            let template = ArgumentTemplate.compile(.string(map), pointer: pointer + "/map", references: &refs, problems: &problems)
            report(problems, step: step.id)
            if case .reference = template, let only = refs.first {
                let found = checkReference(only, owner: i, mapItem: nil)
                if case .step(let id) = only.reference.source, let d = index[id], d != i { deps.insert(d) }
                if case .found(let schema)? = found, let types = JSONSchemaChecker.types(of: schema), !types.contains("array") {
                    issues.append(PlanIssue(.argumentType, step: step.id, pointer: pointer + "/map", "\"map\" needs an array but \(only.reference) is \(types.sorted().joined(separator: " or "))"))
                }
                if case .found(let schema)? = found, let items = schema["items"] { mapItem = .some(items) } else { mapItem = .some(nil) }
            } else if problems.isEmpty {
                issues.append(PlanIssue(.malformedReference, step: step.id, pointer: pointer + "/map", "\"map\" must be exactly one reference, e.g. \"{{step:items.items}}\""))
            }
            mapTemplate = template
        }

        let template = compileChecked(step.args, pointer: pointer + "/args", owner: i, mapItem: mapItem, deps: &deps)
        if let tool { typeCheck(template, tool: tool, pointer: pointer + "/args", step: step.id, mapItem: mapItem) }

        for (j, dependency) in step.after.enumerated() {
            let at = "\(pointer)/after/\(j)"
            if dependency == step.id {
                issues.append(PlanIssue(.selfReference, step: step.id, pointer: at, "step '\(step.id)' cannot run after itself"))
            } else if let d = index[dependency] {
                deps.insert(d)
            } else {
                issues.append(PlanIssue(.danglingReference, step: step.id, pointer: at, "\"after\" names step '\(dependency)', which does not exist\(idHint)"))
            }
        }

        var fallbackTemplate: ArgumentTemplate?
        if let fallback = step.fallback, !isBroken {
            let kind = fallback.kind ?? step.kind
            let fallbackTool = resolveTool(kind: kind, name: fallback.tool, pointer: pointer + "/fallback", step: step.id)
            if let fallbackArgs = fallback.args {
                let compiled = compileChecked(fallbackArgs, pointer: pointer + "/fallback/args", owner: i, mapItem: mapItem, deps: &deps)
                if let fallbackTool { typeCheck(compiled, tool: fallbackTool, pointer: pointer + "/fallback/args", step: step.id, mapItem: mapItem) }
                fallbackTemplate = compiled
            } else if let fallbackTool {
                typeCheck(template, tool: fallbackTool, pointer: pointer + "/args", step: step.id, mapItem: mapItem)
            }
        }
        args.append(template)
        maps.append(mapTemplate)
        fallbackArgs.append(fallbackTemplate)
        dependencies[i] = deps.sorted()
    }

    private var idHint: String {
        let ids = plan.steps.prefix(8).map(\.id).joined(separator: ", ")
        return plan.steps.isEmpty ? "" : "; step ids: \(ids)\(plan.steps.count > 8 ? ", ..." : "")"
    }

    private mutating func compileChecked(_ value: JSONValue, pointer: String, owner: Int, mapItem: JSONValue??, deps: inout Set<Int>) -> ArgumentTemplate {
        var refs: [ArgumentTemplate.Located] = []
        var problems: [(String, String)] = []
        let template = ArgumentTemplate.compile(value, pointer: pointer, references: &refs, problems: &problems)
        report(problems, step: plan.steps[owner].id)
        for located in refs {
            _ = checkReference(located, owner: owner, mapItem: mapItem)
            if case .step(let id) = located.reference.source, let d = index[id], d != owner { deps.insert(d) }
        }
        return template
    }

    private mutating func report(_ problems: [(String, String)], step: String) {
        for (pointer, message) in problems { issues.append(PlanIssue(.malformedReference, step: step, pointer: pointer, message)) }
    }

    private mutating func resolveTool(kind: StepKind, name: String, pointer: String, step: String) -> ToolDescriptor? {
        guard kind.isKnown else {
            issues.append(PlanIssue(.unknownKind, step: step, pointer: pointer + "/kind", "unknown kind '\(kind)'; use one of \(StepKind.known.map(\.rawValue).joined(separator: ", "))"))
            return nil
        }
        guard registry.worker(for: kind) != nil else {
            let available = registry.kinds.map(\.rawValue).joined(separator: ", ")
            issues.append(PlanIssue(.noWorkerForKind, step: step, pointer: pointer + "/kind", "no worker for kind '\(kind)' is registered in this build; available kinds: \(available)"))
            return nil
        }
        guard let tool = registry.tool(name, kind: kind) else {
            let names = registry.toolNames(kind: kind).joined(separator: ", ")
            issues.append(PlanIssue(.unknownTool, step: step, pointer: pointer + "/tool", "unknown \(kind) tool '\(name)'; available: \(names.isEmpty ? "none" : names)"))
            return nil
        }
        return tool
    }

    private mutating func typeCheck(_ template: ArgumentTemplate, tool: ToolDescriptor, pointer: String, step: String, mapItem: JSONValue??) {
        let checker = JSONSchemaChecker(schema: tool.argsSchema)
        let schemas = self.schemas
        let typer = ArgumentTypeChecker(checker: checker) { reference in
            if case .found(let s) = schemas.lookup(reference, mapItem: mapItem) { return s }
            return nil
        }
        let problems = typer.check(template, against: tool.argsSchema, pointer: pointer)
        for (at, message) in problems {
            issues.append(PlanIssue(.argumentType, step: step, pointer: at, "\(tool.name): \(message)"))
        }
    }

    /// Reports a reference that cannot resolve; returns what its path finds.
    private mutating func checkReference(_ located: ArgumentTemplate.Located, owner: Int?, mapItem: JSONValue??) -> SchemaLookup? {
        let reference = located.reference
        let ownerID = owner.map { plan.steps[$0].id }
        switch reference.source {
        case .input(let name) where inputSchemas[name] == nil:
            let declared = plan.inputs.map(\.name).joined(separator: ", ")
            issues.append(PlanIssue(.unknownInput, step: ownerID, pointer: located.pointer, "\(reference) names input '\(name)', which is not declared in \"inputs\"\(declared.isEmpty ? "" : "; declared: \(declared)")"))
            return nil
        case .step(let id) where id == ownerID:
            issues.append(PlanIssue(.selfReference, step: ownerID, pointer: located.pointer, "step '\(id)' refers to its own result in \(reference); a step can only use results of other steps"))
            return nil
        case .step(let id) where index[id] == nil:
            issues.append(PlanIssue(.danglingReference, step: ownerID, pointer: located.pointer, "\(reference) names step '\(id)', which does not exist\(idHint)"))
            return nil
        case .item where mapItem == nil:
            issues.append(PlanIssue(.itemOutsideMap, step: ownerID, pointer: located.pointer, "\(reference) is only meaningful in a step with \"map\""))
            return nil
        default:
            let found = schemas.lookup(reference, mapItem: mapItem)
            if case .missing(let why) = found {
                issues.append(PlanIssue(.unknownField, step: ownerID, pointer: located.pointer, "\(reference) cannot resolve: \(why)"))
            }
            return found
        }
    }

    private mutating func checkFanOut() {
        var counts = [Int](repeating: 0, count: plan.steps.count)
        for deps in dependencies { for d in deps { counts[d] += 1 } }
        for (i, count) in counts.enumerated() where count > limits.maxFanOut {
            issues.append(PlanIssue(.fanOutTooLarge, step: plan.steps[i].id, pointer: "/steps/\(i)", "\(count) steps depend on step '\(plan.steps[i].id)'; the limit is \(limits.maxFanOut): use \"map\" over an array instead"))
        }
    }
}
