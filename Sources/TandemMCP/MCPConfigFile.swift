import Foundation
import TandemCore

/// Reads MCP servers from a JSON config file:
///
///     {"mcp_servers": {"time": {"command": ["python3", "-m", "mcp_server_time"],
///                               "env": {"TZ": "UTC"}, "timeout_seconds": 30}}}
///
/// Other top-level keys are ignored (the file may be tandem's main config); unknown keys inside a
/// server entry are errors, so a misspelt option never passes silently. `command` may also be one
/// program with its arguments in `args` (`{"command": "python3", "args": ["-m", "mcp_server_time"]}`),
/// the spelling tandem.yaml's `mcp_servers` documents.
public enum MCPConfigFile {
    /// The keys a server entry may have.
    static let serverKeys: Set<String> = ["command", "args", "env", "timeout_seconds", "max_message_bytes"]

    /// Parses the file at `path`.
    public static func load(path: String) throws(MCPError) -> [MCPServerConfig] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .invalidConfig(path: path, detail: "cannot read the file; create it or pass --config FILE")
        }
        return try parse(String(decoding: data, as: UTF8.self), path: path)
    }

    /// Parses config text; `path` only names the source in errors.
    public static func parse(_ text: String, path: String = "<config>") throws(MCPError) -> [MCPServerConfig] {
        let root: JSONValue
        do { root = try JSONParser.parse(text) } catch {
            throw .invalidConfig(path: path, detail: "not JSON: \(error)")
        }
        guard let value = root["mcp_servers"] else { return [] }
        return try Self.servers(from: value, path: path)
    }

    /// Reads the value of an `mcp_servers` key (an object of name → server), e.g. from tandem.yaml;
    /// `path` only names the source in errors.
    public static func servers(from servers: JSONValue, path: String) throws(MCPError) -> [MCPServerConfig] {
        guard let entries = servers.objectValue else {
            throw .invalidConfig(path: path, detail: "mcp_servers must be an object of name → server")
        }
        var configs: [MCPServerConfig] = []
        for (name, entry) in entries {
            let at = "mcp_servers.\(name)"
            guard let fields = entry.objectValue else { throw .invalidConfig(path: path, detail: "\(at) must be an object") }
            if let unknown = fields.map(\.0).first(where: { !serverKeys.contains($0) }) {
                throw .invalidConfig(path: path, detail: "\(at) has unknown key '\(unknown)' (known: \(serverKeys.sorted().joined(separator: ", ")))")
            }
            // `command` is an argv array, or one program whose arguments are in `args`.
            let program = entry["command"]?.stringValue.map { [JSONValue.string($0)] } ?? entry["command"]?.arrayValue ?? []
            let words = program + (entry["args"]?.arrayValue ?? [])
            let command = words.compactMap(\.stringValue)
            guard !program.isEmpty, command.count == words.count, !command[0].isEmpty,
                  entry["args"].map({ $0.arrayValue != nil }) ?? true
            else {
                throw .invalidConfig(path: path, detail: "\(at).command must be a non-empty array of strings, e.g. [\"python3\", \"-m\", \"mcp_server_time\"], "
                    + "or a program with its arguments in args (an array of strings)")
            }
            var config = MCPServerConfig(name: name, command: command)
            if let env = entry["env"] {
                guard let pairs = env.objectValue, pairs.allSatisfy({ $0.1.stringValue != nil }) else {
                    throw .invalidConfig(path: path, detail: "\(at).env must map names to strings")
                }
                config.env = Dictionary(pairs.map { ($0.0, $0.1.stringValue ?? "") }, uniquingKeysWith: { _, last in last })
            }
            if let timeout = entry["timeout_seconds"] {
                guard let seconds = timeout.doubleValue, seconds > 0 else {
                    throw .invalidConfig(path: path, detail: "\(at).timeout_seconds must be a positive number")
                }
                config.timeout = .milliseconds(Int64(seconds * 1000))
            }
            if let size = entry["max_message_bytes"] {
                guard let bytes = size.intValue, bytes >= 1024 else {
                    throw .invalidConfig(path: path, detail: "\(at).max_message_bytes must be an integer ≥ 1024")
                }
                config.maxMessageBytes = bytes
            }
            configs.append(config)
        }
        return configs
    }
}
