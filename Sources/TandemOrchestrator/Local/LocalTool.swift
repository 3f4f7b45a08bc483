import TandemCore

/// A built-in tool on the local model with a deterministic keyword/regex fallback, used when the
/// model is off, fails, or returns output that is not valid.
public protocol LocalTool: Sendable {
    /// Name, description and schemas.
    var descriptor: ToolDescriptor { get }
    /// Runs the tool on `model`, or on the fallback alone when `model` is nil. Throws only for
    /// bad arguments and cancellation: model problems end in the fallback, recorded in the output.
    func run(_ args: JSONValue, model: (any LocalModelClient)?) async throws -> StepOutput
}

/// A bad argument for a local tool (the plan's fault, so no fallback).
public struct LocalToolArgumentError: Error, Sendable, CustomStringConvertible {
    /// The tool.
    public let tool: String
    /// What is wrong.
    public let message: String
    /// `tool: message`.
    public var description: String { "\(tool): \(message)" }

    /// An error naming the tool and what is wrong with its arguments.
    public init(tool: String, message: String) {
        self.tool = tool
        self.message = message
    }
}
