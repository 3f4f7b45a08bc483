import Foundation
import TandemMCP

/// Servers the MCP tests talk to: the real `mcp-server-time` from the test venv, and the
/// misbehaving fixture server.
enum MCPTestSupport {
    /// The venv Python that `Tests/Fixtures/setup-tools.sh` creates; a missing venv fails the test.
    static func venvPython() throws -> String {
        let environment = ProcessInfo.processInfo.environment
        let cache = environment["TANDEM_CACHE"] ?? (FileManager.default.homeDirectoryForCurrentUser.path + "/.cache/tandem")
        let python = cache + "/venv-mcp/bin/python"
        guard FileManager.default.isExecutableFile(atPath: python) else {
            throw SetupError("\(python) is missing: run `make test` (Tests/Fixtures/setup-tools.sh creates the MCP venv)")
        }
        return python
    }

    /// No test's subject is a server's ordinary answer time, so requests wait far past any load
    /// (the time server's start-up imports took over 20 s on a saturated 2-core machine). The tests
    /// of a timeout pass their own, against the `silent` fixture, which never answers.
    static let patient: Duration = .seconds(600)

    /// `python -m mcp_server_time` from the venv (offline; the time zone database comes with it).
    static func timeServer(name: String = "time") throws -> MCPServerConfig {
        MCPServerConfig(name: name, command: [try venvPython(), "-m", "mcp_server_time"], timeout: patient)
    }

    /// The fixture server in `mode`.
    static func fixture(_ mode: String, _ argument: String? = nil, name: String = "fixture",
                        timeout: Duration = patient, maxMessageBytes: Int = 16 << 20) throws -> MCPServerConfig {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/misbehaving_server.py").path
        return MCPServerConfig(name: name, command: [try venvPython(), "-u", script, mode] + (argument.map { [$0] } ?? []),
                               timeout: timeout, maxMessageBytes: maxMessageBytes)
    }

    /// A started client for `config`.
    static func started(_ config: MCPServerConfig) async throws -> MCPClient {
        let client = MCPClient(config: config)
        try await client.start()
        return client
    }

    /// A path in the temp dir that does not exist yet (for the crash-once marker).
    static func freshMarker() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("tandem-mcp-marker-\(UUID().uuidString)").path
    }

    /// Polls `condition` until it holds or `limit` passes (generous: a clean run returns at once).
    static func eventually(within limit: Duration = .seconds(120), _ condition: () async -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if await condition() { return true }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return await condition()
    }
}

/// A missing prerequisite: the test fails with this message.
struct SetupError: Error, CustomStringConvertible {
    let description: String
    init(_ message: String) { description = message }
}
