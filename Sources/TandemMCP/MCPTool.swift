import TandemCore

/// A tool a server offers, as `tools/list` describes it.
public struct MCPTool: Sendable, Equatable {
    /// The tool's name on its server.
    public let name: String
    /// What the tool does (may be empty).
    public let description: String
    /// JSON Schema of the arguments object; the planner uses it to write calls.
    public let inputSchema: JSONValue
    /// JSON Schema of `structuredContent`, when the server declares one.
    public let outputSchema: JSONValue?
    /// The server says calling the tool twice has the same effect as once (`annotations.idempotentHint`).
    public let isIdempotent: Bool
    /// The server says the tool changes nothing (`annotations.readOnlyHint`).
    public let isReadOnly: Bool

    /// Creates a tool description.
    public init(name: String, description: String, inputSchema: JSONValue, outputSchema: JSONValue? = nil,
                isIdempotent: Bool = false, isReadOnly: Bool = false) {
        self.name = name
        self.description = description
        self.inputSchema = inputSchema
        self.outputSchema = outputSchema
        self.isIdempotent = isIdempotent
        self.isReadOnly = isReadOnly
    }

    /// Safe to call again after a crash: the hub retries only such tools on the restarted server.
    public var isSafeToRetry: Bool { isIdempotent || isReadOnly }

    /// Reads one entry of a `tools/list` result; nil when it has no name or no object schema.
    public init?(json: JSONValue) {
        guard let name = json["name"]?.stringValue, !name.isEmpty,
              let schema = json["inputSchema"], schema.objectValue != nil else { return nil }
        self.init(name: name, description: json["description"]?.stringValue ?? "", inputSchema: schema,
                  outputSchema: json["outputSchema"],
                  isIdempotent: json["annotations"]?["idempotentHint"]?.boolValue ?? false,
                  isReadOnly: json["annotations"]?["readOnlyHint"]?.boolValue ?? false)
    }
}

/// A tool together with the server that offers it: one entry of the planner's function catalog.
public struct MCPCatalogEntry: Sendable, Equatable {
    /// The server's configured name.
    public let server: String
    /// The tool.
    public let tool: MCPTool
    /// `server.tool`, the name the planner sees.
    public var qualifiedName: String { "\(server).\(tool.name)" }
}
