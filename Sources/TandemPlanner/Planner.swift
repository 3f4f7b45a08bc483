import TandemCloud
import TandemCore
import TandemOrchestrator

/// A plan the planner produced, ready for the executor, with how it was made.
public struct PlanningResult: Sendable {
    /// The validated plan.
    public var plan: CompiledPlan
    /// Its JSON (what `tandem ask --json` prints and a `--trace` file keeps).
    public var json: JSONValue
    /// Attempts, outcome, errors.
    public var trace: PlanningTrace
}

/// Natural-language request → validated plan.
///
/// The planning model answers with plan JSON under `PlannerPrompt.schema`; `PlanValidator` checks
/// it; an invalid plan goes back to the model with the validator's errors (at most `maxReasks`
/// times); after that, or when there is no model, planning is off, or the process is offline, a
/// keyword-selected template is used. The trace says which path was taken.
public struct Planner: Sendable {
    /// The catalog and its validator.
    public let validator: PlanValidator
    /// The fallback templates.
    public let templates: PlanTemplateLibrary
    /// The planning model; nil uses templates only.
    public let client: (any PlanningModelClient)?
    /// Repair requests after an invalid plan (clamped to 0...2).
    public let maxReasks: Int
    /// Skip the model (offline mode or `planner.enabled: false`); `reason` goes into the trace.
    public let skipReason: String?

    /// A planner over `registry`'s catalog.
    public init(registry: WorkerRegistry, templates: PlanTemplateLibrary, client: (any PlanningModelClient)?,
                maxReasks: Int = 2, skipReason: String? = nil) {
        validator = PlanValidator(registry: registry)
        self.templates = templates
        self.client = client
        self.maxReasks = min(2, max(0, maxReasks))
        self.skipReason = skipReason
    }

    /// Plans `request`; throws only when the model failed and no template validates.
    public func plan(_ request: String) async throws(PlannerError) -> PlanningResult {
        var trace = PlanningTrace()
        if let skipReason {
            trace.errors.append(skipReason)
        } else if let client {
            if let result = await askModel(client, request: request, trace: &trace) { return result }
        } else {
            trace.errors.append("no planner model is configured (roles.planner); using a template")
        }
        return try fallback(request, trace: trace)
    }

    private func askModel(_ client: any PlanningModelClient, request: String, trace: inout PlanningTrace) async -> PlanningResult? {
        let prompt = PlannerPrompt(registry: validator.registry)
        let system = prompt.system, schema = prompt.schema
        var user = prompt.request(request)
        for number in 1...(maxReasks + 1) {
            var attempt = PlanningAttempt(number: number, plan: nil, errors: [], costUSD: nil)
            let completion: CloudCompletion
            do {
                completion = try await client.completeJSON(system: system, user: user, schema: schema, schemaName: "tandem_plan")
            } catch {
                // A transport failure is not the plan's fault: repairing cannot help, so go to templates.
                attempt.errors.append("planner model failed: \(error)")
                trace.attempts.append(attempt)
                trace.errors.append(contentsOf: attempt.errors)
                return nil
            }
            attempt.plan = completion.value
            attempt.costUSD = completion.costUSD
            do {
                let compiled = try validator.compile(text: JSONWriter.compact(completion.value))
                trace.attempts.append(attempt)
                trace.outcome = number == 1 ? .firstTry : .afterReask(number - 1)
                return PlanningResult(plan: compiled, json: completion.value, trace: trace)
            } catch {
                attempt.errors = error.issues.map(\.description)
                trace.attempts.append(attempt)
                trace.errors.append(contentsOf: attempt.errors.map { "attempt \(number): \($0)" })
                user = prompt.repair(request, previous: completion.value, errors: error.json)
            }
        }
        return nil
    }

    private func fallback(_ request: String, trace: PlanningTrace) throws(PlannerError) -> PlanningResult {
        guard let template = templates.select(for: request) else { throw .noTemplates }
        var trace = trace
        trace.outcome = .template(template.name)
        do {
            let compiled = try validator.compile(text: JSONWriter.compact(template.json))
            return PlanningResult(plan: compiled, json: template.json, trace: trace)
        } catch {
            throw .noValidPlan(template: template.name, reason: error.description)
        }
    }
}
