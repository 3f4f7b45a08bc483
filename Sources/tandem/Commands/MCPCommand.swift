import Foundation
import TandemCore
import TandemMCP

/// `tandem mcp list` and `tandem mcp call`: try an MCP server from the command line.
enum MCPCommand: Command {
    static let name = "mcp"
    static let summary = "List an MCP server's tools or call one (to try a server before a plan uses it)"
    static let help = """
    usage: tandem mcp list [--server NAME | --command "CMD ARG..."] [--config FILE] [--timeout S] [--json]
           tandem mcp call SERVER TOOL [--args JSON] [--config FILE] [--timeout S] [--json]
           tandem mcp call --command "CMD ARG..." TOOL [--args JSON] [--timeout S] [--json]

    Starts MCP servers (JSON-RPC over stdio), shows the tools they offer with their arguments, or
    calls one tool and prints its result. Servers are configured in a JSON file:

        {"mcp_servers": {"time": {"command": ["python3", "-m", "mcp_server_time"],
                                  "env": {"TZ": "UTC"}, "timeout_seconds": 30}}}

    list                   every configured server's tools (or one server's, or an ad-hoc command's)
    call SERVER TOOL       calls TOOL on the configured SERVER
      --server NAME        (list) only this configured server
      --command "CMD..."   run this command as the server instead of a configured one (split on
                           spaces; quote an argument that contains spaces)
      --args JSON          the tool's arguments, a JSON object (default: {})
      --config FILE        the config file (default: $TANDEM_CONFIG, else ~/.config/tandem/config.json)
      --timeout S          seconds to wait for each answer (default: the server's timeout_seconds, else 30)
      --json               print JSON for scripts: list → {"servers": [...], "failures": {...}},
                           call → {"isError", "structuredContent", "text"}
      --verbose            (global) also show the servers' stderr

    Plans call the same servers' tools as mcp steps ("tool": "SERVER.TOOL"); `tandem run` and
    `tandem plan` read this file too, after mcp_servers in ./tandem.yaml (see --mcp-config there).

    Exit status: 0 success, 1 the server failed or the tool reported an error, 2 usage error.

    examples:
      tandem mcp list --command "python3 -m mcp_server_time"
      tandem mcp call time get_current_time --args '{"timezone": "Europe/Paris"}'
    """

    static func run(_ arguments: inout Arguments) async throws -> Int32 {
        // Options first: an option's value ("--command 'python3 -m x'") is not the action.
        let server = try arguments.option("--server")
        let commandLine = try arguments.option("--command")
        let configPath = try arguments.option("--config")
        let argsText = try arguments.option("--args")
        let timeout = try arguments.double("--timeout", in: 0.1...3600)
        let json = arguments.flag("--json")
        guard let action = arguments.positional() else { throw UsageError("mcp needs an action: list or call") }
        switch action {
        case "list":
            try arguments.finish()
            let configs = try resolveServers(named: server, command: commandLine, configPath: configPath, timeout: timeout)
            return try await list(configs, json: json)
        case "call":
            let serverName = commandLine == nil ? arguments.positional() : nil
            guard commandLine != nil || serverName != nil else { throw UsageError("mcp call needs SERVER and TOOL") }
            guard let tool = arguments.positional() else { throw UsageError("mcp call needs a TOOL name") }
            try arguments.finish()
            let toolArguments = try parseArguments(argsText)
            let configs = try resolveServers(named: serverName, command: commandLine, configPath: configPath, timeout: timeout)
            return try await call(configs[0], tool: tool, arguments: toolArguments, json: json)
        default:
            throw UsageError("unknown mcp action '\(action)' (use list or call)")
        }
    }

    private static func list(_ configs: [MCPServerConfig], json: Bool) async throws -> Int32 {
        let hub = MCPHub(servers: configs)
        let catalog = await hub.catalog()
        var servers: [JSONValue] = []
        for config in configs where catalog.failures[config.name] == nil {
            let tools = catalog.entries.filter { $0.server == config.name }.map(\.tool)
            let version = await hub.protocolVersion(of: config.name)
            servers.append(["name": .string(config.name), "protocolVersion": version.map(JSONValue.string) ?? .null,
                            "tools": .array(tools.map { ["name": .string($0.name), "description": .string($0.description),
                                                         "inputSchema": $0.inputSchema] })])
            if !json {
                print("\(config.name) (protocol \(version ?? "?"), \(tools.count) tools)")
                for tool in tools { print("  \(signature(of: tool))  \(tool.description.split(separator: "\n").first ?? "")") }
            }
        }
        await hub.shutdown()
        if json {
            let failures = JSONValue.object(catalog.failures.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value.description)) })
            print(JSONWriter.pretty(["servers": .array(servers), "failures": failures]))
        } else {
            for (name, error) in catalog.failures.sorted(by: { $0.key < $1.key }) { printError("\(name): \(error)") }
        }
        return catalog.failures.isEmpty ? 0 : 1
    }

    private static func call(_ config: MCPServerConfig, tool: String, arguments: JSONValue, json: Bool) async throws -> Int32 {
        let client = MCPClient(config: config)
        let result: MCPToolResult
        do {
            try await client.start()
            result = try await client.callTool(tool, arguments: arguments)
        } catch {
            await client.shutdown()
            printError("\(error)")
            return 1
        }
        await client.shutdown()
        if json {
            print(JSONWriter.pretty(["isError": .bool(result.isError), "structuredContent": result.structuredContent ?? .null,
                                     "text": .array(result.text.map(JSONValue.string))]))
        } else if result.isError {
            printError("tool \(tool) failed: \(result.text.joined(separator: "\n"))")
        } else if let structured = result.structuredContent {
            print(JSONWriter.pretty(structured))
        } else {
            print(result.text.joined(separator: "\n"))
        }
        return result.isError ? 1 : 0
    }

    /// `name(arg: type*, ...)`, `*` marking required arguments.
    private static func signature(of tool: MCPTool) -> String {
        let required = Set(tool.inputSchema["required"]?.arrayValue?.compactMap(\.stringValue) ?? [])
        let parameters = (tool.inputSchema["properties"]?.objectValue ?? []).map { name, schema in
            "\(name): \(schema["type"]?.stringValue ?? "any")\(required.contains(name) ? "*" : "")"
        }
        return "\(tool.name)(\(parameters.joined(separator: ", ")))"
    }

    private static func resolveServers(named name: String?, command: String?, configPath: String?,
                                       timeout: Double?) throws -> [MCPServerConfig] {
        var configs: [MCPServerConfig]
        if let command {
            guard name == nil else { throw UsageError("use either --command or a server name, not both") }
            let words = try splitCommand(command)
            guard !words.isEmpty else { throw UsageError("--command is empty") }
            // Name an ad-hoc server after its last plain word ("python3 -m mcp_server_time" → mcp_server_time).
            let label = words.last { !$0.hasPrefix("-") } ?? words[0]
            configs = [MCPServerConfig(name: URL(fileURLWithPath: label).lastPathComponent, command: words)]
        } else {
            let path = configPath ?? MCPServerOption.defaultJSONPath
            guard FileManager.default.fileExists(atPath: path) else {
                throw UsageError("no MCP config at \(path); create it (see `tandem mcp --help`) or pass --command")
            }
            configs = try MCPConfigFile.load(path: path)
            if let name {
                guard let match = configs.first(where: { $0.name == name }) else {
                    throw MCPError.unknownServer(name: name, known: configs.map(\.name))
                }
                configs = [match]
            }
            guard !configs.isEmpty else { throw UsageError("\(path) configures no mcp_servers") }
        }
        if let timeout { for i in configs.indices { configs[i].timeout = .milliseconds(Int64(timeout * 1000)) } }
        return configs
    }

    private static func parseArguments(_ text: String?) throws -> JSONValue {
        guard let text else { return [:] }
        let value: JSONValue
        do { value = try JSONParser.parse(text) } catch { throw UsageError("--args is not JSON: \(error)") }
        guard value.objectValue != nil else { throw UsageError("--args must be a JSON object, got \(value.typeName)") }
        return value
    }

    /// Splits a command on spaces, honouring '...' and "..." quoting (no escapes, no expansion).
    static func splitCommand(_ text: String) throws -> [String] {
        var words: [String] = [], current = "", quote: Character?, inWord = false
        for character in text {
            if let open = quote {
                if character == open { quote = nil } else { current.append(character) }
            } else if character == "'" || character == "\"" {
                quote = character; inWord = true
            } else if character == " " || character == "\t" {
                if inWord { words.append(current); current = ""; inWord = false }
            } else {
                current.append(character); inWord = true
            }
        }
        guard quote == nil else { throw UsageError("--command has an unclosed quote") }
        if inWord { words.append(current) }
        return words
    }

    private static func printError(_ message: String) {
        FileHandle.standardError.write(Data("tandem: error: \(message)\n".utf8))
    }
}
