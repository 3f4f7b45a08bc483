import TandemCore
import TandemOrchestrator

/// `extract_entities`: emails, URLs, phones, dates, money, percentages, organisations and people
/// in a text; pattern matching is the fallback.
public struct EntitiesTool: LocalTool {
    /// Creates the tool.
    public init() {}

    static let resultSchema: JSONValue = [
        "type": "object", "required": ["entities"], "additionalProperties": false,
        "properties": ["entities": ["type": "array", "items": [
            "type": "object", "required": ["text", "type"], "additionalProperties": false,
            "properties": ["text": ["type": "string"], "type": ["type": "string", "enum": .array(EntityExtractor.types.map { .string($0) })]]]]],
    ]

    /// Name, description and schemas.
    public let descriptor = ToolDescriptor(
        kind: .localModel, name: "extract_entities",
        description: "Finds entities in a text: \(EntityExtractor.types.joined(separator: ", ")); `types` limits which.",
        argsSchema: ["type": "object", "required": ["text"], "additionalProperties": false,
                     "properties": ["text": ["type": "string"],
                                    "types": ["type": "array", "items": ["type": "string", "enum": .array(EntityExtractor.types.map { .string($0) })]]]],
        resultSchema: resultSchema)

    static let system = """
        You find named entities in a text and copy each exactly as written, with its type: \
        \(EntityExtractor.types.joined(separator: ", ")). Answer with one JSON object only.
        """

    /// Finds the entities.
    public func run(_ args: JSONValue, model: (any LocalModelClient)?) async throws -> StepOutput {
        let text = args["text"]?.stringValue ?? ""
        let types = args["types"]?.arrayValue?.compactMap(\.stringValue)
        let user = (types.map { "Types wanted: \($0.joined(separator: ", "))\n" } ?? "") + "Text:\n" + text
        let request = LocalJSONRequest(system: Self.system, user: user, schema: Self.resultSchema, maxTokens: 384)
        let call = try await ModelJSONCall.run(model, request) { value in
            // Entities must be quoted from the text, not invented.
            let invented = value["entities"]?.arrayValue?.compactMap { $0["text"]?.stringValue }.first { !text.contains($0) }
            return invented.map { "entity '\($0.prefix(40))' does not occur in the text" }
        }
        switch call.result {
        case .success(var value):
            if let types, let entities = value["entities"]?.arrayValue {
                value = ["entities": .array(entities.filter { types.contains($0["type"]?.stringValue ?? "") })]
            }
            return .local(value: value, model: model, call: call, fallback: nil, promptText: request.system + user)
        case .failure(let reason):
            let entities = EntityExtractor.extract(text, types: types).map { ["text": .string($0.text), "type": .string($0.type)] as JSONValue }
            return .local(value: ["entities": .array(entities)], model: model, call: call, fallback: reason, promptText: request.system + user)
        }
    }
}
