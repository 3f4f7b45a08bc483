import TandemCore

/// A validated plan with its references parsed and its dependency graph built: what the
/// executor runs. Only `PlanValidator.compile` makes one, so every run starts from a checked plan.
public struct CompiledPlan: Sendable {
    /// The plan as written.
    public let plan: Plan
    let stepIndex: [String: Int]
    let args: [ArgumentTemplate]
    let maps: [ArgumentTemplate?]
    let fallbackArgs: [ArgumentTemplate?]
    let output: ArgumentTemplate
    /// For each step, the steps it waits for (indices, no duplicates).
    let dependencies: [[Int]]
    /// For each step, the steps waiting for it.
    let dependants: [[Int]]

    /// The steps in plan order.
    public var steps: [PlanStep] { plan.steps }

    /// The ids of the steps `id` waits for, in plan order.
    public func dependencies(of id: String) -> [String] {
        guard let i = stepIndex[id] else { return [] }
        return dependencies[i].sorted().map { plan.steps[$0].id }
    }
}
