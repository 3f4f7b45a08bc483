import Foundation
import Testing
import TandemCore
import TandemMCP

/// The client against a real server: `mcp-server-time` from PyPI, run offline from the test venv.
@Suite struct MCPTimeServerTests {
    @Test func negotiatesAndListsToolsWithSchemas() async throws {
        let client = try await MCPTestSupport.started(try MCPTestSupport.timeServer())
        let version = await client.protocolVersion
        #expect(version.map(MCPProtocolVersion.supported.contains) == true)
        #expect(await client.serverInfo?["name"] == "mcp-time")
        let tools = try await client.listTools()
        #expect(Set(tools.map(\.name)) == ["get_current_time", "convert_time"])
        let current = try #require(tools.first { $0.name == "get_current_time" })
        #expect(current.inputSchema["properties"]?["timezone"]?["type"] == "string")
        #expect(current.inputSchema["required"] == ["timezone"])
        #expect(current.isReadOnly && current.isSafeToRetry)
        await client.shutdown()
    }

    @Test func callReturnsStructuredContentAndText() async throws {
        let client = try await MCPTestSupport.started(try MCPTestSupport.timeServer())
        let result = try await client.callTool("get_current_time", arguments: ["timezone": "Europe/Paris"])
        #expect(!result.isError)
        #expect(result.structuredContent?["timezone"] == "Europe/Paris")
        #expect(result.structuredContent?["datetime"]?.stringValue?.hasSuffix(":00") == true)
        #expect(result.text.count == 1 && result.text[0].contains("Europe/Paris"))
        let converted = try await client.callTool("convert_time", arguments: [
            "source_timezone": "UTC", "time": "12:00", "target_timezone": "Asia/Tokyo",
        ])
        #expect(converted.value["time_difference"] == "+9.0h")
        #expect(converted.value["target"]?["datetime"]?.stringValue?.contains("T21:00:00+09:00") == true)
        await client.shutdown()
    }

    @Test func toolFailureIsAResultAndUnknownToolAnError() async throws {
        let client = try await MCPTestSupport.started(try MCPTestSupport.timeServer())
        let bad = try await client.callTool("get_current_time", arguments: ["timezone": "Nowhere/Atlantis"])
        #expect(bad.isError)
        #expect(bad.text.joined().contains("Invalid timezone"))
        await #expect(throws: MCPError.self) { try await client.callTool("no_such_tool") }
        do { _ = try await client.callTool("no_such_tool") } catch {
            guard case .serverError(_, "tools/call", _, let message) = error else { Issue.record("\(error)"); return }
            #expect(message.contains("no_such_tool"))
        }
        #expect(await client.isAlive)  // a rejected call does not break the connection
        await client.shutdown()
    }

    @Test func concurrentCallsAreMatchedByID() async throws {
        let client = try await MCPTestSupport.started(try MCPTestSupport.timeServer())
        let zones = ["UTC", "Asia/Tokyo", "America/New_York", "Europe/London", "Australia/Sydney"]
        let answers = try await withThrowingTaskGroup(of: (String, JSONValue?).self) { group in
            for zone in zones {
                group.addTask { (zone, try await client.callTool("get_current_time", arguments: ["timezone": .string(zone)]).structuredContent) }
            }
            var collected: [String: JSONValue?] = [:]
            for try await (zone, value) in group { collected[zone] = value }
            return collected
        }
        for zone in zones { #expect(answers[zone]??["timezone"] == .string(zone)) }
        await client.shutdown()
    }

    @Test func shutdownStopsTheServer() async throws {
        let client = try await MCPTestSupport.started(try MCPTestSupport.timeServer())
        let pid = try #require(await client.processID)
        #expect(kill(pid, 0) == 0)
        await client.shutdown()
        #expect(await MCPTestSupport.eventually { kill(pid, 0) != 0 })
        #expect(!(await client.isAlive))
        await #expect(throws: MCPError.notRunning(server: "time")) { try await client.listTools() }
    }
}
