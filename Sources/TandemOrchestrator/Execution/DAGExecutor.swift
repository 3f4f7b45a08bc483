import TandemCore

/// Runs a compiled plan: every step whose dependencies are done starts at once (up to
/// `maxConcurrency`), each with its own time limit, retries and fallback.
///
/// A failing step marks only the steps that depend on it as skipped; every other result is kept
/// and returned. Cancelling the task that calls `run` cancels the whole run, and the results
/// finished by then still come back.
public struct DAGExecutor: Sendable {
    /// Where each step kind's worker comes from.
    public let registry: WorkerRegistry
    /// Scheduling and protection settings.
    public let options: ExecutionOptions

    /// Creates an executor.
    public init(registry: WorkerRegistry, options: ExecutionOptions = ExecutionOptions()) {
        self.registry = registry
        self.options = options
    }

    /// Runs `plan` with `inputs` (an object of input name → value).
    public func run(_ plan: CompiledPlan, inputs: JSONValue = [:]) async -> RunResult {
        let clock = ContinuousClock()
        let start = clock.now
        let steps = plan.steps
        var state = RunState(plan: plan, inputs: inputs)
        let runner = StepRunner(registry: registry, options: options)

        await withTaskGroup(of: StepOutcome.self) { group in
            var running = 0
            while true {
                while running < options.maxConcurrency, let i = state.nextReady(), !Task.isCancelled {
                    switch state.arguments(for: i, maxMapItems: options.maxMapItems) {
                    case .failure(let error):
                        var trace = StepTrace(stepID: steps[i].id, kind: steps[i].kind, tool: steps[i].tool, status: .failed)
                        trace.error = error.description
                        trace.startMs = Self.milliseconds(clock.now - start)
                        state.settle(StepOutcome(index: i, value: nil, trace: trace))
                    case .success(let arguments):
                        let step = steps[i]
                        group.addTask {
                            let began = clock.now
                            var outcome = await runner.run(index: i, step: step, arguments: arguments)
                            outcome.trace.startMs = Self.milliseconds(began - start)
                            outcome.trace.durationMs = Self.milliseconds(clock.now - began)
                            return outcome
                        }
                        running += 1
                    }
                }
                guard running > 0, let outcome = await group.next() else { break }
                running -= 1
                state.settle(outcome)
            }
        }
        return state.finish(cancelled: Task.isCancelled, durationMs: Self.milliseconds(clock.now - start))
    }

    static func milliseconds(_ d: Duration) -> Double {
        Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15
    }
}

/// The executor's bookkeeping for one run, owned by the loop in `run` (child tasks only return
/// outcomes, so no state is shared).
private struct RunState {
    let plan: CompiledPlan
    private var scope: ResolutionScope
    private var remaining: [Int]
    /// The first dependency that did not produce a result.
    private var blockedBy: [Int?]
    private var traces: [StepTrace?]
    private var values: [JSONValue?]
    private var ready: [Int] = []
    private var head = 0

    init(plan: CompiledPlan, inputs: JSONValue) {
        self.plan = plan
        let n = plan.steps.count
        scope = ResolutionScope(inputs: inputs, results: Dictionary(minimumCapacity: n), item: nil)
        remaining = plan.dependencies.map(\.count)
        blockedBy = Array(repeating: nil, count: n)
        traces = Array(repeating: nil, count: n)
        values = Array(repeating: nil, count: n)
        ready = (0..<n).filter { remaining[$0] == 0 }
    }

    /// The next step whose dependencies are all done, in plan order among those ready.
    mutating func nextReady() -> Int? {
        guard head < ready.count else { return nil }
        defer { head += 1 }
        return ready[head]
    }

    /// Resolves the step's arguments against the results so far.
    func arguments(for i: Int, maxMapItems: Int) -> Result<StepArguments, StepError> {
        do {
            guard let map = plan.maps[i] else {
                return .success(.single(try plan.args[i].resolve(scope), fallback: try plan.fallbackArgs[i]?.resolve(scope)))
            }
            let collection = try map.resolve(scope)
            guard let elements = collection.arrayValue else { return .failure(.mapNeedsArray(got: collection.typeName)) }
            guard elements.count <= maxMapItems else { return .failure(.tooManyMapItems(count: elements.count, limit: maxMapItems)) }
            var itemScope = scope
            var calls: [(JSONValue, fallback: JSONValue?)] = []
            calls.reserveCapacity(elements.count)
            for element in elements {
                itemScope.item = element
                calls.append((try plan.args[i].resolve(itemScope), try plan.fallbackArgs[i]?.resolve(itemScope)))
            }
            return .success(.mapped(calls))
        } catch {
            return .failure(.unresolvedArgument(error.description))
        }
    }

    /// Records an outcome and releases (or skips) the steps waiting for it.
    mutating func settle(_ first: StepOutcome) {
        var work = [first]
        while let outcome = work.popLast() {
            let i = outcome.index
            traces[i] = outcome.trace
            if let value = outcome.value {
                values[i] = value
                scope.results[plan.steps[i].id] = value
            }
            for d in plan.dependants[i] {
                if outcome.value == nil, blockedBy[d] == nil { blockedBy[d] = i }
                remaining[d] -= 1
                guard remaining[d] == 0 else { continue }
                guard let blocker = blockedBy[d] else { ready.append(d); continue }
                let step = plan.steps[d]
                let blockerTrace = traces[blocker]
                let wasCancelled = blockerTrace?.status == .cancelled
                var trace = StepTrace(stepID: step.id, kind: step.kind, tool: step.tool, status: wasCancelled ? .cancelled : .skipped)
                let verb = blockerTrace?.status == .skipped ? "was skipped" : (wasCancelled ? "was cancelled" : "failed")
                trace.error = "not run: step '\(plan.steps[blocker].id)' \(verb)"
                work.append(StepOutcome(index: d, value: nil, trace: trace))
            }
        }
    }

    func finish(cancelled: Bool, durationMs: Double) -> RunResult {
        let steps = plan.steps
        let allTraces = steps.indices.map { i in
            traces[i] ?? {
                var t = StepTrace(stepID: steps[i].id, kind: steps[i].kind, tool: steps[i].tool, status: .cancelled)
                t.error = StepError.cancelled.description
                return t
            }()
        }
        let results = steps.indices.compactMap { i in values[i].map { (steps[i].id, $0) } }
        let output: JSONValue
        if plan.plan.output.isNull {
            output = .object(results)
        } else {
            output = (try? plan.output.resolve(scope, lenient: true)) ?? .null
        }
        return RunResult(results: results, output: output, traces: allTraces,
                         wasCancelled: cancelled && allTraces.contains { $0.status == .cancelled }, durationMs: durationMs)
    }
}
