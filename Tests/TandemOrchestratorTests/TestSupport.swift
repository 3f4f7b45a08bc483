import Foundation
import Synchronization
import Testing
import TandemCore
import TandemOrchestrator

/// Paths relative to the package root (this file is <root>/Tests/TandemOrchestratorTests/...).
enum TestPaths {
    static let packageRoot: URL = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static var config: String { packageRoot.appendingPathComponent("config").path }
    static var examples: URL { packageRoot.appendingPathComponent("examples/receipts") }
    static var docs: URL { packageRoot.appendingPathComponent("docs") }

    /// The shared fixtures beside the checkout; a missing folder fails the test with a clear message.
    static func fixture(_ name: String) throws -> URL {
        let url = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/fixtures").appendingPathComponent(name)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw MissingPrerequisite("fixture \(url.path) is missing: the shared fixtures must sit at ../shared/fixtures beside the checkout")
        }
        return url
    }

    static func text(_ url: URL) throws -> String { try String(contentsOf: url, encoding: .utf8) }
}

struct MissingPrerequisite: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}

/// The standard registry (built-in local tools with the model off, built-in functions).
func standardRegistry(model: (any LocalModelClient)? = nil, extra: [any Worker] = []) throws -> WorkerRegistry {
    var registry = StandardWorkers.registry(localModel: model, rules: try KeywordRuleBook(directory: TestPaths.config))
    for worker in extra { registry.register(worker) }
    return registry
}

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

struct InjectedFault: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
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

/// A local model that misbehaves on purpose (fault injection): invalid JSON, labels outside the
/// set, or errors. It records how many calls were in flight at once.
final class MisbehavingModel: LocalModelClient {
    enum Mode: Sendable { case invalidJSON, wrongLabel, throwing }
    let mode: Mode
    let modelName = "misbehaving-test-model"
    private let inFlight = Mutex((now: 0, peak: 0, calls: 0))

    init(_ mode: Mode) { self.mode = mode }

    var peakConcurrency: Int { inFlight.withLock { $0.peak } }
    var calls: Int { inFlight.withLock { $0.calls } }

    private func enter() { inFlight.withLock { $0.now += 1; $0.calls += 1; $0.peak = max($0.peak, $0.now) } }
    private func leave() { inFlight.withLock { $0.now -= 1 } }

    func generateJSON(_ request: LocalJSONRequest) async throws -> LocalJSONReply {
        enter(); defer { leave() }
        try await Task.sleep(for: .milliseconds(20))
        if mode == .throwing { throw InjectedFault(message: "model crashed") }
        return LocalJSONReply(text: "{\"company\": \"ACME\", \"date\": ", usage: TokenUsage(promptTokens: 100, cachedPromptTokens: 40, generatedTokens: 7))
    }

    func choose(_ request: LocalChoiceRequest) async throws -> LocalChoiceReply {
        enter(); defer { leave() }
        try await Task.sleep(for: .milliseconds(20))
        if mode == .throwing { throw InjectedFault(message: "model crashed") }
        return LocalChoiceReply(label: "not-a-label", probability: 0.9, usage: TokenUsage(promptTokens: 30, generatedTokens: 2))
    }
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
