/// What went wrong talking to an MCP server. Each description names the server and says what to do.
public enum MCPError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The config file is unreadable or malformed.
    case invalidConfig(path: String, detail: String)
    /// No server with that name is configured.
    case unknownServer(name: String, known: [String])
    /// The server's command could not be started.
    case spawnFailed(server: String, command: [String], detail: String)
    /// The server answered `initialize` with a protocol version this client does not speak.
    case unsupportedProtocolVersion(server: String, offered: String, supported: [String])
    /// The server exited (or closed stdout); `status` is its exit code or 128 + signal when known.
    case serverExited(server: String, status: Int32?, stderrTail: String)
    /// The server wrote a line that is not a JSON-RPC message.
    case malformedMessage(server: String, excerpt: String)
    /// The server answered a request id that was never sent (or was already answered).
    case unexpectedResponseID(server: String, id: String)
    /// The server sent one message longer than the configured cap.
    case messageTooLarge(server: String, limit: Int)
    /// A request got no answer in time; the client sent `notifications/cancelled`.
    case timeout(server: String, method: String, after: Duration)
    /// The calling task was cancelled; the client sent `notifications/cancelled`.
    case cancelled(server: String, method: String)
    /// The server answered with a JSON-RPC error.
    case serverError(server: String, method: String, code: Int, message: String)
    /// The server's result does not have the shape the method promises.
    case invalidResult(server: String, method: String, detail: String)
    /// The client was used before `start()` or after `shutdown()`.
    case notRunning(server: String)
    /// The server crashed again after its one restart; steps using it must take their fallback.
    case serverUnavailable(server: String, cause: String)

    /// What went wrong and what to do next.
    public var description: String {
        switch self {
        case .invalidConfig(let path, let detail):
            "MCP config \(path): \(detail)"
        case .unknownServer(let name, let known):
            "no MCP server named '\(name)' is configured" + (known.isEmpty ? "; add it under mcp_servers in the config"
                : " (configured: \(known.joined(separator: ", ")))")
        case .spawnFailed(let server, let command, let detail):
            "could not start MCP server '\(server)' (\(command.joined(separator: " "))): \(detail); check the command in the config"
        case .unsupportedProtocolVersion(let server, let offered, let supported):
            "MCP server '\(server)' speaks protocol \(offered), but tandem supports \(supported.joined(separator: ", ")); "
                + "upgrade the server or tandem"
        case .serverExited(let server, let status, let tail):
            "MCP server '\(server)' exited" + (status.map { " with status \($0)" } ?? "")
                + (tail.isEmpty ? "" : "; its stderr ended: \(tail)")
        case .malformedMessage(let server, let excerpt):
            "MCP server '\(server)' wrote something that is not a JSON-RPC message to stdout: \(excerpt); "
                + "a stdio server must log to stderr only. The server was stopped"
        case .unexpectedResponseID(let server, let id):
            "MCP server '\(server)' answered request id \(id), which tandem never sent or already had answered; "
                + "the server was stopped"
        case .messageTooLarge(let server, let limit):
            "MCP server '\(server)' sent a message over \(limit) bytes; raise max_message_bytes in its config "
                + "if that is expected. The server was stopped"
        case .timeout(let server, let method, let after):
            "MCP server '\(server)' did not answer \(method) within \(after); raise timeout_seconds in its config or check the server"
        case .cancelled(let server, let method):
            "\(method) on MCP server '\(server)' was cancelled"
        case .serverError(let server, let method, let code, let message):
            "MCP server '\(server)' rejected \(method): \(message) (JSON-RPC error \(code))"
        case .invalidResult(let server, let method, let detail):
            "MCP server '\(server)' answered \(method) with an invalid result: \(detail)"
        case .notRunning(let server):
            "MCP server '\(server)' is not running; start the client first"
        case .serverUnavailable(let server, let cause):
            "MCP server '\(server)' is unavailable after one restart (\(cause)); steps using it take their fallback"
        }
    }

    /// True for failures that leave the connection unusable (the hub restarts the server for these).
    public var breaksConnection: Bool {
        switch self {
        case .serverExited, .malformedMessage, .unexpectedResponseID, .messageTooLarge: true
        default: false
        }
    }
}
