import TandemCore

/// How a step ended.
public enum StepStatus: String, Sendable, Codable {
    /// It produced a result (possibly through a fallback).
    case succeeded
    /// Every attempt and the fallback failed.
    case failed
    /// A step it depends on did not produce a result, so it never ran.
    case skipped
    /// The run was cancelled before it finished.
    case cancelled
}

/// What happened in one step: who ran it, on which model, with how many tokens, for how long.
public struct StepTrace: Sendable {
    /// The step id.
    public var stepID: String
    /// The step's kind.
    public var kind: StepKind
    /// The step's tool.
    public var tool: String
    /// How it ended.
    public var status: StepStatus
    /// The worker that produced the result (the fallback's, when a fallback tool answered).
    public var worker: String?
    /// The model used, when one was.
    public var model: String?
    /// Tokens measured on model calls.
    public var usage: TokenUsage = .zero
    /// Tokens estimated for model work the fallback did instead (model off).
    public var estimatedUsage: TokenUsage = .zero
    /// Model calls made.
    public var modelCalls = 0
    /// Model calls whose prompt prefix was served from the cache.
    public var cacheHits = 0
    /// Units of work (1, or the items a tool or `map` handled).
    public var units = 0
    /// Units a fallback answered.
    public var fallbackUnits = 0
    /// Which fallback answered and why, nil when none did.
    public var fallback: String?
    /// Attempts made on the primary tool (1 + retries used).
    public var attempts = 0
    /// Milliseconds from the run's start to this step's start.
    public var startMs = 0.0
    /// Wall-clock milliseconds the step took.
    public var durationMs = 0.0
    /// Elements processed when the step maps over an array.
    public var items: Int?
    /// The error, for failed steps; for skipped steps, which dependency failed.
    public var error: String?
    /// Per part of the answer, how many calls each method decided (see `StepOutput.decisions`).
    public var decisions: [String: [String: Int]] = [:]
    /// Notes of the step's calls (the first few), e.g. a receipt cut to fit the prompt.
    public var notes: [String] = []

    /// Creates a trace for a step that has not run yet.
    public init(stepID: String, kind: StepKind, tool: String, status: StepStatus) {
        self.stepID = stepID
        self.kind = kind
        self.tool = tool
        self.status = status
    }

    /// The trace as a JSON object (the `--trace` file format), unset fields omitted.
    public var json: JSONValue {
        var p: [(String, JSONValue)] = [("step", .string(stepID)), ("kind", .string(kind.rawValue)),
                                        ("tool", .string(tool)), ("status", .string(status.rawValue))]
        if let worker { p.append(("worker", .string(worker))) }
        if let model { p.append(("model", .string(model))) }
        if !usage.isZero || usage.cachedPromptTokens > 0 {
            p.append(("tokens", ["prompt": .number(Double(usage.promptTokens)), "cached": .number(Double(usage.cachedPromptTokens)),
                                 "generated": .number(Double(usage.generatedTokens))]))
        }
        if !estimatedUsage.isZero {
            p.append(("estimated_tokens", ["prompt": .number(Double(estimatedUsage.promptTokens)),
                                           "generated": .number(Double(estimatedUsage.generatedTokens))]))
        }
        if modelCalls > 0 { p.append(("model_calls", .number(Double(modelCalls)))) }
        if cacheHits > 0 { p.append(("cache_hits", .number(Double(cacheHits)))) }
        if let items { p.append(("items", .number(Double(items)))) }
        if fallbackUnits > 0 { p.append(("fallback_units", .number(Double(fallbackUnits)))) }
        if let fallback { p.append(("fallback", .string(fallback))) }
        if attempts > 1 { p.append(("attempts", .number(Double(attempts)))) }
        p.append(("start_ms", .number((startMs * 1000).rounded() / 1000)))
        p.append(("duration_ms", .number((durationMs * 1000).rounded() / 1000)))
        if !decisions.isEmpty {
            p.append(("decided_by", .object(decisions.sorted { $0.key < $1.key }.map { part, methods in
                (part, .object(methods.sorted { $0.key < $1.key }.map { ($0.key, .number(Double($0.value))) }))
            })))
        }
        if !notes.isEmpty { p.append(("notes", .array(notes.map { .string($0) }))) }
        if let error { p.append(("error", .string(error))) }
        return .object(p)
    }
}
