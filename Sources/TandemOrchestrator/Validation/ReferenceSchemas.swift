import TandemCore

/// Answers "what JSON Schema does this reference's value have?" from the plan's input schemas
/// and the referenced tools' result schemas.
struct ReferenceSchemas {
    var plan = Plan(steps: [])
    var registry = WorkerRegistry()
    var index: [String: Int] = [:]
    var inputSchemas: [String: JSONValue] = [:]
    var brokenSteps: Set<Int> = []

    /// `mapItem`: nil outside a map step; `.some(nil)` inside one whose element schema is unknown.
    func lookup(_ reference: PlanReference, mapItem: JSONValue??) -> SchemaLookup {
        let root: JSONValue
        switch reference.source {
        case .input(let name): guard let s = inputSchemas[name] else { return .unknown }; root = s
        case .item: guard case .some(.some(let s)) = mapItem else { return .unknown }; root = s
        case .step(let id):
            guard let i = index[id], !brokenSteps.contains(i) else { return .unknown }
            let step = plan.steps[i]
            guard let tool = registry.tool(step.tool, kind: step.kind) else { return .unknown }
            if step.map != nil {  // a map step's result is the array of per-element results
                return ArgumentTypeChecker.lookup(reference.path, in: ["type": "array", "items": tool.resultSchema],
                                                  root: JSONSchemaChecker(schema: tool.resultSchema))
            }
            root = tool.resultSchema
        }
        return ArgumentTypeChecker.lookup(reference.path, in: root, root: JSONSchemaChecker(schema: root))
    }
}
