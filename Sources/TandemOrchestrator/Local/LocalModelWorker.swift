import TandemCore

/// Runs `local_model` steps: the built-in local tools, on the local model when there is one.
public struct LocalModelWorker: Worker {
    /// "local-model".
    public let name = "local-model"
    /// `.localModel`.
    public let kind = StepKind.localModel
    /// The model, nil when it is off (`--no-local-model`): every tool then answers by fallback.
    public let model: (any LocalModelClient)?
    private let byName: [String: any LocalTool]

    /// Creates a worker over `tools`.
    public init(model: (any LocalModelClient)?, tools: [any LocalTool]) {
        self.model = model
        byName = Dictionary(tools.map { ($0.descriptor.name, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// The tools' descriptors.
    public var tools: [ToolDescriptor] { byName.values.map(\.descriptor).sorted { $0.name < $1.name } }

    /// Checks the arguments against the tool's schema, then runs it.
    public func run(_ call: StepCall) async throws -> StepOutput {
        guard let tool = byName[call.tool] else {
            throw LocalToolArgumentError(tool: call.tool, message: "no local tool with this name; available: \(byName.keys.sorted().joined(separator: ", "))")
        }
        let problems = JSONSchemaChecker(schema: tool.descriptor.argsSchema).violations(of: call.args)
        guard problems.isEmpty else {
            throw LocalToolArgumentError(tool: call.tool, message: "invalid arguments: \(problems.map(\.description).joined(separator: "; "))")
        }
        return try await tool.run(call.args, model: model)
    }
}
