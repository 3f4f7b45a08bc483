import TandemCore
import TandemMCP

/// Runs `mcp` steps: the tools of the servers in an `MCPHub`.
///
/// Each tool is named `server.tool` (e.g. `time.get_current_time`), the name `MCPCatalogEntry`
/// gives it, so tools of different servers never clash; its argument schema is the tool's
/// `inputSchema` and its result schema the `outputSchema` when the server declares one (else any
/// JSON), so the validator checks calls and `{{step:ID.field}}` paths like any other tool's.
///
/// A step's result is `structuredContent` when the server sends it, else the text content,
/// JSON-decoded when it parses. A tool-level error (`isError`) throws `MCPStepError.toolFailed`;
/// a server that is still down after the hub's one restart throws `MCPError.serverUnavailable`.
/// Either way the executor's retries and the step's `fallback` apply.
public struct MCPWorker: Worker {
    /// "mcp".
    public let name = "mcp"
    /// `.mcp`.
    public let kind = StepKind.mcp
    /// The servers calls go to.
    public let hub: MCPHub
    /// One descriptor per tool of every server that started.
    public let tools: [ToolDescriptor]
    /// Servers that could not be started or listed when the worker was made (their tools are absent).
    public let failures: [String: MCPError]
    private let routes: [String: MCPCatalogEntry]

    /// A worker over the tools in `catalog` (from `hub.catalog()`).
    public init(hub: MCPHub, catalog: MCPHub.Catalog) {
        self.hub = hub
        failures = catalog.failures
        var routes: [String: MCPCatalogEntry] = [:]
        for entry in catalog.entries { routes[entry.qualifiedName] = entry }
        self.routes = routes
        tools = catalog.entries.map(Self.descriptor)
    }

    /// Starts every server in `hub`, lists their tools and makes the worker. A server that fails
    /// to start is logged and left out (its tools are unknown to the validator), not fatal.
    public static func connect(_ hub: MCPHub) async -> MCPWorker {
        let catalog = await hub.catalog()
        for (server, error) in catalog.failures.sorted(by: { $0.key < $1.key }) {
            Log.warning("MCP server '\(server)' is left out of the tool catalog: \(error)")
        }
        return MCPWorker(hub: hub, catalog: catalog)
    }

    /// Calls the tool `call.tool` (`server.tool`) with `call.args`.
    public func run(_ call: StepCall) async throws -> StepOutput {
        guard let entry = routes[call.tool] else {
            throw MCPStepError.unknownTool(call.tool, available: routes.keys.sorted())
        }
        let result = try await hub.call(server: entry.server, tool: entry.tool.name, arguments: call.args)
        if result.isError {
            throw MCPStepError.toolFailed(tool: call.tool, message: result.text.joined(separator: "\n"))
        }
        return StepOutput(value: result.value)
    }

    private static func descriptor(_ entry: MCPCatalogEntry) -> ToolDescriptor {
        let about = entry.tool.description.isEmpty ? "A tool" : entry.tool.description
        return ToolDescriptor(kind: .mcp, name: entry.qualifiedName,
                              description: "\(about) (MCP server '\(entry.server)')",
                              argsSchema: entry.tool.inputSchema, resultSchema: entry.tool.outputSchema ?? [:])
    }
}

/// An `mcp` step failed in a way the hub does not report itself.
public enum MCPStepError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No started server offers this `server.tool`.
    case unknownTool(String, available: [String])
    /// The tool ran and reported an error (`isError` in its result).
    case toolFailed(tool: String, message: String)

    /// What went wrong.
    public var description: String {
        switch self {
        case .unknownTool(let name, let available):
            "no MCP tool '\(name)'; available: \(available.isEmpty ? "none (no MCP server started)" : available.joined(separator: ", "))"
        case .toolFailed(let tool, let message):
            "MCP tool \(tool) reported an error: \(message.isEmpty ? "(no message)" : message)"
        }
    }
}
