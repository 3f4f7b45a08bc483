import TandemCore

/// Everything a run produced. Results of steps that succeeded are always here, even when other
/// steps failed or the run was cancelled.
public struct RunResult: Sendable {
    /// Results of the steps that succeeded, in plan order.
    public var results: [(String, JSONValue)]
    /// The plan's output template resolved (references to missing results become null);
    /// when the plan has no output template, an object of every result.
    public var output: JSONValue
    /// One trace per step, in plan order.
    public var traces: [StepTrace]
    /// True when the run was cancelled before every step finished.
    public var wasCancelled: Bool
    /// Wall-clock milliseconds for the whole run.
    public var durationMs: Double

    /// The result of step `id`, nil when it did not succeed.
    public func result(_ id: String) -> JSONValue? { results.first { $0.0 == id }?.1 }

    /// The trace of step `id`.
    public func trace(_ id: String) -> StepTrace? { traces.first { $0.stepID == id } }

    /// True when every step succeeded.
    public var isComplete: Bool { traces.allSatisfy { $0.status == .succeeded } }

    /// Ids of steps that failed.
    public var failedSteps: [String] { traces.filter { $0.status == .failed }.map(\.stepID) }

    /// Ids of steps skipped because a dependency failed.
    public var skippedSteps: [String] { traces.filter { $0.status == .skipped }.map(\.stepID) }
}
