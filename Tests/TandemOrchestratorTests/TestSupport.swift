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
    try functions.register(name: "hang", description: "hangs for a day and ignores cancellation (fault injection)", args: any, result: any) { _ in
        // A cancelled task's sleep returns at once; a detached task's does not, so this call is deaf.
        await Task.detached { try? await Task.sleep(for: .seconds(86_400)) }.value  // never ends within a test run
        HungWorkers.shared.finishedOne()
        return [:]
    }
    try functions.register(name: "track", description: "waits until `await` calls are in flight, then sleeps ms milliseconds",
                           args: any, result: any) { args in
        InFlight.shared.enter()
        defer { InFlight.shared.leave() }
        await InFlight.shared.waitForPeak(args["await"]?.intValue ?? 0)
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
    private let state = Mutex((now: 0, peak: 0, deadline: ContinuousClock.now))
    func enter() { state.withLock { $0.now += 1; $0.peak = max($0.peak, $0.now) } }
    func leave() { state.withLock { $0.now -= 1 } }
    /// Starts a run: counts from zero, and calls wait for their peers at most 10 minutes from now.
    func reset() { state.withLock { $0 = (0, 0, ContinuousClock.now + .seconds(600)) } }
    var peak: Int { state.withLock { $0.peak } }

    /// Waits until `count` calls have been in flight together (a rendezvous, so overlap does not
    /// hang on a sleep outlasting a starved machine's scheduling delay), or until the run's
    /// deadline: calls that never overlap wait it out once and the peak shows it.
    func waitForPeak(_ count: Int) async {
        while state.withLock({ $0.peak < count && ContinuousClock.now < $0.deadline }) {
            try? await Task.sleep(for: .milliseconds(5))
        }
    }
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

/// CPU milliseconds the calling thread has used so far. Unlike wall-clock time it does not grow
/// when other processes (a CPU hog, the other suites) take the cores, so a bound on it checks the
/// work done, not how busy the machine is. Only for synchronous code, which stays on one thread.
func threadCPUMilliseconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
    return Double(t.tv_sec) * 1000 + Double(t.tv_nsec) / 1e6
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
