import TandemCore

/// The workers available to a run, one per step kind, and the tool catalog they add up to.
///
/// The validator reads the catalog (known kinds and tools, argument and result schemas); the
/// executor asks it for the worker of each step's kind.
public struct WorkerRegistry: Sendable {
    private var workers: [StepKind: any Worker] = [:]
    private var tools: [StepKind: [String: ToolDescriptor]] = [:]

    /// An empty registry.
    public init() {}

    /// Adds `worker`, replacing an earlier worker of the same kind. Its tool list is read now.
    public mutating func register(_ worker: any Worker) {
        workers[worker.kind] = worker
        var byName: [String: ToolDescriptor] = [:]
        for tool in worker.tools { byName[tool.name] = tool }
        tools[worker.kind] = byName
    }

    /// The worker for `kind`, nil when none is registered.
    public func worker(for kind: StepKind) -> (any Worker)? { workers[kind] }

    /// The tool `name` of `kind`, nil when unknown.
    public func tool(_ name: String, kind: StepKind) -> ToolDescriptor? { tools[kind]?[name] }

    /// The tool names of `kind`, sorted.
    public func toolNames(kind: StepKind) -> [String] { (tools[kind] ?? [:]).keys.sorted() }

    /// Kinds with a registered worker, in the plan format's order.
    public var kinds: [StepKind] {
        StepKind.known.filter { workers[$0] != nil } + workers.keys.filter { !$0.isKnown }.sorted { $0.rawValue < $1.rawValue }
    }

    /// Every tool, by kind then name.
    public var catalog: [ToolDescriptor] {
        kinds.flatMap { kind in (tools[kind] ?? [:]).values.sorted { $0.name < $1.name } }
    }

    /// `{"kinds": [...], "tools": [...]}`, the catalog the planner prompt is built from.
    public var catalogJSON: JSONValue {
        ["kinds": .array(kinds.map { .string($0.rawValue) }), "tools": .array(catalog.map(\.json))]
    }
}
