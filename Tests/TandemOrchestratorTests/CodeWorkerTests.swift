import Foundation
import Synchronization
import Testing
import TandemCore
import TandemOrchestrator
import TandemSandbox
import TandemTestSupport

/// `code` steps through the executor, in real bubblewrap.
@Suite struct CodeWorkerTests {
    static let noBubblewrap: Comment = "bubblewrap (bwrap) is not installed; `make test` installs it (Tests/Fixtures/setup-tools.sh)"

    /// The standard limits but a wall clock far past any load: a python start-up on a saturated
    /// machine is slow, and no test here is about the timeout (`TandemSandboxTests` checks it).
    static let patient: SandboxLimits = { var limits = SandboxLimits.standard; limits.wallTimeout = .seconds(600); return limits }()

    /// The functions registry (`echo`, `add`, ...) plus a code worker.
    func registry(_ worker: CodeWorker = CodeWorker(isolation: .bubblewrap, limits: patient)) throws -> WorkerRegistry {
        var registry = try faultRegistry()
        registry.register(worker)
        return registry
    }

    @Test(.enabled(if: ExternalTools.hasBubblewrap, noBubblewrap))
    func pythonStepTransformsItsInputAndFeedsADependentStep() async throws {
        let source = """
            import json, socket, sys
            data = json.load(sys.stdin)
            print(json.dumps({"total": sum(data["numbers"]), "count": len(data["numbers"]), "host": socket.gethostname()}))
            """
        let plan: JSONValue = [
            "version": 1, "inputs": ["numbers": ["type": "array", "items": ["type": "number"]]],
            "steps": [
                ["id": "stats", "kind": "code", "tool": "python",
                 "args": ["source": .string(source), "input": ["numbers": "{{input:numbers}}"]]],
                ["id": "sum", "kind": "function", "tool": "add", "args": ["a": "{{step:stats.total}}", "b": "{{step:stats.count}}"]],
            ],
            "output": ["sum": "{{step:sum.sum}}", "host": "{{step:stats.host}}"],
        ]
        let registry = try registry()
        let result = await DAGExecutor(registry: registry).run(try compile(planText(plan), registry), inputs: ["numbers": [1, 2, 3.5]])
        #expect(result.isComplete, "\(result.traces.map(\.json))")
        // 6.5 + 3: the dependent step got the numbers the code printed, not the input.
        #expect(result.output["sum"] == 9.5)
        // The sandbox's own hostname: the code really ran inside bubblewrap.
        #expect(result.output["host"] == "tandem-sandbox")
        #expect(result.trace("stats")?.worker == "sandbox")
    }

    @Test(.enabled(if: ExternalTools.hasBubblewrap, noBubblewrap))
    func socketToTheHostFailsAndTheFallbackRuns() async throws {
        let listener = try LoopbackListener()
        let registry = try registry()
        let result = await DAGExecutor(registry: registry).run(try compile(planText(Self.connectPlan), registry),
                                                              inputs: ["port": .number(Double(listener.port))])
        let trace = try #require(result.trace("call"))
        #expect(trace.status == .succeeded && trace.worker == "functions")
        #expect(result.result("call") == ["reached": false])
        // The fallback names the code's failure: it could not connect (no network in the sandbox).
        let fallback = trace.fallback ?? ""
        #expect(fallback.hasPrefix("tool function/echo after: the code exited with status 1"), "\(fallback)")
        #expect(fallback.contains("Error"), "\(fallback)")
        #expect(!listener.hasPendingConnection)
    }

    /// The contrast that shows the test above can fail: without the sandbox the same code
    /// reaches the host's listener, and the worker warns on the run.
    @Test func unsafeNoSandboxReachesTheHostAndWarns() async throws {
        let listener = try LoopbackListener()
        let warnings = Mutex<[String]>([])
        let sink = Log.addSink { level, text in if level == .warning { warnings.withLock { $0.append(text) } } }
        defer { Log.removeSink(sink) }
        let registry = try registry(CodeWorker(isolation: .unsafeNoSandbox, limits: Self.patient))
        let result = await DAGExecutor(registry: registry).run(try compile(planText(Self.connectPlan), registry),
                                                              inputs: ["port": .number(Double(listener.port))])
        #expect(result.result("call") == ["reached": true], "\(result.traces.map(\.json))")
        #expect(result.trace("call")?.worker == "unsandboxed" && result.trace("call")?.fallback == nil)
        #expect(listener.hasPendingConnection)
        #expect(warnings.withLock { $0 }.contains { $0.contains("WITHOUT a sandbox") })
    }

    @Test func missingBubblewrapFailsWithTheInstallHintAndNeverRunsTheCode() async throws {
        let marker = ExternalTools.freshPath("code-ran")
        defer { try? FileManager.default.removeItem(atPath: marker) }
        let registry = try registry(CodeWorker(runner: CodeRunner(bubblewrapPath: "/nonexistent/bwrap")))
        let plan: JSONValue = ["version": 1, "steps": [
            ["id": "touch", "kind": "code", "tool": "sh", "args": ["source": .string("touch \(marker); echo '{}'")]],
        ]]
        let result = await DAGExecutor(registry: registry).run(try compile(planText(plan), registry))
        let trace = try #require(result.trace("touch"))
        #expect(trace.status == .failed)
        #expect(trace.error?.contains("apt-get install bubblewrap") == true, "\(trace.error ?? "")")
        #expect(!FileManager.default.fileExists(atPath: marker))
    }

    @Test(.enabled(if: ExternalTools.hasBubblewrap, noBubblewrap))
    func nonJSONOutputAndBadArgumentsAreStepErrors() async throws {
        let registry = try registry()
        let plan: JSONValue = ["version": 1, "steps": [
            ["id": "chatty", "kind": "code", "tool": "sh", "args": ["source": "echo hello"], "retries": 1],
        ]]
        let result = await DAGExecutor(registry: registry).run(try compile(planText(plan), registry))
        #expect(result.trace("chatty")?.error?.contains("not one JSON value") == true)
        #expect(result.trace("chatty")?.attempts == 2)  // retried like any failing step
        // The validator checks code arguments against the tools' schema before anything runs.
        let bad = issues(planText(["version": 1, "steps": [["id": "c", "kind": "code", "tool": "python", "args": ["code": "print(1)"]]]]), registry)
        #expect(bad.contains { $0.code == .argumentType && $0.message.contains("source") }, "\(bad)")
        let unknown = issues(planText(["version": 1, "steps": [["id": "c", "kind": "code", "tool": "ruby", "args": ["source": "p 1"]]]]), registry)
        #expect(unknown.contains { $0.code == .unknownTool && $0.message.contains("python, sh") }, "\(unknown)")
    }

    /// Connects to 127.0.0.1:{{input:port}}; falls back to `echo` with {"reached": false}.
    static let connectPlan: JSONValue = [
        "version": 1, "inputs": ["port": ["type": "integer"]],
        "steps": [[
            "id": "call", "kind": "code", "tool": "python",
            "args": ["source": """
                import json, socket, sys
                port = json.load(sys.stdin)["port"]
                socket.create_connection(("127.0.0.1", port), timeout=120).close()
                print(json.dumps({"reached": True}))
                """, "input": ["port": "{{input:port}}"]],
            "fallback": ["kind": "function", "tool": "echo", "args": ["reached": false]],
        ]],
    ]
}
