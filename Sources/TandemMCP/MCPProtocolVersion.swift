/// MCP protocol revisions this client speaks, and the negotiation rule.
public enum MCPProtocolVersion {
    /// Newest first. The client asks for the first; a server may answer with any of these.
    public static let supported = ["2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"]

    /// The version the client requests in `initialize` (the spec: the latest it supports).
    public static var requested: String { supported[0] }

    /// Accepts the server's answer when it is one of ours; otherwise the caller must disconnect.
    static func accept(_ offered: String) -> Bool { supported.contains(offered) }
}
