import TandemCore

/// What the pipeline produced for one input line.
public struct PipelineRecordResult: Sendable {
    /// The 1-based input line.
    public var line: Int
    /// The record's `id`, when it has one.
    public var id: String?
    /// The plan's output; nil when the record could not run at all.
    public var output: JSONValue?
    /// Why the record could not run (malformed line, missing input).
    public var error: String?
    /// Failed steps and their errors.
    public var stepErrors: [(step: String, message: String)] = []
    /// Steps skipped because a dependency failed.
    public var skippedSteps: [String] = []
    /// One trace per step.
    public var traces: [StepTrace] = []
    /// The record's labels (its `fields` object), for scoring.
    public var labels: JSONValue?
    /// Wall-clock milliseconds for this record's run.
    public var durationMs = 0.0

    /// `ok`, `partial` (some steps failed; the rest of the output is kept) or `failed`.
    public var status: String {
        if error != nil { return "failed" }
        return stepErrors.isEmpty && skippedSteps.isEmpty ? "ok" : "partial"
    }

    /// One results-file line: `{"line", "id", "status", "output", "errors"?, "skipped"?, "error"?}`.
    public var json: JSONValue {
        var pairs: [(String, JSONValue)] = [("line", .number(Double(line)))]
        if let id { pairs.append(("id", .string(id))) }
        pairs.append(("status", .string(status)))
        if let output { pairs.append(("output", output)) }
        if let error { pairs.append(("error", .string(error))) }
        if !stepErrors.isEmpty { pairs.append(("errors", .object(stepErrors.map { ($0.step, .string($0.message)) }))) }
        if !skippedSteps.isEmpty { pairs.append(("skipped", .array(skippedSteps.map { .string($0) }))) }
        return .object(pairs)
    }

    /// `{"line", "id", "steps": [trace...]}` for the trace file.
    public var traceJSON: JSONValue {
        var pairs: [(String, JSONValue)] = [("line", .number(Double(line)))]
        if let id { pairs.append(("id", .string(id))) }
        pairs.append(("duration_ms", .number((durationMs * 1000).rounded() / 1000)))
        pairs.append(("steps", .array(traces.map(\.json))))
        return .object(pairs)
    }
}

/// How far a pipeline run has got.
public struct PipelineProgress: Sendable {
    /// Records finished (including failed ones).
    public var done: Int
    /// Records in the input.
    public var total: Int
    /// Records that could not run.
    public var failed: Int
    /// Seconds since the run started.
    public var elapsedSeconds: Double
}
