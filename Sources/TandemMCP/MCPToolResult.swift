import TandemCore

/// The outcome of `tools/call`.
public struct MCPToolResult: Sendable, Equatable {
    /// The typed result, when the server sent `structuredContent`.
    public let structuredContent: JSONValue?
    /// The text of every `text` content block, in order.
    public let text: [String]
    /// The tool itself failed (a tool-level error, reported as content, not as a JSON-RPC error).
    public let isError: Bool

    /// Creates a result.
    public init(structuredContent: JSONValue?, text: [String], isError: Bool) {
        self.structuredContent = structuredContent
        self.text = text
        self.isError = isError
    }

    /// Reads a `tools/call` result; nil when `content` is missing and there is no `structuredContent`.
    public init?(json: JSONValue) {
        let structured = json["structuredContent"].flatMap { $0.isNull ? nil : $0 }
        guard let blocks = json["content"]?.arrayValue ?? (structured != nil ? [] : nil) else { return nil }
        self.init(structuredContent: structured,
                  text: blocks.compactMap { $0["type"]?.stringValue == "text" ? $0["text"]?.stringValue : nil },
                  isError: json["isError"]?.boolValue ?? false)
    }

    /// The value a plan step receives: `structuredContent`, else the text parsed as JSON when it is
    /// JSON, else the text as a string.
    public var value: JSONValue {
        if let structuredContent { return structuredContent }
        let joined = text.joined(separator: "\n")
        return (try? JSONParser.parse(joined)) ?? .string(joined)
    }
}
