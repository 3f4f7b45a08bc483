import Foundation
import Testing
import TandemCore
import TandemMCP
import TandemOrchestrator
import TandemWorkers

/// `mcp` steps through the validator and the executor, against real MCP servers: the pinned
/// `mcp-server-time` and the MCP tests' misbehaving fixture server.
@Suite struct MCPWorkerTests {
    static let noVenv: Comment = "the MCP venv (~/.cache/tandem/venv-mcp) is missing; `make test` creates it (Tests/Fixtures/setup-tools.sh)"

    /// The functions registry (`echo`, ...) plus an MCP worker over `servers`.
    func registry(_ servers: [MCPServerConfig]) async throws -> (WorkerRegistry, MCPHub?) {
        await StandardWorkers.withMCP(try faultRegistry(), servers: servers)
    }

    @Test(.enabled(if: ExternalTools.hasMCPVenv, noVenv))
    func getCurrentTimeReturnsStructuredOutputThroughTheExecutor() async throws {
        let (registry, hub) = try await registry([ExternalTools.timeServer()])
        let plan: JSONValue = ["version": 1, "steps": [
            ["id": "now", "kind": "mcp", "tool": "time.get_current_time", "args": ["timezone": "UTC"]],
            ["id": "use", "kind": "function", "tool": "echo", "args": ["zone": "{{step:now.timezone}}", "dst": "{{step:now.is_dst}}"]],
        ]]
        let result = await DAGExecutor(registry: registry).run(try compile(planText(plan), registry))
        await hub?.shutdown()
        #expect(result.isComplete, "\(result.traces.map(\.json))")
        let now = try #require(result.result("now"))
        // structuredContent, not the text block: typed fields, an ISO date in UTC.
        #expect(now["timezone"] == "UTC" && now["is_dst"] == false)
        #expect(now["datetime"]?.stringValue?.hasSuffix("+00:00") == true, "\(now)")
        #expect(result.result("use") == ["zone": "UTC", "dst": false])
        #expect(result.trace("now")?.worker == "mcp")
    }

    @Test(.enabled(if: ExternalTools.hasMCPVenv, noVenv))
    func serverCrashingTwiceMidCallRunsTheFallback() async throws {
        let startLog = ExternalTools.freshPath("mcp-starts")
        defer { try? FileManager.default.removeItem(atPath: startLog) }
        let (registry, hub) = try await registry([ExternalTools.fixtureServer("crash", env: ["FIXTURE_START_LOG": startLog])])
        let plan: JSONValue = ["version": 1, "steps": [
            ["id": "e", "kind": "mcp", "tool": "fixture.echo", "args": ["text": "hi"],
             "fallback": ["kind": "function", "tool": "echo", "args": ["from": "fallback"]]],
        ]]
        let result = await DAGExecutor(registry: registry).run(try compile(planText(plan), registry))
        await hub?.shutdown()
        let trace = try #require(result.trace("e"))
        #expect(trace.status == .succeeded && trace.worker == "functions")
        #expect(result.result("e") == ["from": "fallback"])
        let fallback = trace.fallback ?? ""
        #expect(fallback.hasPrefix("tool function/echo after: MCP server 'fixture' is unavailable after one restart"), "\(fallback)")
        #expect(fallback.contains("status 3"), "\(fallback)")
        // It crashed in the call, was restarted once, and crashed again: two starts, no third.
        let starts = (try? String(contentsOfFile: startLog, encoding: .utf8))?.split(separator: "\n").count
        #expect(starts == 2)
    }

    @Test(.enabled(if: ExternalTools.hasMCPVenv, noVenv))
    func mcpToolsEnterTheCatalogTheValidatorChecks() async throws {
        let (registry, hub) = try await registry([ExternalTools.timeServer(), ExternalTools.fixtureServer("ok", name: "echoer"),
                                                  MCPServerConfig(name: "ghost", command: ["tandem-no-such-server-binary"])])
        await hub?.shutdown()  // the catalog was read at start; validation needs no server
        let catalog = registry.catalogJSON
        #expect(catalog["kinds"]?.arrayValue?.contains("mcp") == true)
        let tools = registry.toolNames(kind: .mcp)
        #expect(tools == ["echoer.echo", "echoer.stamp", "time.convert_time", "time.get_current_time"])  // ghost left out
        #expect(registry.tool("time.get_current_time", kind: .mcp)?.argsSchema["required"] == ["timezone"])

        let unknown = issues(planText(["version": 1, "steps": [
            ["id": "t", "kind": "mcp", "tool": "time.get_future_time", "args": ["timezone": "UTC"]],
        ]]), registry)
        let issue = try #require(unknown.first { $0.code == .unknownTool }, "\(unknown)")
        #expect(issue.message.contains("'time.get_future_time'") && issue.message.contains("time.get_current_time"))
        #expect(issue.pointer == "/steps/0/tool")

        // The tool's input schema types its arguments; its output schema types references to its result.
        let typed = issues(planText(["version": 1, "steps": [
            ["id": "t", "kind": "mcp", "tool": "time.get_current_time", "args": ["timezone": 5]],
            ["id": "u", "kind": "function", "tool": "echo", "args": ["x": "{{step:t.weekday}}"]],
        ]]), registry)
        #expect(typed.contains { $0.code == .argumentType && $0.pointer == "/steps/0/args/timezone" }, "\(typed)")
        #expect(typed.contains { $0.code == .unknownField && $0.message.contains("day_of_week") }, "\(typed)")
    }

    @Test(.enabled(if: ExternalTools.hasMCPVenv, noVenv))
    func toolLevelErrorIsAStepError() async throws {
        let (registry, hub) = try await registry([ExternalTools.timeServer()])
        let plan: JSONValue = ["version": 1, "steps": [
            ["id": "bad", "kind": "mcp", "tool": "time.get_current_time", "args": ["timezone": "Nowhere/Atlantis"]],
        ]]
        let result = await DAGExecutor(registry: registry).run(try compile(planText(plan), registry))
        await hub?.shutdown()
        let error = result.trace("bad")?.error ?? ""
        #expect(error.hasPrefix("MCP tool time.get_current_time reported an error") && error.contains("Invalid timezone"), "\(error)")
    }
}
