import Foundation
import Testing
import TandemCore
import TandemMCP

/// Several servers at once, and the restart-once policy.
@Suite struct MCPHubTests {
    @Test func catalogGathersToolsFromSeveralServersAndReportsFailures() async throws {
        let hub = MCPHub(servers: [
            try MCPTestSupport.timeServer(),
            try MCPTestSupport.fixture("ok", name: "echoer"),
            MCPServerConfig(name: "ghost", command: ["tandem-no-such-server-binary"]),
        ])
        let catalog = await hub.catalog()
        #expect(Set(catalog.entries.map(\.qualifiedName))
            == ["time.get_current_time", "time.convert_time", "echoer.echo", "echoer.stamp"])
        #expect(catalog.entries.first { $0.qualifiedName == "time.convert_time" }?.tool.inputSchema["required"]
            == ["source_timezone", "time", "target_timezone"])
        guard case .spawnFailed? = catalog.failures["ghost"] else { Issue.record("\(catalog.failures)"); return }
        let time = try await hub.call(server: "time", tool: "get_current_time", arguments: ["timezone": "UTC"])
        let echo = try await hub.call(server: "echoer", tool: "echo", arguments: ["text": "x"])
        #expect(time.structuredContent?["timezone"] == "UTC")
        #expect(echo.structuredContent == ["echo": ["text": "x"]])
        await hub.shutdown()
    }

    @Test func crashedServerIsRestartedAndIdempotentCallRetried() async throws {
        let marker = MCPTestSupport.freshMarker()
        defer { try? FileManager.default.removeItem(atPath: marker) }
        let hub = MCPHub(servers: [try MCPTestSupport.fixture("crash-once", marker)])
        // No tools/list first: the hub lists the restarted server's tools to learn `echo` is idempotent.
        let result = try await hub.call(server: "fixture", tool: "echo", arguments: ["text": "survived"])
        #expect(result.structuredContent == ["echo": ["text": "survived"]])
        #expect(FileManager.default.fileExists(atPath: marker))  // it really crashed once
        await hub.shutdown()
    }

    @Test func toolWithSideEffectsIsNotRetriedButServerComesBack() async throws {
        let marker = MCPTestSupport.freshMarker()
        defer { try? FileManager.default.removeItem(atPath: marker) }
        let hub = MCPHub(servers: [try MCPTestSupport.fixture("crash-once", marker)])
        _ = try await hub.tools(of: "fixture")
        do {
            _ = try await hub.call(server: "fixture", tool: "stamp")
            Issue.record("a non-idempotent call was silently retried")
        } catch {
            guard case .serverExited = error else { Issue.record("\(error)"); return }
        }
        let after = try await hub.call(server: "fixture", tool: "stamp")
        #expect(!after.isError)
        await hub.shutdown()
    }

    @Test func serverThatCrashesAgainBecomesUnavailable() async throws {
        let startLog = MCPTestSupport.freshMarker()
        defer { try? FileManager.default.removeItem(atPath: startLog) }
        var config = try MCPTestSupport.fixture("crash")
        config.env = ["FIXTURE_START_LOG": startLog]
        let hub = MCPHub(servers: [config])
        _ = try await hub.tools(of: "fixture")
        do {
            _ = try await hub.call(server: "fixture", tool: "echo")
            Issue.record("a crashing server answered")
        } catch {
            guard case .serverUnavailable(let server, let cause) = error else { Issue.record("\(error)"); return }
            #expect(server == "fixture" && cause.contains("status 3"))
        }
        #expect(Self.starts(in: startLog) == 2)  // the first start and the one restart
        // Later steps fail over at once, without spawning the server again.
        await #expect(throws: MCPError.self) { try await hub.call(server: "fixture", tool: "echo") }
        #expect(Self.starts(in: startLog) == 2)
        await hub.shutdown()
    }

    @Test func unknownServerNamesTheConfiguredOnes() async throws {
        let hub = MCPHub(servers: [try MCPTestSupport.fixture("ok", name: "echoer")])
        await #expect(throws: MCPError.unknownServer(name: "nope", known: ["echoer"])) {
            try await hub.call(server: "nope", tool: "echo")
        }
    }

    private static func starts(in log: String) -> Int {
        (try? String(contentsOfFile: log, encoding: .utf8))?.split(separator: "\n").count ?? 0
    }
}
