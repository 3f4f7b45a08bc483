import TandemCore

/// Arguments for one step, resolved by the executor before the step starts.
enum StepArguments: Sendable {
    /// One call, with the fallback's arguments when the plan gives it its own.
    case single(JSONValue, fallback: JSONValue?)
    /// One call per `map` element, in order.
    case mapped([(JSONValue, fallback: JSONValue?)])
}

/// The outcome of one step: its result (when it has one) and its trace.
struct StepOutcome: Sendable {
    let index: Int
    let value: JSONValue?
    var trace: StepTrace
}

/// Runs one step: attempts with a time limit each, retries with backoff, then the plan's
/// fallback tool; a `map` step does this per element, all elements in flight together so that
/// local-model calls decode in one batch.
struct StepRunner: Sendable {
    let registry: WorkerRegistry
    let options: ExecutionOptions

    /// What one call (one element, for map steps) came to.
    private struct CallOutcome: Sendable {
        var output: StepOutput?
        var error: (any Error)?
        var attempts = 0
        var worker: String?
        var toolFallback: String?
        var isCancelled: Bool { error is CancellationError || (error as? StepError) == .cancelled }
    }

    func run(index: Int, step: PlanStep, arguments: StepArguments) async -> StepOutcome {
        var trace = StepTrace(stepID: step.id, kind: step.kind, tool: step.tool, status: .failed)
        switch arguments {
        case .single(let args, let fallbackArgs):
            let outcome = await call(step, args: args, fallbackArgs: fallbackArgs, itemIndex: nil)
            record(outcome, into: &trace)
            if let output = outcome.output {
                trace.status = .succeeded
                return StepOutcome(index: index, value: output.value, trace: trace)
            }
            trace.status = outcome.isCancelled ? .cancelled : .failed
            trace.error = outcome.isCancelled ? StepError.cancelled.description : Self.message(outcome.error)
            return StepOutcome(index: index, value: nil, trace: trace)
        case .mapped(let items):
            trace.items = items.count
            let outcomes = await callAll(step, items: items)
            for outcome in outcomes { record(outcome, into: &trace) }
            if let cancelled = outcomes.first(where: { $0.output == nil && $0.isCancelled }) {
                trace.status = .cancelled
                trace.error = Self.message(cancelled.error)
                return StepOutcome(index: index, value: nil, trace: trace)
            }
            if let failed = outcomes.firstIndex(where: { $0.output == nil }) {
                let failures = outcomes.filter { $0.output == nil }.count
                trace.error = StepError.mapItemFailed(index: failed, message: Self.message(outcomes[failed].error)).description
                    + (failures > 1 ? " (\(failures) of \(items.count) items failed)" : "")
                return StepOutcome(index: index, value: nil, trace: trace)
            }
            trace.status = .succeeded
            return StepOutcome(index: index, value: .array(outcomes.map { $0.output!.value }), trace: trace)
        }
    }

    private func callAll(_ step: PlanStep, items: [(JSONValue, fallback: JSONValue?)]) async -> [CallOutcome] {
        var outcomes = [CallOutcome](repeating: CallOutcome(), count: items.count)
        await withTaskGroup(of: (Int, CallOutcome).self) { group in
            var next = 0
            func launch() {
                let i = next
                next += 1
                group.addTask { (i, await call(step, args: items[i].0, fallbackArgs: items[i].fallback, itemIndex: i)) }
            }
            while next < min(items.count, options.mapConcurrency) { launch() }
            while let (i, outcome) = await group.next() {
                outcomes[i] = outcome
                if next < items.count && !Task.isCancelled { launch() }
            }
        }
        for i in outcomes.indices where outcomes[i].output == nil && outcomes[i].error == nil {
            outcomes[i].error = StepError.cancelled  // never launched: the run was cancelled
        }
        return outcomes
    }

    private func call(_ step: PlanStep, args: JSONValue, fallbackArgs: JSONValue?, itemIndex: Int?) async -> CallOutcome {
        let timeout = step.timeoutMs ?? options.defaultTimeoutMs
        var outcome = CallOutcome()
        guard let worker = registry.worker(for: step.kind) else {
            outcome.error = StepError.noWorker(kind: step.kind)  // validation prevents this
            return outcome
        }
        outcome.worker = worker.name
        let retries = step.retries ?? options.defaultRetries
        for attempt in 1...(retries + 1) {
            if Task.isCancelled { outcome.error = StepError.cancelled; return outcome }
            outcome.attempts = attempt
            let request = StepCall(stepID: step.id, tool: step.tool, args: args, attempt: attempt, itemIndex: itemIndex)
            do {
                outcome.output = try await Deadline.run(milliseconds: timeout) { try await worker.run(request) }
                outcome.error = nil
                return outcome
            } catch {
                outcome.error = error
                if outcome.isCancelled || Task.isCancelled { outcome.error = StepError.cancelled; return outcome }
            }
            if attempt <= retries, options.retryBackoffMs > 0 {
                try? await Task.sleep(for: .milliseconds(options.retryBackoffMs << min(attempt - 1, 10)))
            }
        }
        return await fallback(step, args: fallbackArgs ?? args, timeout: timeout, itemIndex: itemIndex, after: outcome)
    }

    private func fallback(_ step: PlanStep, args: JSONValue, timeout: Int, itemIndex: Int?, after failed: CallOutcome) async -> CallOutcome {
        guard let fallback = step.fallback, !failed.isCancelled else { return failed }
        let kind = fallback.kind ?? step.kind
        guard let worker = registry.worker(for: kind) else { return failed }
        var outcome = failed
        let request = StepCall(stepID: step.id, tool: fallback.tool, args: args, attempt: 1, itemIndex: itemIndex)
        do {
            var output = try await Deadline.run(milliseconds: timeout) { try await worker.run(request) }
            output.fallbackUnits = output.units
            outcome.output = output
            outcome.worker = worker.name
            outcome.toolFallback = "tool \(kind)/\(fallback.tool) after: \(Self.message(failed.error))"
            outcome.error = nil
        } catch {
            outcome.error = FallbackFailure(primary: Self.message(failed.error), fallback: Self.message(error))
        }
        return outcome
    }

    private func record(_ outcome: CallOutcome, into trace: inout StepTrace) {
        trace.attempts = max(trace.attempts, outcome.attempts)
        if trace.worker == nil { trace.worker = outcome.worker }
        guard let output = outcome.output else { return }
        if trace.model == nil { trace.model = output.model }
        trace.usage += output.usage
        trace.estimatedUsage += output.estimatedUsage
        trace.modelCalls += output.modelCalls
        trace.cacheHits += output.cacheHits
        trace.units += output.units
        trace.fallbackUnits += output.fallbackUnits
        if trace.fallback == nil { trace.fallback = outcome.toolFallback ?? output.fallback }
        for (part, method) in output.decisions { trace.decisions[part, default: [:]][method, default: 0] += 1 }
        for (part, methods) in output.decisionCounts {
            for (method, n) in methods { trace.decisions[part, default: [:]][method, default: 0] += n }
        }
        if let note = output.note, trace.notes.count < 3 { trace.notes.append(note) }
    }

    static func message(_ error: (any Error)?) -> String {
        guard let error else { return "unknown error" }
        return String(describing: error)
    }
}

/// Both the tool and its fallback failed.
struct FallbackFailure: Error, CustomStringConvertible {
    let primary: String
    let fallback: String
    var description: String { "\(primary); the fallback also failed: \(fallback)" }
}
