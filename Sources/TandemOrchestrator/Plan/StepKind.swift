/// What runs a plan step: the local model, a registered Swift function, sandboxed code, an MCP
/// server or a cloud model.
///
/// A string wrapper rather than an enum so that a plan naming an unknown kind still decodes and
/// the validator can report it with a JSON pointer instead of failing the whole parse.
public struct StepKind: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible,
    ExpressibleByStringLiteral
{
    /// The kind as spelled in plan JSON.
    public let rawValue: String

    /// Creates a kind from its JSON spelling.
    public init(rawValue: String) { self.rawValue = rawValue }
    /// Creates a kind from a string literal.
    public init(stringLiteral value: String) { self.rawValue = value }

    /// A prompt + JSON Schema on the local model (built-in local workers).
    public static let localModel = StepKind(rawValue: "local_model")
    /// A Swift function from the function registry.
    public static let function = StepKind(rawValue: "function")
    /// Code run in the sandbox.
    public static let code = StepKind(rawValue: "code")
    /// A tool of an MCP server.
    public static let mcp = StepKind(rawValue: "mcp")
    /// A cloud model call.
    public static let cloud = StepKind(rawValue: "cloud")

    /// Every kind the plan format defines, in documentation order.
    public static let known: [StepKind] = [.localModel, .function, .code, .mcp, .cloud]

    /// True when the plan format defines this kind (a worker may still be missing).
    public var isKnown: Bool { Self.known.contains(self) }

    /// The JSON spelling.
    public var description: String { rawValue }

    /// Decodes from a plain JSON string.
    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    /// Encodes as a plain JSON string.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
