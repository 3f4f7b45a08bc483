import TandemCore

/// GBNF grammars for structured output: JSON Schema → grammar for JSON mode, labels → grammar for
/// choice mode. The text goes to llama.cpp's grammar sampler with root rule `root`.
///
/// Supported JSON Schema: `type` (a name or an array of names), `properties` (written in the
/// schema's key order; `required` ones always, others optionally), `additionalProperties: false`
/// (the default here: only declared properties), `items`, `minItems`, `maxItems`, `minLength`,
/// `maxLength`, `format` (date, time, date-time, uuid), `minimum`/`maximum`/`exclusiveMinimum`/
/// `exclusiveMaximum` (any bound on integers, whole-number bounds on numbers), `enum`, `const`,
/// `anyOf`, `oneOf` (as "any of"), local non-recursive `$ref` (`#/$defs/...`, `#/definitions/...`).
/// Annotations (`title`, `description`, `examples`, `default`, ...) are ignored. Anything else
/// throws `SchemaGrammarError` naming the keyword and its JSON pointer rather than being skipped.
///
/// Output is compact JSON with at most one blank where JSON allows whitespace, integers of at most
/// 16 digits, and enum/const values exactly as compact JSON writes them.
public struct SchemaGrammar: Sendable {
    /// Choices that shape a schema grammar beyond what the schema says.
    public struct Options: Sendable, Equatable {
        /// The most characters a string without `maxLength`, `enum` or `format` may have; nil: no
        /// bound. Tiny models can loop forever inside a string; a bound makes the grammar close it.
        /// At most 2000 (llama.cpp's repetition limit).
        public var maxStringLength: Int?

        /// Options with every bound off by default.
        public init(maxStringLength: Int? = nil) {
            self.maxStringLength = maxStringLength
        }
    }

    /// A GBNF grammar (root rule `root`) whose sentences are the JSON documents `schema` accepts,
    /// within the supported subset described on `SchemaGrammar`.
    public static func gbnf(
        for schema: JSONValue, options: Options = Options()
    ) throws(SchemaGrammarError) -> String {
        if let limit = options.maxStringLength, !(0...SchemaKeywords.maxRepetitions).contains(limit) {
            throw .invalidOption("maxStringLength", reason: "is \(limit); use 0...\(SchemaKeywords.maxRepetitions) or nil")
        }
        var reader = SchemaGrammarReader(root: schema)
        let root = try reader.readRoot()
        var writer = SchemaGrammarWriter(definitions: reader.definitions, maxStringLength: options.maxStringLength)
        return writer.grammar(root: root)
    }

    /// A GBNF grammar matching exactly one of `labels` as plain text (no quotes, no JSON), for
    /// choice mode. Labels are written as escaped GBNF literals, so any text is safe; duplicates are
    /// dropped. An empty list gives a grammar that accepts only the empty string, so generation ends
    /// at once and the caller sees an answer that is not a label.
    public static func choiceGrammar(labels: [String]) -> String {
        var unique: [String] = []
        for label in labels where !unique.contains(label) { unique.append(label) }
        let alternatives = unique.isEmpty ? [#""""#] : unique.map(GBNFLiteral.quoted)
        return "root ::= " + alternatives.joined(separator: " | ") + "\n"
    }
}
