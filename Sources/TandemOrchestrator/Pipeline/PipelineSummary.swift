import TandemCore

/// Statistics of a pipeline run: throughput, per-step latency and fallbacks, accuracy against
/// labels, and tokens for the cost table.
public struct PipelineSummary: Sendable {
    /// Latency and fallback figures of one plan step over all records.
    public struct StepStats: Sendable {
        /// The step id.
        public var stepID: String
        /// Its kind.
        public var kind: StepKind
        /// Its tool.
        public var tool: String
        /// Milliseconds per run, for the percentiles.
        public var latencies = LatencyHistogram()
        /// Runs that failed.
        public var failures = 0
        /// Runs skipped or cancelled because a dependency did not finish.
        public var skipped = 0
        /// Units of work.
        public var units = 0
        /// Units a fallback answered.
        public var fallbackUnits = 0
        /// Tokens of the step's model calls (prompt, cached prompt, generated).
        public var usage = TokenUsage.zero
        /// Per part of the answer, how often each method decided it (`StepTrace.decisions`).
        public var decisions: [String: [String: Int]] = [:]
        /// Median latency in milliseconds.
        public var p50: Double { latencies.percentile(0.50) }
        /// 95th-percentile latency in milliseconds.
        public var p95: Double { latencies.percentile(0.95) }
        /// Share of units a fallback answered.
        public var fallbackRate: Double { units == 0 ? 0 : Double(fallbackUnits) / Double(units) }
    }

    /// Accuracy of one labelled field.
    public struct FieldScore: Sendable {
        /// The field.
        public var field: String
        /// Records where it matched.
        public var correct = 0
        /// Records that had a label for it.
        public var total = 0
        /// `correct / total`.
        public var accuracy: Double { total == 0 ? 0 : Double(correct) / Double(total) }
    }

    /// Records read, malformed lines included (with those a resumed run found done).
    public var records = 0
    /// Records an earlier, interrupted run finished (`tandem run --resume`): counted in
    /// `records`, the status counts and the accuracy, but not in the timings, tokens and
    /// fallbacks, which describe the records run now.
    public var resumed = 0
    /// Records whose every step succeeded.
    public var succeeded = 0
    /// Records with some failed or skipped steps (their other results are kept).
    public var partial = 0
    /// Records that could not run (malformed line, missing input).
    public var failed = 0
    /// Wall-clock seconds for the whole run.
    public var elapsedSeconds = 0.0
    /// Per-step figures, in plan order.
    public var steps: [StepStats]
    /// Per-record latency in milliseconds.
    public var recordLatencies = LatencyHistogram()
    /// Accuracy per labelled field, in order of first appearance.
    public var fields: [FieldScore] = []
    /// Tokens measured on model calls.
    public var usage = TokenUsage.zero
    /// Tokens estimated for work the fallbacks did (model off or failing).
    public var estimatedUsage = TokenUsage.zero
    /// Model calls.
    public var modelCalls = 0
    /// Model calls that reused a cached prompt prefix.
    public var cacheHits = 0
    /// Messages of records that could not run (first 20).
    public var errors: [String] = []
    /// Notes of the steps' calls (first 5), e.g. receipts cut to fit the prompt.
    public var notes: [String] = []
    /// The servers of the local model's pool at the end of the run (empty in-process).
    public var endpoints: [EndpointStatus] = []

    /// How labelled fields are compared with the output.
    public let fieldMatcher: FieldMatcher

    /// An empty summary for `plan`'s steps.
    public init(plan: Plan, fieldMatcher: FieldMatcher = .exact) {
        steps = plan.steps.map { StepStats(stepID: $0.id, kind: $0.kind, tool: $0.tool) }
        self.fieldMatcher = fieldMatcher
    }

    /// Records run now per second (resumed ones were timed by the earlier run).
    public var recordsPerSecond: Double { elapsedSeconds > 0 ? Double(records - resumed) / elapsedSeconds : 0 }

    /// Fallback units over all units of local-model steps.
    public var fallbackRate: Double {
        let local = steps.filter { $0.kind == .localModel }
        let units = local.reduce(0) { $0 + $1.units }
        return units == 0 ? 0 : Double(local.reduce(0) { $0 + $1.fallbackUnits }) / Double(units)
    }

    /// Adds one record's result.
    public mutating func add(_ result: PipelineRecordResult, labelsKey: String) {
        records += 1
        switch result.status {
        case "ok": succeeded += 1
        case "partial": partial += 1
        default:
            failed += 1
            if let error = result.error, errors.count < 20 { errors.append(error) }
        }
        if result.output != nil { recordLatencies.add(result.durationMs) }
        for (i, trace) in result.traces.enumerated() where i < steps.count {
            switch trace.status {
            case .succeeded, .failed:
                steps[i].latencies.add(trace.durationMs)
                if trace.status == .failed { steps[i].failures += 1 }
            case .skipped, .cancelled: steps[i].skipped += 1
            }
            steps[i].units += trace.units
            steps[i].fallbackUnits += trace.fallbackUnits
            steps[i].usage += trace.usage
            for (part, methods) in trace.decisions {
                for (method, n) in methods { steps[i].decisions[part, default: [:]][method, default: 0] += n }
            }
            usage += trace.usage
            estimatedUsage += trace.estimatedUsage
            modelCalls += trace.modelCalls
            cacheHits += trace.cacheHits
            for note in trace.notes where notes.count < 5 { notes.append("line \(result.line): \(note)") }
        }
        score(result)
    }

    /// Adds a result an earlier run wrote (a results-file line: `status`, `output`, `error`),
    /// with the input record's `labels`.
    public mutating func addResumed(_ line: JSONValue, labels: JSONValue?) {
        records += 1
        resumed += 1
        switch line["status"]?.stringValue {
        case "ok": succeeded += 1
        case "partial": partial += 1
        default:
            failed += 1
            if let error = line["error"]?.stringValue, errors.count < 20 { errors.append(error) }
        }
        score(labels: labels, output: line["output"])
    }

    private mutating func score(_ result: PipelineRecordResult) {
        score(labels: result.labels, output: result.output)
    }

    private mutating func score(labels: JSONValue?, output: JSONValue?) {
        guard let labels = labels?.objectValue, let output else { return }
        for (field, expected) in labels where !expected.isNull {
            let i = fields.firstIndex { $0.field == field } ?? {
                fields.append(FieldScore(field: field))
                return fields.count - 1
            }()
            fields[i].total += 1
            if fieldMatcher.matches(field, output[field], expected) { fields[i].correct += 1 }
        }
    }
}
