import TandemCore

/// A JSON Schema reduced to what the grammar writer needs, after every check has passed.
///
/// Reading and writing are separate steps so that all errors (with their JSON pointers) come from
/// one place, and the writer can assume a consistent schema.
indirect enum SchemaGrammarNode: Equatable {
    /// Exactly one of these JSON values (from `enum` or `const`), written as compact JSON.
    case literals([JSONValue])
    /// A JSON string; `maxLength == nil && minLength == 0 && format == nil` is a free string.
    case string(minLength: Int, maxLength: Int?, format: SchemaStringFormat?)
    /// A JSON integer within inclusive bounds (`nil`: unbounded on that side).
    case integer(minimum: Int?, maximum: Int?)
    /// A JSON number; bounded numbers are written without an exponent.
    case number(lower: SchemaNumberBound?, upper: SchemaNumberBound?)
    case boolean
    case null
    /// A JSON array whose every element matches `items`.
    case array(items: SchemaGrammarNode, minItems: Int, maxItems: Int?)
    /// A JSON object with exactly the declared properties, in declaration order.
    case object([SchemaGrammarProperty])
    /// Any one of the alternatives (`anyOf`, `oneOf`, or a `type` array).
    case union([SchemaGrammarNode])
    /// The schema at this JSON pointer (from `$ref`), written once as its own rule.
    case reference(pointer: String)

    /// True for a string with no length or format constraint (the only kind `maxStringLength` bounds).
    var isFreeString: Bool {
        if case .string(0, nil, nil) = self { true } else { false }
    }
}

/// One declared property of an object schema.
struct SchemaGrammarProperty: Equatable {
    let name: String
    let node: SchemaGrammarNode
    let isRequired: Bool
}

/// A bound on a `number` schema; only whole-number bounds can be written as a grammar exactly.
struct SchemaNumberBound: Equatable {
    let value: Int
    let isExclusive: Bool
}

/// The string formats that have a grammar (llama.cpp's `json_schema_to_grammar` rules).
enum SchemaStringFormat: String, CaseIterable {
    case date
    case time
    case dateTime = "date-time"
    case uuid
}
