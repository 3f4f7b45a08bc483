import TandemCore

/// A versioned, declarative workflow: named inputs, steps that call tools, and an output template.
///
/// Steps refer to inputs and to each other's results with `{{input:NAME}}`, `{{step:ID}}` and
/// `{{step:ID.path.to[0].field}}` inside their arguments; a reference that is the whole string
/// keeps its JSON type. Dependencies come from those references plus `after`. The JSON form is
/// described by `docs/plan.schema.json`.
public struct Plan: Sendable, Equatable {
    /// The plan format version this build reads and writes.
    public static let formatVersion = 1

    /// The format version the plan was written for.
    public var version: Int
    /// Named inputs, each with a JSON Schema for its value.
    public var inputs: [PlanInput]
    /// The steps, in the order they were written (execution order comes from dependencies).
    public var steps: [PlanStep]
    /// A JSON template with references, resolved after the run; `null` returns every result.
    public var output: JSONValue

    /// Creates a plan.
    public init(version: Int = Plan.formatVersion, inputs: [PlanInput] = [], steps: [PlanStep],
                output: JSONValue = .null) {
        self.version = version
        self.inputs = inputs
        self.steps = steps
        self.output = output
    }
}

/// One named plan input.
public struct PlanInput: Sendable, Equatable {
    /// The name used in `{{input:NAME}}`.
    public var name: String
    /// A JSON Schema for the value (`{}` accepts anything).
    public var schema: JSONValue

    /// Creates an input declaration.
    public init(name: String, schema: JSONValue = [:]) {
        self.name = name
        self.schema = schema
    }
}

/// One step: a tool of some kind, called with arguments that may reference other results.
public struct PlanStep: Sendable, Equatable {
    /// Unique within the plan; letters, digits, `_` and `-` (a `.` would end the id in a reference).
    public var id: String
    /// Which kind of worker runs the tool.
    public var kind: StepKind
    /// The tool's name in that worker's catalog.
    public var tool: String
    /// Arguments (a JSON object); strings may hold references.
    public var args: JSONValue
    /// Steps that must finish first even though no argument references them.
    public var after: [String]
    /// What to run when the tool still fails after its retries.
    public var fallback: StepFallback?
    /// Per-attempt time limit in milliseconds (the executor's default when nil).
    public var timeoutMs: Int?
    /// Extra attempts after a failure (the executor's default when nil).
    public var retries: Int?
    /// A reference to an array: the tool runs once per element, `{{item}}` naming the element.
    public var map: String?

    /// Creates a step.
    public init(id: String, kind: StepKind, tool: String, args: JSONValue = [:], after: [String] = [],
                fallback: StepFallback? = nil, timeoutMs: Int? = nil, retries: Int? = nil, map: String? = nil) {
        self.id = id
        self.kind = kind
        self.tool = tool
        self.args = args
        self.after = after
        self.fallback = fallback
        self.timeoutMs = timeoutMs
        self.retries = retries
        self.map = map
    }
}

/// Another tool to try when a step fails (its own keyword/heuristic fallback is built into the
/// local workers; this is for switching tools).
public struct StepFallback: Sendable, Equatable {
    /// The fallback tool's kind; the step's own kind when nil.
    public var kind: StepKind?
    /// The fallback tool.
    public var tool: String
    /// Arguments for the fallback; the step's arguments when nil.
    public var args: JSONValue?

    /// Creates a fallback.
    public init(kind: StepKind? = nil, tool: String, args: JSONValue? = nil) {
        self.kind = kind
        self.tool = tool
        self.args = args
    }
}
