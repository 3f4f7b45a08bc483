/// Which JSON Schema keywords the grammar converter reads, ignores, or refuses.
enum SchemaKeywords {
    /// Keywords that describe a value without constraining it; they never change the grammar.
    static let annotations: Set<String> = [
        "title", "description", "$schema", "$comment", "examples", "default", "deprecated", "readOnly", "writeOnly",
    ]

    /// Keywords that only hold schemas for `$ref` to point at.
    static let definitionHolders: Set<String> = ["$defs", "definitions"]

    /// Keywords that choose the shape of the value rather than constrain one type.
    static let shapeKeywords: Set<String> = ["type", "enum", "const", "anyOf", "oneOf", "$ref"]

    /// Type-specific keywords and the types they apply to.
    static let applicableTypes: [String: Set<String>] = [
        "properties": ["object"], "required": ["object"], "additionalProperties": ["object"],
        "items": ["array"], "minItems": ["array"], "maxItems": ["array"],
        "minLength": ["string"], "maxLength": ["string"], "format": ["string"],
        "minimum": ["integer", "number"], "maximum": ["integer", "number"],
        "exclusiveMinimum": ["integer", "number"], "exclusiveMaximum": ["integer", "number"],
    ]

    /// The type names JSON Schema defines.
    static let typeNames: Set<String> = ["string", "number", "integer", "boolean", "null", "array", "object"]

    /// The most repetitions llama.cpp's grammar parser accepts in `{m,n}` (`MAX_REPETITION_THRESHOLD`);
    /// above it the parser refuses the grammar or silently drops the upper bound.
    static let maxRepetitions = 2000

    /// The largest integer magnitude a grammar writes: 16 digits, as llama.cpp's `integral-part`,
    /// so a model cannot loop on digits and every value still fits a Double exactly.
    static let maxMagnitude = 9_999_999_999_999_999

    /// The deepest schema nesting read; far beyond any useful output, well within the stack.
    static let maxNesting = 64

    /// True when `key` is one the converter knows (whether or not it changes the grammar).
    static func isKnown(_ key: String) -> Bool {
        annotations.contains(key) || definitionHolders.contains(key) || shapeKeywords.contains(key)
            || applicableTypes[key] != nil
    }

    /// True when `key` constrains the value (not an annotation and not a definitions holder).
    static func isConstraint(_ key: String) -> Bool {
        !annotations.contains(key) && !definitionHolders.contains(key)
    }
}
