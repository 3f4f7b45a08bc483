import TandemCore

/// Several MCP servers at once: started together, tools gathered into one catalog, calls routed
/// by server name.
///
/// Restart policy: each server gets one restart. When a call breaks the connection (the server
/// exits, garbles its stream, sends an oversize message), the hub restarts the server; the call
/// is retried once on the fresh server only if the tool is annotated read-only or idempotent
/// (retrying a tool with side effects could do them twice). A server that breaks again is marked
/// unavailable, and calls to it throw `MCPError.serverUnavailable` so the step takes its fallback.
public actor MCPHub {
    private struct ServerState {
        let config: MCPServerConfig
        /// The current client's start-up; callers share it, so nobody talks to a half-started server.
        var startup: Task<Result<MCPClient, MCPError>, Never>?
        var generation = 0
        var restartsUsed = 0
        var tools: [MCPTool] = []
        var unavailable: MCPError?
    }

    /// Restarts each server gets.
    public static let restartBudget = 1

    private var servers: [String: ServerState]
    private let order: [String]

    /// Creates a hub; nothing starts until `start()` or the first call.
    public init(servers: [MCPServerConfig]) {
        var states: [String: ServerState] = [:]
        for config in servers { states[config.name] = ServerState(config: config) }
        self.servers = states
        order = servers.map(\.name)
    }

    /// The tools of every server that started, plus the servers that did not and why.
    public struct Catalog: Sendable {
        /// One entry per tool, servers in configuration order.
        public let entries: [MCPCatalogEntry]
        /// Servers that could not be started or listed.
        public let failures: [String: MCPError]
    }

    /// Starts every server concurrently and lists their tools. Servers that fail are reported, not fatal.
    public func catalog() async -> Catalog {
        let outcomes = await withTaskGroup(of: (String, Result<[MCPTool], MCPError>).self) { group in
            for name in order {
                group.addTask { (name, await self.toolsOf(name)) }
            }
            var collected: [String: Result<[MCPTool], MCPError>] = [:]
            for await (name, outcome) in group { collected[name] = outcome }
            return collected
        }
        var entries: [MCPCatalogEntry] = []
        var failures: [String: MCPError] = [:]
        for name in order {
            switch outcomes[name] {
            case .success(let tools)?: entries += tools.map { MCPCatalogEntry(server: name, tool: $0) }
            case .failure(let error)?: failures[name] = error
            case nil: break
            }
        }
        return Catalog(entries: entries, failures: failures)
    }

    /// The tools of one server (starting it if needed).
    public func tools(of server: String) async throws(MCPError) -> [MCPTool] {
        try await toolsOf(server).get()
    }

    /// The protocol version one server agreed, once started.
    public func protocolVersion(of server: String) async -> String? {
        guard case .success(let client)? = await servers[server]?.startup?.value else { return nil }
        return await client.protocolVersion
    }

    /// Calls `tool` on `server`, under the restart policy above.
    public func call(server: String, tool: String, arguments: JSONValue = [:], timeout: Duration? = nil) async throws(MCPError) -> MCPToolResult {
        let (client, generation) = try await running(server)
        do {
            return try await client.callTool(tool, arguments: arguments, timeout: timeout)
        } catch where error.breaksConnection {
            let (fresh, _) = try await restart(server, after: generation, cause: error)
            if servers[server]?.tools.isEmpty == true, let tools = try? await fresh.listTools() {
                servers[server]?.tools = tools  // the annotations decide whether a retry is safe
            }
            guard servers[server]?.tools.first(where: { $0.name == tool })?.isSafeToRetry == true else { throw error }
            do {
                return try await fresh.callTool(tool, arguments: arguments, timeout: timeout)
            } catch where error.breaksConnection {
                await markUnavailable(server, cause: error)
                throw .serverUnavailable(server: server, cause: error.description)
            }
        }
    }

    /// Shuts every server down (concurrently).
    public func shutdown() async {
        let startups = servers.values.compactMap(\.startup)
        for name in servers.keys { servers[name]?.startup = nil }
        await withTaskGroup(of: Void.self) { group in
            for startup in startups {
                group.addTask { if case .success(let client) = await startup.value { await client.shutdown() } }
            }
        }
    }

    // MARK: - Lifecycle

    private func toolsOf(_ server: String) async -> Result<[MCPTool], MCPError> {
        do {
            let (client, generation) = try await running(server)
            if let known = servers[server]?.tools, !known.isEmpty { return .success(known) }
            do {
                let tools = try await client.listTools()
                servers[server]?.tools = tools
                return .success(tools)
            } catch where error.breaksConnection {
                let (fresh, _) = try await restart(server, after: generation, cause: error)
                let tools = try await fresh.listTools()
                servers[server]?.tools = tools
                return .success(tools)
            }
        } catch {
            return .failure(error)
        }
    }

    /// The server's live client, started on first use. A failed start uses up the server's restart.
    private func running(_ server: String) async throws(MCPError) -> (MCPClient, Int) {
        guard let state = servers[server] else { throw .unknownServer(name: server, known: order) }
        if let dead = state.unavailable { throw dead }
        let generation = state.generation
        let startup: Task<Result<MCPClient, MCPError>, Never>
        if let existing = state.startup {
            startup = existing
        } else {
            let config = state.config
            startup = Task {
                let client = MCPClient(config: config)
                do throws(MCPError) { try await client.start() } catch { return .failure(error) }
                return .success(client)
            }
            servers[server]?.startup = startup
        }
        switch await startup.value {
        case .success(let client):
            return (client, generation)
        case .failure(let error):
            // Only the first caller to see this start-up fail does the bookkeeping.
            if servers[server]?.startup == startup {
                servers[server]?.startup = nil
                servers[server]?.generation += 1
                if (servers[server]?.restartsUsed ?? 0) < Self.restartBudget {
                    servers[server]?.restartsUsed += 1
                } else {
                    await markUnavailable(server, cause: error)
                }
            }
            throw error
        }
    }

    /// Restarts `server` if `generation` is still current and the budget allows; a caller that lost
    /// the race gets the client someone else already restarted.
    private func restart(_ server: String, after generation: Int, cause: MCPError) async throws(MCPError) -> (MCPClient, Int) {
        guard var state = servers[server] else { throw .unknownServer(name: server, known: order) }
        if state.generation != generation { return try await running(server) }
        guard state.restartsUsed < Self.restartBudget else {
            await markUnavailable(server, cause: cause)
            throw .serverUnavailable(server: server, cause: cause.description)
        }
        Log.warning("MCP server '\(server)' failed (\(cause)); restarting it once")
        let old = state.startup
        state.restartsUsed += 1
        state.generation += 1
        state.startup = nil
        servers[server] = state
        if case .success(let client)? = await old?.value { await client.shutdown(grace: .milliseconds(100)) }
        do {
            return try await running(server)
        } catch {
            await markUnavailable(server, cause: error)
            throw .serverUnavailable(server: server, cause: error.description)
        }
    }

    private func markUnavailable(_ server: String, cause: MCPError) async {
        guard servers[server]?.unavailable == nil else { return }
        servers[server]?.unavailable = .serverUnavailable(server: server, cause: cause.description)
        Log.warning("MCP server '\(server)' is unavailable: \(cause)")
        let startup = servers[server]?.startup
        servers[server]?.startup = nil
        if case .success(let client)? = await startup?.value { await client.shutdown(grace: .milliseconds(100)) }
    }
}
