import TandemCore

/// Options for a pipeline run.
public struct PipelineOptions: Sendable {
    /// Records in flight at once (their local-model calls share the runtime's batch).
    public var concurrency: Int
    /// The key of each record's labels object, scored when present.
    public var labelsKey: String
    /// How labelled fields are compared with the output.
    public var fieldMatcher: FieldMatcher
    /// Records read ahead of the oldest unfinished one (finished ones wait there to be written
    /// in input order): what bounds the run's memory, whatever the input's size.
    public var window: Int

    /// Creates options; `window` defaults to four times `concurrency` (at least 32).
    public init(concurrency: Int = 8, labelsKey: String = "fields", fieldMatcher: FieldMatcher = .exact, window: Int? = nil) {
        self.concurrency = max(1, concurrency)
        self.labelsKey = labelsKey
        self.fieldMatcher = fieldMatcher
        self.window = max(window ?? max(32, 4 * concurrency), self.concurrency)
    }
}

/// Runs one plan over every record of a JSONL input, several records at once, and reports results
/// in input order plus summary statistics. Each record's fields are the plan's inputs. A bad
/// line or record is reported with its line number; the others are processed.
public struct PipelineRunner: Sendable {
    /// The plan run per record.
    public let plan: CompiledPlan
    /// Runs the plan.
    public let executor: DAGExecutor
    /// Concurrency and scoring options.
    public let options: PipelineOptions

    /// Creates a runner.
    public init(plan: CompiledPlan, executor: DAGExecutor, options: PipelineOptions = PipelineOptions()) {
        self.plan = plan
        self.executor = executor
        self.options = options
    }

    /// Runs every line; `onResult` gets each result in input order (a throw stops the run),
    /// `onProgress` is called after each record. `lines` is read as the run goes (a
    /// `JSONLStream` keeps memory flat on any input size): at most `options.window` records are
    /// read ahead of the oldest unfinished one, and at most `options.concurrency` run at once.
    /// `expectedRecords` is only for progress; `summary` continues a resumed run's counts.
    public func run(_ lines: some Sequence<JSONLLine>, expectedRecords: Int? = nil, continuing summary: PipelineSummary? = nil,
                    onResult: (PipelineRecordResult) throws -> Void = { _ in },
                    onProgress: (PipelineProgress) -> Void = { _ in }) async throws -> PipelineSummary {
        let clock = ContinuousClock()
        let start = clock.now
        var summary = summary ?? PipelineSummary(plan: plan.plan, fieldMatcher: options.fieldMatcher)
        var buffered: [Int: PipelineRecordResult] = [:]
        var nextToEmit = 0
        var done = summary.records
        let total = expectedRecords.map { max($0, done) } ?? 0
        var iterator = lines.makeIterator()
        try await withThrowingTaskGroup(of: (Int, PipelineRecordResult).self) { group in
            var next = 0
            var inFlight = 0
            var exhausted = false
            // Reads one more line and starts it, unless the window or the input is used up.
            func launch() -> Bool {
                guard !exhausted, inFlight < options.concurrency, next - nextToEmit < options.window else { return false }
                guard let line = iterator.next() else { exhausted = true; return false }
                let position = next
                next += 1
                inFlight += 1
                group.addTask { (position, await process(line)) }
                return true
            }
            while launch() {}
            while let (position, result) = try await group.next() {
                inFlight -= 1
                buffered[position] = result
                done += 1
                while let ready = buffered.removeValue(forKey: nextToEmit) {
                    summary.add(ready, labelsKey: options.labelsKey)
                    try onResult(ready)
                    nextToEmit += 1
                }
                onProgress(PipelineProgress(done: done, total: total == 0 ? 0 : max(total, done), failed: summary.failed,
                                            elapsedSeconds: DAGExecutor.milliseconds(clock.now - start) / 1000))
                if !Task.isCancelled { while launch() {} }
            }
        }
        summary.elapsedSeconds = DAGExecutor.milliseconds(clock.now - start) / 1000
        return summary
    }

    /// Runs the plan on one line.
    public func process(_ line: JSONLLine) async -> PipelineRecordResult {
        guard case .record(let number, let record) = line else {
            if case .malformed(let number, let message) = line {
                return PipelineRecordResult(line: number, error: message)
            }
            return PipelineRecordResult(line: line.line, error: "unreadable line")
        }
        var result = PipelineRecordResult(line: number, id: record["id"].flatMap { $0.stringValue ?? ($0.isNull ? nil : JSONWriter.compact($0)) })
        result.labels = record[options.labelsKey]
        for input in plan.plan.inputs {
            guard let value = record[input.name] else {
                result.error = "line \(number): missing input '\(input.name)'; each record needs the keys \(plan.plan.inputs.map(\.name).joined(separator: ", "))"
                return result
            }
            if let problem = JSONSchemaChecker(schema: input.schema).violations(of: value, pointer: "/" + input.name).first {
                result.error = "line \(number): input \(problem)"
                return result
            }
        }
        let run = await executor.run(plan, inputs: record)
        result.output = run.output
        result.traces = run.traces
        result.durationMs = run.durationMs
        result.stepErrors = run.traces.filter { $0.status == .failed || $0.status == .cancelled }.map { ($0.stepID, $0.error ?? "failed") }
        result.skippedSteps = run.skippedSteps
        return result
    }
}
