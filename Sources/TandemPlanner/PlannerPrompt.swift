import TandemCore
import TandemOrchestrator

/// The planner's system prompt and response schema, built from the worker catalog.
///
/// The schema is `docs/plan.schema.json` relaxed for structured-output modes (no `$ref`, no
/// patterns, every object closed) and narrowed to this catalog: `kind` and `tool` are enums, so
/// even a small model cannot name a tool that does not exist. The validator checks the rest.
public struct PlannerPrompt: Sendable {
    /// The catalog the plans may use.
    public let registry: WorkerRegistry

    /// A prompt builder over `registry`.
    public init(registry: WorkerRegistry) { self.registry = registry }

    /// Plan format, the tools (name, kind, description, argument names), and one example.
    public var system: String {
        let tools = registry.catalog.map { tool -> String in
            let properties = tool.argsSchema["properties"]?.objectValue?.map(\.0) ?? []
            let required = Set(tool.argsSchema["required"]?.arrayValue?.compactMap(\.stringValue) ?? [])
            let args = properties.map { required.contains($0) ? $0 : $0 + "?" }.joined(separator: ", ")
            return "- \(tool.name) (kind \(tool.kind.rawValue); args: \(args)): \(tool.description)"
        }.joined(separator: "\n")
        return """
            You write Tandem plans: JSON workflows that run tools over one input record.
            A plan is {"version": 1, "inputs": {NAME: {"type": "string"}}, "steps": [...], "output": {...}}.
            Each step is {"id": "short_name", "kind": KIND, "tool": TOOL, "args": {...}}. Arguments may reference
            {{input:NAME}}, {{step:ID}} or {{step:ID.field}}; a reference that is the whole string keeps its JSON type.
            The input record's text is the input "text". Use only these tools and their argument names:
            \(tools)
            Example: {"version": 1, "inputs": {"text": {"type": "string"}}, "steps": [{"id": "items", "kind": "local_model", "tool": "parse_line_items", "args": {"text": "{{input:text}}"}}, {"id": "sum", "kind": "function", "tool": "sum_amounts", "args": {"amounts": "{{step:items.items}}"}}], "output": {"items": "{{step:items.items}}", "total": "{{step:sum.total}}"}}
            Answer with the plan JSON only.
            """
    }

    /// The first request's user message.
    public func request(_ text: String) -> String { "Request: \(text)\nWrite the plan." }

    /// A repair request: the previous plan and the validator's errors (`PlanValidationError.json`).
    public func repair(_ text: String, previous: JSONValue, errors: JSONValue) -> String {
        """
        Request: \(text)
        Your previous plan was:
        \(JSONWriter.compact(previous))
        The validator rejected it:
        \(JSONWriter.compact(errors))
        Write a corrected plan that fixes every error.
        """
    }

    /// The response schema (see the type's note).
    public var schema: JSONValue {
        let kinds = registry.kinds.map { JSONValue.string($0.rawValue) }
        let tools = registry.catalog.map { JSONValue.string($0.name) }
        let step: JSONValue = [
            "type": "object", "additionalProperties": false, "required": ["id", "kind", "tool", "args"],
            "properties": ["id": ["type": "string"], "kind": ["type": "string", "enum": .array(kinds)],
                           "tool": ["type": "string", "enum": .array(tools)], "args": ["type": "object"]],
        ]
        return [
            "type": "object", "additionalProperties": false, "required": ["version", "inputs", "steps", "output"],
            "properties": [
                "version": ["type": "integer", "enum": [1]],
                "inputs": ["type": "object", "additionalProperties": false, "required": ["text"],
                           "properties": ["text": ["type": "object", "additionalProperties": false, "required": ["type"],
                                                   "properties": ["type": ["type": "string", "enum": ["string"]]]]]],
                "steps": ["type": "array", "minItems": 1, "maxItems": 8, "items": step],
                "output": ["type": "object"],
            ],
        ]
    }
}
