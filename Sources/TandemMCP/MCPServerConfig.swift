import Foundation

/// One MCP server to spawn: a command speaking JSON-RPC over stdio.
public struct MCPServerConfig: Sendable, Equatable {
    /// The name steps and `tandem mcp call` use; also prefixes the server's stderr in the log.
    public var name: String
    /// argv; `command[0]` is looked up on `$PATH` when it has no slash.
    public var command: [String]
    /// Variables added to the server's environment. The server otherwise gets only a small safe set
    /// (PATH, HOME, USER, LOGNAME, SHELL, TERM, LANG, LC_ALL, TMPDIR), so API keys in tandem's
    /// environment do not leak into third-party servers.
    public var env: [String: String]
    /// How long one request (initialize, tools/list, tools/call) may take.
    public var timeout: Duration
    /// The longest line (one JSON-RPC message) accepted from the server; a longer one is an error
    /// and the server is restarted.
    public var maxMessageBytes: Int

    /// Creates a server configuration.
    public init(name: String, command: [String], env: [String: String] = [:], timeout: Duration = .seconds(30),
                maxMessageBytes: Int = 16 << 20) {
        self.name = name
        self.command = command
        self.env = env
        self.timeout = timeout
        self.maxMessageBytes = maxMessageBytes
    }

    /// Variables passed through from tandem's environment.
    static let inheritedVariables = ["PATH", "HOME", "USER", "LOGNAME", "SHELL", "TERM", "LANG", "LC_ALL", "TMPDIR"]

    /// The server's environment: the safe inherited set from `host` plus `env`.
    public func environment(from host: [String: String] = ProcessInfo.processInfo.environment) -> [String: String] {
        var result = host.filter { Self.inheritedVariables.contains($0.key) }
        result.merge(env) { _, configured in configured }
        return result
    }

    /// The executable for `command[0]`: as given when it contains a slash, else the first match on PATH.
    func resolvedExecutable(environment: [String: String]) -> String? {
        guard let program = command.first, !program.isEmpty else { return nil }
        if program.contains("/") { return FileManager.default.isExecutableFile(atPath: program) ? program : nil }
        let path = environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(program)" }
            .first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}
