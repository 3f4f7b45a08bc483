import Foundation
import Synchronization
import Testing
import TandemCore
import TandemOrchestrator
import TandemTestSupport
import TandemWorkers

/// Registry with the built-in functions plus test functions that misbehave on purpose.
func faultRegistry(extraFunctions: (inout FunctionRegistry) throws -> Void = { _ in }) throws -> WorkerRegistry {
    var functions = FunctionRegistry.standard
    let any: JSONValue = ["type": "object"]
    try functions.register(name: "echo", description: "returns its arguments", args: any, result: any) { $0 }
    try functions.register(name: "add", description: "a + b", args: ["type": "object", "required": ["a", "b"], "properties": ["a": ["type": "number"], "b": ["type": "number"]]],
                           result: ["type": "object", "properties": ["sum": ["type": "number"]]]) { args in
        ["sum": .number((args["a"]?.doubleValue ?? 0) + (args["b"]?.doubleValue ?? 0))]
    }
    try functions.register(name: "sleep", description: "sleeps ms milliseconds (cancellable)", args: ["type": "object", "properties": ["ms": ["type": "integer"]]], result: any) { args in
        try await Task.sleep(for: .milliseconds(args["ms"]?.intValue ?? 0))
        return ["slept": args["ms"] ?? 0]
    }
    try functions.register(name: "hang", description: "hangs for 60 s and ignores cancellation (fault injection)", args: any, result: any) { _ in
        // A cancelled task's sleep returns at once; a detached task's does not, so this call is deaf.
        await Task.detached { try? await Task.sleep(for: .seconds(60)) }.value
        HungWorkers.shared.finishedOne()
        return [:]
    }
    try functions.register(name: "track", description: "sleeps ms milliseconds, counting calls in flight", args: any, result: any) { args in
        InFlight.shared.enter()
        defer { InFlight.shared.leave() }
        try await Task.sleep(for: .milliseconds(args["ms"]?.intValue ?? 0))
        return ["ok": true]
    }
    try functions.register(name: "fail", description: "always throws (fault injection)", args: any, result: any) { _ in
        throw InjectedFault(message: "injected failure")
    }
    try extraFunctions(&functions)
    var registry = WorkerRegistry()
    registry.register(FunctionWorker(registry: functions))
    return registry
}

/// Counts concurrent calls of the `track` test function by run tag, so parallelism is observed
/// directly instead of inferred from wall-clock time (which the other suites, running at the
/// same time on two cores, would distort).
final class InFlight: Sendable {
    static let shared = InFlight()
    private let state = Mutex((now: 0, peak: 0))
    func enter() { state.withLock { $0.now += 1; $0.peak = max($0.peak, $0.now) } }
    func leave() { state.withLock { $0.now -= 1 } }
    func reset() { state.withLock { $0 = (0, 0) } }
    var peak: Int { state.withLock { $0.peak } }
}

/// Fails its first `failures` calls, then succeeds (fault injection for retries).
final class FlakyCounter: Sendable {
    private let calls = Mutex(0)
    let failures: Int
    init(failures: Int) { self.failures = failures }
    func next() throws -> Int {
        let n = calls.withLock { $0 += 1; return $0 }
        if n <= failures { throw InjectedFault(message: "flaky failure \(n)") }
        return n
    }
    var count: Int { calls.withLock { $0 } }
}

/// Compiles plan JSON text against `registry`, failing the test with the issues when invalid.
func compile(_ text: String, _ registry: WorkerRegistry, limits: PlanLimits = PlanLimits()) throws(PlanValidationError) -> CompiledPlan {
    try PlanValidator(registry: registry, limits: limits).compile(text: text)
}

/// Plan JSON as text, for `compile` and `issues`.
func planText(_ plan: JSONValue) -> String { JSONWriter.compact(plan) }

/// The issues of plan JSON text.
func issues(_ text: String, _ registry: WorkerRegistry, limits: PlanLimits = PlanLimits()) -> [PlanIssue] {
    PlanValidator(registry: registry, limits: limits).issues(inText: text)
}

func milliseconds(since start: ContinuousClock.Instant) -> Double {
    let d = ContinuousClock.now - start
    return Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15
}

/// Counts `hang` calls that ran to their end, so a test can tell whether a run waited for a worker
/// deaf to cancellation without a wall-clock bound, which a starved 2-core test machine breaks.
final class HungWorkers: Sendable {
    static let shared = HungWorkers()
    private let finished = Mutex(0)

    func finishedOne() { finished.withLock { $0 += 1 } }
    /// `hang` calls that returned.
    var finishedCalls: Int { finished.withLock { $0 } }
}
