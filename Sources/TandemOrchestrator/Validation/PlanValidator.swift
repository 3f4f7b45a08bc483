import TandemCore

/// Checks a plan before anything runs: structure, unique ids, known kinds and tools, every
/// reference resolvable, argument types against each tool's schema, no cycles, size limits.
/// Every problem is reported at once, each with its step id and JSON pointer. Linear in the
/// size of the plan.
public struct PlanValidator: Sendable {
    /// The workers and tools plans may use.
    public let registry: WorkerRegistry
    /// Size limits.
    public let limits: PlanLimits

    /// Creates a validator over `registry`'s catalog.
    public init(registry: WorkerRegistry, limits: PlanLimits = PlanLimits()) {
        self.registry = registry
        self.limits = limits
    }

    /// Every problem in `plan` (empty when it is valid).
    public func issues(in plan: Plan) -> [PlanIssue] {
        var analysis = PlanAnalysis(plan: plan, registry: registry, limits: limits, brokenSteps: [])
        analysis.run()
        return analysis.issues
    }

    /// Every problem in plan JSON text, structural ones included.
    public func issues(inText text: String) -> [PlanIssue] {
        switch analyze(text: text) {
        case .success: []
        case .failure(let error): error.issues
        }
    }

    /// Validates `plan` and prepares it for the executor.
    public func compile(_ plan: Plan) throws(PlanValidationError) -> CompiledPlan {
        var analysis = PlanAnalysis(plan: plan, registry: registry, limits: limits, brokenSteps: [])
        analysis.run()
        guard analysis.issues.isEmpty, let compiled = analysis.compiled() else {
            throw PlanValidationError(issues: analysis.issues)
        }
        return compiled
    }

    /// Parses, validates and prepares plan JSON text.
    public func compile(text: String) throws(PlanValidationError) -> CompiledPlan {
        try analyze(text: text).get()
    }

    private func analyze(text: String) -> Result<CompiledPlan, PlanValidationError> {
        let json: JSONValue
        do { json = try JSONParser.parse(text) } catch {
            return .failure(PlanValidationError(issues: [PlanIssue(.invalidJSON, pointer: "", "\(error); the plan must be one JSON object")]))
        }
        var decoder = PlanDecoder()
        guard let plan = decoder.decode(json) else { return .failure(PlanValidationError(issues: decoder.issues)) }
        var analysis = PlanAnalysis(plan: plan, registry: registry, limits: limits, brokenSteps: decoder.brokenSteps)
        analysis.run()
        let all = decoder.issues + analysis.issues
        guard all.isEmpty, let compiled = analysis.compiled() else { return .failure(PlanValidationError(issues: all)) }
        return .success(compiled)
    }
}
