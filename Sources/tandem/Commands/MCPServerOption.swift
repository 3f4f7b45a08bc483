import Foundation
import TandemConfig
import TandemCore
import TandemMCP

/// Where `tandem run`, `tandem plan` and `tandem ask` find the MCP servers whose tools plans may use.
///
/// `--mcp-config FILE` names one file: JSON (`{"mcp_servers": {...}}`, the file `tandem mcp`
/// reads) or tandem.yaml (its `mcp_servers`). Without it: tandem.yaml in the working directory
/// when it configures servers, else `tandem mcp`'s default file ($TANDEM_CONFIG, else
/// ~/.config/tandem/config.json) when it exists, else none.
enum MCPServerOption {
    /// The configured servers and the file they came from (nil: none configured).
    static func resolve(_ path: String?) throws -> (servers: [MCPServerConfig], source: String?) {
        if let path {
            guard FileManager.default.fileExists(atPath: path) else {
                throw UsageError("--mcp-config \(path) does not exist")
            }
            return (try servers(in: path), path)
        }
        for candidate in [ConfigFileOption.defaultPath, defaultJSONPath] where FileManager.default.fileExists(atPath: candidate) {
            let found = try servers(in: candidate)
            if !found.isEmpty { return (found, candidate) }
        }
        return ([], nil)
    }

    /// The servers `path` configures: a `.json` file as `tandem mcp` reads it, anything else as tandem.yaml.
    static func servers(in path: String) throws -> [MCPServerConfig] {
        if path.hasSuffix(".json") { return try MCPConfigFile.load(path: path) }
        return try servers(of: try TandemConfiguration.load(path: path), source: path)
    }

    /// The servers of an already loaded tandem.yaml.
    static func servers(of config: TandemConfiguration, source: String) throws -> [MCPServerConfig] {
        guard let value = config.mcpServers else { return [] }
        return try MCPConfigFile.servers(from: value, path: source)
    }

    /// `tandem mcp`'s config file: $TANDEM_CONFIG, else ~/.config/tandem/config.json.
    static var defaultJSONPath: String {
        let environment = ProcessInfo.processInfo.environment
        if let path = environment["TANDEM_CONFIG"], !path.isEmpty { return path }
        let base = environment["XDG_CONFIG_HOME"] ?? (FileManager.default.homeDirectoryForCurrentUser.path + "/.config")
        return base + "/tandem/config.json"
    }

    /// True when plan text has a step or fallback of kind `mcp`: only such plans start servers
    /// (a plan that does not parse is left to the validator, which reports it properly).
    static func planUsesMCP(_ text: String) -> Bool {
        guard let steps = (try? JSONParser.parse(text))?["steps"]?.arrayValue else { return false }
        return steps.contains { $0["kind"] == "mcp" || $0["fallback"]?["kind"] == "mcp" }
    }
}
