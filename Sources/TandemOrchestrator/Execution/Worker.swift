import TandemCore

/// A tool as the planner and validator see it: name, purpose and JSON Schemas.
public struct ToolDescriptor: Sendable, Equatable {
    /// The kind of worker that runs it.
    public var kind: StepKind
    /// Unique within its kind.
    public var name: String
    /// One or two sentences for the planner prompt.
    public var description: String
    /// JSON Schema of the arguments object.
    public var argsSchema: JSONValue
    /// JSON Schema of the result (lets the validator check `{{step:ID.field}}` paths and types).
    public var resultSchema: JSONValue

    /// Creates a descriptor.
    public init(kind: StepKind, name: String, description: String, argsSchema: JSONValue, resultSchema: JSONValue = [:]) {
        self.kind = kind
        self.name = name
        self.description = description
        self.argsSchema = argsSchema
        self.resultSchema = resultSchema
    }

    /// `{"kind", "name", "description", "args", "result"}` for catalogs.
    public var json: JSONValue {
        ["kind": .string(kind.rawValue), "name": .string(name), "description": .string(description),
         "args": argsSchema, "result": resultSchema]
    }
}

/// One invocation of a tool.
public struct StepCall: Sendable {
    /// The plan step (for map steps, the same id for every element).
    public var stepID: String
    /// The tool to run.
    public var tool: String
    /// Resolved arguments.
    public var args: JSONValue
    /// 1 for the first try, 2 for the first retry, ...
    public var attempt: Int
    /// The element index when the step maps over an array.
    public var itemIndex: Int?

    /// Creates a call.
    public init(stepID: String, tool: String, args: JSONValue, attempt: Int = 1, itemIndex: Int? = nil) {
        self.stepID = stepID
        self.tool = tool
        self.args = args
        self.attempt = attempt
        self.itemIndex = itemIndex
    }
}

/// What a worker returns: the JSON result plus what the trace needs to know.
public struct StepOutput: Sendable {
    /// The tool's result.
    public var value: JSONValue
    /// The model that produced it, when one did.
    public var model: String?
    /// Tokens measured on model calls.
    public var usage: TokenUsage
    /// Tokens the model calls would have used, estimated when the model was off (for the cost table).
    public var estimatedUsage: TokenUsage
    /// Model calls made.
    public var modelCalls: Int
    /// Model calls whose prompt prefix came from the prompt cache.
    public var cacheHits: Int
    /// Units of work (1, or the number of items a tool handled).
    public var units: Int
    /// Units answered by the keyword/heuristic fallback instead of the model.
    public var fallbackUnits: Int
    /// Why a fallback answered (e.g. "keyword: model off"), nil when none did.
    public var fallback: String?
    /// Which method decided each part of the answer (a receipt field: "rules", "memory",
    /// "model choice"...), counted per part in the pipeline summary; empty when not told.
    public var decisions: [String: String] = [:]
    /// The same for a tool that decides many items in one call (`categorize_items`): per part,
    /// how many items each method decided.
    public var decisionCounts: [String: [String: Int]] = [:]
    /// Something the user should know about this call (a receipt cut to fit the prompt).
    public var note: String?

    /// Creates an output.
    public init(value: JSONValue, model: String? = nil, usage: TokenUsage = .zero, estimatedUsage: TokenUsage = .zero,
                modelCalls: Int = 0, cacheHits: Int = 0, units: Int = 1, fallbackUnits: Int = 0, fallback: String? = nil) {
        self.value = value
        self.model = model
        self.usage = usage
        self.estimatedUsage = estimatedUsage
        self.modelCalls = modelCalls
        self.cacheHits = cacheHits
        self.units = units
        self.fallbackUnits = fallbackUnits
        self.fallback = fallback
    }
}

/// Runs the tools of one step kind. Every kind goes through this one entry point, so the
/// executor treats local models, functions, sandboxed code, MCP servers and cloud calls alike.
public protocol Worker: Sendable {
    /// A short name for traces (e.g. "local-model", "functions").
    var name: String { get }
    /// The step kind this worker serves.
    var kind: StepKind { get }
    /// The tools it offers.
    var tools: [ToolDescriptor] { get }
    /// Runs one call. Throwing marks the attempt failed (the executor retries / falls back);
    /// honour task cancellation where the work allows.
    func run(_ call: StepCall) async throws -> StepOutput
}
