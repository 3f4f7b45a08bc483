import Synchronization
import Testing
import TandemCore
import TandemOrchestrator

@Suite struct DAGExecutorTests {
    let registry: WorkerRegistry
    init() throws { registry = try faultRegistry() }

    func run(_ text: String, inputs: JSONValue = [:], options: ExecutionOptions = ExecutionOptions()) async throws -> RunResult {
        let compiled = try compile(text, registry)
        return await DAGExecutor(registry: registry, options: options).run(compiled, inputs: inputs)
    }

    @Test func wholeStringReferencesKeepTheirTypeAndTextInterpolates() async throws {
        let result = try await run("""
            {"version": 1, "inputs": {"n": {"type": "number"}, "who": {"type": "string"}},
             "steps": [{"id": "a", "kind": "function", "tool": "add", "args": {"a": "{{input:n}}", "b": 2}},
                       {"id": "b", "kind": "function", "tool": "echo", "args": {"sum": "{{step:a.sum}}", "all": "{{step:a}}", "text": "{{input:who}} has {{step:a.sum}}"}}],
             "output": {"value": "{{step:b.sum}}", "line": "{{step:b.text}}"}}
            """, inputs: ["n": 40, "who": "Ann"])
        #expect(result.isComplete)
        #expect(result.result("b")?["sum"] == 42)
        #expect(result.result("b")?["all"] == ["sum": 42])
        #expect(result.output == ["value": 42, "line": "Ann has 42"])
    }

    /// Both tests use the shared `track` counter, so they must not overlap each other.
    @Suite(.serialized) struct Parallelism {
        let registry: WorkerRegistry
        init() throws { registry = try faultRegistry() }

        /// `n` steps that each wait for `rendezvous` of them to be in flight, then hold on `ms` more.
        func tracked(_ n: Int, ms: Int, rendezvous: Int, maxConcurrency: Int) async throws -> (RunResult, Int) {
            let steps = (0..<n).map { #"{"id": "s\#($0)", "kind": "function", "tool": "track", "args": {"ms": \#(ms), "await": \#(rendezvous)}}"# }
            let compiled = try compile(#"{"version": 1, "steps": [\#(steps.joined(separator: ","))]}"#, registry)
            InFlight.shared.reset()
            let result = await DAGExecutor(registry: registry, options: ExecutionOptions(maxConcurrency: maxConcurrency)).run(compiled)
            return (result, InFlight.shared.peak)
        }

        @Test func independentStepsRunInParallel() async throws {
            let (result, peak) = try await tracked(4, ms: 0, rendezvous: 4, maxConcurrency: 4)
            #expect(result.isComplete)
            #expect(peak == 4, "only \(peak) of 4 independent steps ran at once")
        }

        @Test func concurrencyIsBounded() async throws {
            // Two meet, then hold on: an unbounded executor would have let the other two in meanwhile.
            let (result, peak) = try await tracked(4, ms: 50, rendezvous: 2, maxConcurrency: 2)
            #expect(result.isComplete)
            #expect(peak == 2)
        }

        @Test func mapFansOutConcurrentlyAndKeepsOrder() async throws {
            let compiled = try compile("""
                {"version": 1, "inputs": {"xs": {"type": "array", "items": {"type": "number"}}},
                 "steps": [{"id": "slow", "kind": "function", "tool": "track", "args": {"ms": 0, "await": 8}, "map": "{{input:xs}}"},
                           {"id": "plus", "kind": "function", "tool": "add", "args": {"a": "{{item}}", "b": 100}, "map": "{{input:xs}}"}]}
                """, registry)
            InFlight.shared.reset()
            let result = await DAGExecutor(registry: registry).run(compiled, inputs: ["xs": [1, 2, 3, 4, 5, 6, 7, 8]])
            #expect(InFlight.shared.peak == 8, "map elements did not run together")
            #expect(result.result("plus") == [["sum": 101], ["sum": 102], ["sum": 103], ["sum": 104], ["sum": 105], ["sum": 106], ["sum": 107], ["sum": 108]])
            #expect(result.trace("plus")?.items == 8)
            #expect(result.trace("slow")?.units == 8)
        }
    }

    @Test func aHangingStepTimesOutWhileOthersFinish() async throws {
        let result = try await run("""
            {"version": 1, "steps": [
              {"id": "stuck", "kind": "function", "tool": "hang", "args": {}, "timeout_ms": 200},
              {"id": "after_stuck", "kind": "function", "tool": "echo", "args": {"x": "{{step:stuck}}"}},
              {"id": "fine", "kind": "function", "tool": "sleep", "args": {"ms": 50}},
              {"id": "fine2", "kind": "function", "tool": "add", "args": {"a": 1, "b": 1}}]}
            """)
        // The hung worker holds on for a day; the run returning before any hang call ran to its end
        // shows nothing waited for it. (The call may not even have started yet on a starved machine.)
        #expect(HungWorkers.shared.finishedCalls == 0, "the run waited for a worker that ignores cancellation")
        #expect(result.trace("stuck")?.status == .failed)
        #expect(result.trace("stuck")?.error?.contains("timed out after 200 ms") == true)
        #expect(result.trace("after_stuck")?.status == .skipped)
        #expect(result.trace("after_stuck")?.error == "not run: step 'stuck' failed")
        #expect(result.result("fine") == ["slept": 50])
        #expect(result.result("fine2") == ["sum": 2])
    }

    @Test func aThrowingWorkerSkipsOnlyItsDependants() async throws {
        let result = try await run("""
            {"version": 1, "steps": [
              {"id": "bad", "kind": "function", "tool": "fail", "args": {}},
              {"id": "child", "kind": "function", "tool": "echo", "args": {"x": "{{step:bad}}"}},
              {"id": "grandchild", "kind": "function", "tool": "echo", "args": {}, "after": ["child"]},
              {"id": "ok", "kind": "function", "tool": "add", "args": {"a": 2, "b": 3}},
              {"id": "uses_ok", "kind": "function", "tool": "echo", "args": {"v": "{{step:ok.sum}}"}}],
             "output": {"bad": "{{step:bad}}", "ok": "{{step:uses_ok.v}}"}}
            """)
        #expect(result.failedSteps == ["bad"])
        #expect(result.skippedSteps == ["child", "grandchild"])
        #expect(result.trace("bad")?.error == "injected failure")
        #expect(result.trace("grandchild")?.error == "not run: step 'child' was skipped")
        #expect(result.output == ["bad": nil, "ok": 5])
        #expect(!result.isComplete)
    }

    @Test func retriesThenSucceeds() async throws {
        let counter = FlakyCounter(failures: 2)
        let registry = try faultRegistry { functions in
            try functions.register(name: "flaky", description: "fails twice", args: ["type": "object"], result: ["type": "object"]) { _ in
                ["call": .number(Double(try counter.next()))]
            }
        }
        let compiled = try compile(#"{"version": 1, "steps": [{"id": "f", "kind": "function", "tool": "flaky", "args": {}, "retries": 2}]}"#, registry)
        let result = await DAGExecutor(registry: registry, options: ExecutionOptions(retryBackoffMs: 1)).run(compiled)
        #expect(result.result("f") == ["call": 3])
        #expect(result.trace("f")?.attempts == 3)
    }

    @Test func fallbackToolAnswersWhenTheStepFails() async throws {
        let result = try await run("""
            {"version": 1, "steps": [{"id": "f", "kind": "function", "tool": "fail", "args": {"a": 1, "b": 2},
              "fallback": {"tool": "add"}}, {"id": "g", "kind": "function", "tool": "fail", "args": {}, "fallback": "fail"}]}
            """)
        #expect(result.result("f") == ["sum": 3])
        #expect(result.trace("f")?.fallback == "tool function/add after: injected failure")
        #expect(result.trace("f")?.fallbackUnits == 1)
        #expect(result.trace("g")?.status == .failed)
        #expect(result.trace("g")?.error?.contains("the fallback also failed") == true)
    }

    @Test func aFailingMapItemNamesTheItem() async throws {
        let result = try await run("""
            {"version": 1, "inputs": {"xs": {"type": "array"}},
             "steps": [{"id": "m", "kind": "function", "tool": "add", "args": {"a": "{{item}}", "b": 1}, "map": "{{input:xs}}"}]}
            """, inputs: ["xs": [1, "two", 3]])
        #expect(result.trace("m")?.status == .failed)
        #expect(result.trace("m")?.error?.hasPrefix("item 1 failed: add: invalid arguments") == true, "\(result.trace("m")?.error ?? "")")
    }

    @Test func aMissingFieldAtRunTimeFailsOnlyThatStep() async throws {
        let result = try await run("""
            {"version": 1, "steps": [{"id": "e", "kind": "function", "tool": "echo", "args": {"a": 1}},
                                     {"id": "u", "kind": "function", "tool": "echo", "args": {"b": "{{step:e.nope}}"}},
                                     {"id": "v", "kind": "function", "tool": "echo", "args": {"c": "{{step:e.a}}"}}]}
            """)
        #expect(result.trace("u")?.error?.contains("{{step:e.nope}} does not exist") == true)
        #expect(result.result("v") == ["c": 1])
    }

    @Test func cancellingTheRunKeepsFinishedResults() async throws {
        let reached = Mutex(false)
        let registry = try faultRegistry { functions in
            try functions.register(name: "mark", description: "notes that it ran", args: ["type": "object"], result: ["type": "object"]) { _ in
                reached.withLock { $0 = true }
                return [:]
            }
        }
        let compiled = try compile("""
            {"version": 1, "steps": [{"id": "quick", "kind": "function", "tool": "add", "args": {"a": 1, "b": 1}},
                                     {"id": "marker", "kind": "function", "tool": "mark", "args": {}, "after": ["quick"]},
                                     {"id": "long", "kind": "function", "tool": "sleep", "args": {"ms": 30000}},
                                     {"id": "after_long", "kind": "function", "tool": "echo", "args": {}, "after": ["long"]}]}
            """, registry)
        let executor = DAGExecutor(registry: registry)
        let task = Task { await executor.run(compiled) }
        while !reached.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(10)) }
        task.cancel()
        let result = await task.value
        // No wall-clock bound (a starved test machine breaks those): a 'long' that cancelling did not
        // stop would have run its 30 s to the end and be traced as succeeded, not cancelled.
        #expect(result.wasCancelled)
        #expect(result.result("quick") == ["sum": 2])
        #expect(result.trace("long")?.status == .cancelled)
        #expect(result.trace("after_long")?.status == .cancelled)
    }

    @Test func tracesRecordWorkerTimingAndAttempts() async throws {
        let result = try await run(#"{"version": 1, "steps": [{"id": "s", "kind": "function", "tool": "sleep", "args": {"ms": 30}}]}"#)
        let trace = try #require(result.trace("s"))
        #expect(trace.worker == "functions")
        #expect(trace.durationMs >= 29)
        #expect(trace.attempts == 1)
        #expect(trace.json["status"] == "succeeded")
    }

    /// A 1,000-step chain and a 1,000-step fan-out complete. The overhead per step is measured by
    /// `benchmarks/pipeline.sh`, not here: timing bounds in tests break on a starved machine.
    @Test func thousandStepPlansComplete() async throws {
        let chain = (0..<1000).map { i in
            i == 0 ? #"{"id": "s0", "kind": "function", "tool": "echo", "args": {}}"#
                : #"{"id": "s\#(i)", "kind": "function", "tool": "echo", "args": {"p": "{{step:s\#(i - 1)}}"}, "after": []}"#
        }
        let wide = (0..<1000).map { #"{"id": "w\#($0)", "kind": "function", "tool": "echo", "args": {}}"# }
        for (name, steps) in [("chain", chain), ("wide", wide)] {
            let compiled = try compile(#"{"version": 1, "steps": [\#(steps.joined(separator: ","))]}"#, registry)
            let executor = DAGExecutor(registry: registry)
            let result = await executor.run(compiled)
            #expect(result.isComplete, "\(name)")
            #expect(result.traces.count == 1000, "\(name)")
        }
    }
}
