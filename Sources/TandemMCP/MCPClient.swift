import Foundation
import TandemCore

/// A connection to one MCP server over stdio: spawn, `initialize` with version negotiation,
/// `tools/list`, `tools/call` with timeouts and cancellation, clean shutdown.
///
/// Any framing or protocol violation (non-JSON line, unknown response id, oversize message,
/// exit) fails every pending request with that error and stops the server: a byte stream that
/// went wrong once cannot be trusted again. `MCPHub` restarts it.
public actor MCPClient {
    /// The server this client talks to.
    public let config: MCPServerConfig
    /// The protocol version agreed in `initialize`.
    public private(set) var protocolVersion: String?
    /// `serverInfo` from `initialize` (name, version).
    public private(set) var serverInfo: JSONValue?

    private var connection: StdioConnection?
    private var pending: [Int: Pending] = [:]
    /// Requests we gave up on; a late answer to one of these is expected and ignored.
    private var abandoned: Set<Int> = []
    private var nextID = 1
    private var failure: MCPError?
    private var reader: Task<Void, Never>?
    private var startup: Task<Result<Void, MCPError>, Never>?

    private struct Pending {
        let method: String
        let continuation: CheckedContinuation<Result<JSONValue, MCPError>, Never>
        let timer: Task<Void, Never>
    }

    /// Creates a client; nothing runs until `start()`.
    public init(config: MCPServerConfig) {
        self.config = config
    }

    /// Spawns the server and performs the `initialize` / `notifications/initialized` handshake.
    /// Concurrent callers share one start-up; calling it on a running client does nothing.
    public func start() async throws(MCPError) {
        if let startup { return try await startup.value.get() }
        let task = Task { await self.performStart() }
        startup = task
        let outcome = await task.value
        if case .failure = outcome, startup == task { startup = nil }
        try outcome.get()
    }

    private func performStart() async -> Result<Void, MCPError> {
        do throws(MCPError) { try await handshake() } catch { return .failure(error) }
        return .success(())
    }

    private func handshake() async throws(MCPError) {
        let connection = try StdioConnection(config: config)
        self.connection = connection
        failure = nil
        reader = Task { [weak self] in
            for await event in connection.events {
                guard let self else { break }
                await self.handle(event)
            }
        }
        let params: JSONValue = [
            "protocolVersion": .string(MCPProtocolVersion.requested),
            "capabilities": [:],
            "clientInfo": ["name": "tandem", "version": "0.1"],
        ]
        let result: JSONValue
        do {
            result = try await request("initialize", params: params)
        } catch {
            await shutdown(grace: .milliseconds(200))
            throw error
        }
        guard let offered = result["protocolVersion"]?.stringValue else {
            await shutdown(grace: .milliseconds(200))
            throw .invalidResult(server: config.name, method: "initialize", detail: "no protocolVersion")
        }
        guard MCPProtocolVersion.accept(offered) else {
            let error = MCPError.unsupportedProtocolVersion(server: config.name, offered: offered,
                                                            supported: MCPProtocolVersion.supported)
            await shutdown(grace: .milliseconds(200))
            throw error
        }
        protocolVersion = offered
        serverInfo = result["serverInfo"]
        connection.send(JSONRPCMessage.encodeNotification(method: "notifications/initialized", params: nil))
    }

    deinit {
        // A client dropped without shutdown() must not leave its server running.
        connection?.terminateNow()
    }

    /// Every tool the server offers (following `nextCursor` pages).
    public func listTools() async throws(MCPError) -> [MCPTool] {
        var tools: [MCPTool] = []
        var cursor: String?
        for _ in 0..<100 {  // bounded: a server that pages forever is not trusted
            let result = try await request("tools/list", params: cursor.map { ["cursor": .string($0)] })
            guard let entries = result["tools"]?.arrayValue else {
                throw .invalidResult(server: config.name, method: "tools/list", detail: "no tools array")
            }
            tools += entries.compactMap(MCPTool.init(json:))
            guard let next = result["nextCursor"]?.stringValue, !next.isEmpty else { return tools }
            cursor = next
        }
        return tools
    }

    /// Calls `name` with `arguments` (an object). A tool-level failure comes back as a result with
    /// `isError`; protocol failures, timeouts and cancellation throw.
    public func callTool(_ name: String, arguments: JSONValue = [:], timeout: Duration? = nil) async throws(MCPError) -> MCPToolResult {
        let result = try await request("tools/call", params: ["name": .string(name), "arguments": arguments], timeout: timeout)
        guard let parsed = MCPToolResult(json: result) else {
            throw .invalidResult(server: config.name, method: "tools/call", detail: "neither content nor structuredContent")
        }
        return parsed
    }

    /// True while the server process runs and the connection is healthy.
    public var isAlive: Bool { failure == nil && (connection?.isRunning ?? false) }

    /// The server's pid, while it is running.
    public var processID: Int32? { connection?.pid }

    /// The last lines the server wrote to stderr (all of them also go to `Log.debug`).
    public var recentStderr: [String] { connection?.recentStderr ?? [] }

    /// Closes stdin, waits up to `grace` for the server to exit, then SIGTERM, then SIGKILL.
    public func shutdown(grace: Duration = .seconds(2)) async {
        guard let connection else { return }
        fail(.notRunning(server: config.name), kill: false)
        self.connection = nil
        startup = nil
        protocolVersion = nil
        await connection.shutdown(grace: grace)
        reader?.cancel()
    }

    // MARK: - Requests

    private func request(_ method: String, params: JSONValue?, timeout: Duration? = nil) async throws(MCPError) -> JSONValue {
        if let failure { throw failure }
        // Nothing but initialize may go out before the handshake is done (the spec's lifecycle rule).
        guard let connection, protocolVersion != nil || method == "initialize" else { throw .notRunning(server: config.name) }
        let id = nextID
        nextID += 1
        let limit = timeout ?? config.timeout
        let result = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Result<JSONValue, MCPError>, Never>) in
                let timer = Task { [weak self] in
                    guard await TimeLimit.wait(limit) else { return }
                    await self?.abandon(id, because: .timeout(server: self?.config.name ?? "", method: method, after: limit))
                }
                pending[id] = Pending(method: method, continuation: continuation, timer: timer)
                connection.send(JSONRPCMessage.encodeRequest(id: id, method: method, params: params))
            }
        } onCancel: {
            Task { await self.abandon(id, because: .cancelled(server: self.config.name, method: method)) }
        }
        return try result.get()
    }

    /// Gives up on request `id`: tells the server (except for `initialize`, which the spec says must
    /// not be cancelled) and fails the caller.
    private func abandon(_ id: Int, because error: MCPError) {
        guard let entry = pending.removeValue(forKey: id) else { return }
        entry.timer.cancel()
        abandoned.insert(id)
        if entry.method != "initialize" {
            let reason: String = if case .timeout = error { "timed out" } else { "cancelled by the caller" }
            connection?.send(JSONRPCMessage.encodeNotification(
                method: "notifications/cancelled", params: ["requestId": .number(Double(id)), "reason": .string(reason)]))
        }
        entry.continuation.resume(returning: .failure(error))
    }

    // MARK: - Incoming

    private func handle(_ event: StdioConnection.Event) {
        switch event {
        case .message(let json):
            if let batch = json.arrayValue {  // 2025-03-26 allowed batches; accept them element-wise
                for item in batch { handleMessage(item) }
            } else {
                handleMessage(json)
            }
        case .malformed(let excerpt):
            fail(.malformedMessage(server: config.name, excerpt: excerpt))
        case .tooLong:
            fail(.messageTooLarge(server: config.name, limit: config.maxMessageBytes))
        case .closed(let status):
            let tail = connection?.recentStderr.suffix(5).joined(separator: " | ") ?? ""
            fail(.serverExited(server: config.name, status: status, stderrTail: tail))
        }
    }

    private func handleMessage(_ json: JSONValue) {
        guard let message = JSONRPCMessage(json: json) else {
            fail(.malformedMessage(server: config.name, excerpt: String(JSONWriter.compact(json).prefix(200))))
            return
        }
        switch message {
        case .response(let id, let result):
            guard let key = id.intValue, let entry = pending.removeValue(forKey: key) else {
                if let key = id.intValue, abandoned.remove(key) != nil { return }  // late answer to a timeout
                fail(.unexpectedResponseID(server: config.name, id: JSONWriter.compact(id)))
                return
            }
            entry.timer.cancel()
            entry.continuation.resume(returning: result.mapError {
                MCPError.serverError(server: config.name, method: entry.method, code: $0.code, message: $0.message)
            })
        case .request(let id, let method, _):
            // We declare no client capabilities, so only ping is ours to answer.
            let reply = method == "ping" ? JSONRPCMessage.encodeResult(id: id, result: [:])
                : JSONRPCMessage.encodeError(id: id, code: -32601, message: "tandem does not support \(method)")
            connection?.send(reply)
        case .notification(let method, let params):
            if method == "notifications/message" {
                Log.debug("mcp[\(config.name)]: \(params?["data"].map(JSONWriter.compact) ?? "")")
            }
        }
    }

    /// Marks the connection broken: every pending request fails with `error`, later ones too.
    private func fail(_ error: MCPError, kill: Bool = true) {
        if failure == nil { failure = error }
        let waiting = pending
        pending = [:]
        for (_, entry) in waiting {
            entry.timer.cancel()
            entry.continuation.resume(returning: .failure(error))
        }
        if kill && error.breaksConnection { connection?.terminateNow() }
    }
}
