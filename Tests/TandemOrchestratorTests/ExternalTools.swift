import Foundation
import TandemCore
import TandemMCP
import TandemOrchestrator
import TandemTestSupport

/// The real programs the code and MCP worker tests use: bubblewrap, and the MCP venv that
/// `Tests/Fixtures/setup-tools.sh` creates (`make test` installs both, so CI never skips).
enum ExternalTools {
    /// True when `bwrap` is installed where `CodeRunner` looks for it.
    static let hasBubblewrap: Bool = {
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map { "\($0)/bwrap" }
        return (["/usr/bin/bwrap", "/usr/local/bin/bwrap"] + path).contains { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    /// The venv Python, found the way `Tests/TandemMCPTests/MCPTestSupport.swift` finds it.
    static var venvPython: String {
        let environment = ProcessInfo.processInfo.environment
        let cache = environment["TANDEM_CACHE"] ?? (FileManager.default.homeDirectoryForCurrentUser.path + "/.cache/tandem")
        return cache + "/venv-mcp/bin/python"
    }

    /// True when the venv with `mcp-server-time` exists.
    static var hasMCPVenv: Bool { FileManager.default.isExecutableFile(atPath: venvPython) }

    /// `python -m mcp_server_time` from the venv (offline; the time zone database comes with it).
    /// The timeout is far past any load (its start-up imports took over 20 s on a saturated 2-core
    /// machine); no test here is about it.
    static func timeServer() -> MCPServerConfig {
        MCPServerConfig(name: "time", command: [venvPython, "-m", "mcp_server_time"], timeout: .seconds(600))
    }

    /// The MCP tests' misbehaving fixture server in `mode` (see its docstring).
    static func fixtureServer(_ mode: String, name: String = "fixture", env: [String: String] = [:]) -> MCPServerConfig {
        let script = TestPaths.packageRoot.appendingPathComponent("Tests/TandemMCPTests/Fixtures/misbehaving_server.py").path
        return MCPServerConfig(name: name, command: [venvPython, "-u", script, mode], env: env, timeout: .seconds(600))
    }

    /// A path in the temp dir that does not exist yet.
    static func freshPath(_ label: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("tandem-\(label)-\(UUID().uuidString)").path
    }
}
