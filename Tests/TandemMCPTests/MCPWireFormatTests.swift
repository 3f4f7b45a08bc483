import Testing
import TandemCore
import TandemMCP

/// Result and tool parsing and the config file, without a server.
@Suite struct MCPWireFormatTests {
    @Test func toolResultPrefersStructuredContent() throws {
        let structured = try #require(MCPToolResult(json: ["content": [["type": "text", "text": "{}"]], "structuredContent": ["a": 1]]))
        #expect(structured.value == ["a": 1])
        let textJSON = try #require(MCPToolResult(json: ["content": [["type": "text", "text": "[1, 2]"]]]))
        #expect(textJSON.value == [1, 2] && !textJSON.isError)
        let plain = try #require(MCPToolResult(json: ["content": [["type": "image", "data": "..."], ["type": "text", "text": "hi"]], "isError": true]))
        #expect(plain.value == "hi" && plain.isError)
        #expect(MCPToolResult(json: ["nothing": 1]) == nil)
    }

    @Test func configFileParsesServersAndRejectsMistakes() throws {
        let text = """
        {"model": "ignored", "mcp_servers": {
            "time": {"command": ["python3", "-m", "mcp_server_time"], "env": {"TZ": "UTC"}, "timeout_seconds": 5},
            "other": {"command": ["/usr/bin/other"]}}}
        """
        let servers = try MCPConfigFile.parse(text)
        #expect(servers.map(\.name) == ["time", "other"])
        #expect(servers[0].command == ["python3", "-m", "mcp_server_time"] && servers[0].env == ["TZ": "UTC"])
        #expect(servers[0].timeout == .seconds(5) && servers[1].timeout == .seconds(30))
        #expect(try MCPConfigFile.parse("{}").isEmpty)
        for bad in [#"{"mcp_servers": []}"#, #"{"mcp_servers": {"x": {"command": []}}}"#,
                    #"{"mcp_servers": {"x": {"command": ["a"], "timout_seconds": 3}}}"#,
                    #"{"mcp_servers": {"x": {"command": ["a"], "env": {"A": 1}}}}"#, "{not json"] {
            #expect(throws: MCPError.self, "\(bad)") { try MCPConfigFile.parse(bad) }
        }
        do { _ = try MCPConfigFile.parse(#"{"mcp_servers": {"x": {"command": ["a"], "timout_seconds": 3}}}"#) } catch {
            #expect(error.description.contains("unknown key 'timout_seconds'"))
        }
        #expect(throws: MCPError.self) { try MCPConfigFile.load(path: "/nonexistent/tandem.json") }
    }

    /// tandem.yaml's `mcp_servers` spelling: `command` a program, its arguments in `args`.
    @Test func commandWithArgsIsTheYAMLSpelling() throws {
        let servers = try MCPConfigFile.servers(from: ["time": ["command": "python3", "args": ["-m", "mcp_server_time"]],
                                                       "both": ["command": ["a", "b"], "args": ["c"]]], path: "tandem.yaml")
        #expect(servers.map(\.command) == [["python3", "-m", "mcp_server_time"], ["a", "b", "c"]])
        for bad: JSONValue in [["x": ["command": "a", "args": "-m x"]], ["x": ["command": "", "args": ["b"]]],
                               ["x": ["args": ["b"]]], ["x": ["command": "a", "args": [1]]]] {
            #expect(throws: MCPError.self, "\(bad)") { try MCPConfigFile.servers(from: bad, path: "tandem.yaml") }
        }
    }
}
