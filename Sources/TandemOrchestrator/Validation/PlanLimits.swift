/// Size limits a plan must respect, so a runaway planner cannot ask for unbounded work.
public struct PlanLimits: Sendable, Equatable {
    /// Most steps in one plan.
    public var maxSteps: Int
    /// Most steps that may depend directly on one step.
    public var maxFanOut: Int

    /// Creates limits.
    public init(maxSteps: Int = 10_000, maxFanOut: Int = 1_000) {
        self.maxSteps = maxSteps
        self.maxFanOut = maxFanOut
    }
}
