/// Why a JSON Schema could not become a GBNF grammar.
///
/// Every `path` is an RFC 6901 JSON pointer into the schema ("" is the schema root), pointing at
/// the schema object that holds the offending keyword, so the message can say exactly where to edit.
public enum SchemaGrammarError: Error, CustomStringConvertible, Equatable, Sendable {
    /// A JSON Schema keyword the converter cannot express as a grammar (`pattern`, `allOf`, `not`, ...).
    case unsupportedKeyword(String, path: String)
    /// A supported keyword with a value the converter cannot express (e.g. `additionalProperties: true`).
    case unsupportedKeywordValue(String, path: String, supported: String)
    /// A keyword whose value has the wrong shape (e.g. a negative `minLength`).
    case invalidKeywordValue(String, path: String, expected: String)
    /// A `type` name JSON Schema does not define.
    case unknownType(String, path: String)
    /// A keyword that applies to none of the schema's types (e.g. `minLength` on an integer).
    case keywordNotApplicable(String, types: [String], path: String)
    /// Keywords that cannot be combined in one schema (e.g. `anyOf` beside `properties`).
    case conflictingKeywords([String], path: String)
    /// A schema that does not say what kind of value it wants (no `type`, `enum`, `const`, ...).
    case missingType(path: String)
    /// A keyword the schema's type needs (`items` for an array, `properties` for an object).
    case missingKeyword(String, path: String)
    /// A value where a schema (a JSON object) was expected, e.g. `"properties": {"a": "string"}`.
    case notASchema(path: String)
    /// `required` names a property that `properties` does not declare.
    case undeclaredRequiredProperty(String, path: String)
    /// `enum` lists no values.
    case emptyEnum(path: String)
    /// An `enum`/`const` value (compact JSON) that is not of the schema's declared type.
    case valueNotOfType(String, types: [String], path: String)
    /// No value can satisfy the schema (e.g. `minLength` above `maxLength`); `reason` says why.
    case unsatisfiable(String, path: String)
    /// A length or count bound above what llama.cpp's grammar engine can repeat.
    case limitTooLarge(String, value: Int, limit: Int, path: String)
    /// A string `format` the converter has no grammar for.
    case unsupportedFormat(String, path: String)
    /// A `$ref` that is not a local JSON pointer or points at nothing.
    case unresolvableReference(String, path: String)
    /// A `$ref` that refers back to a schema that contains it.
    case recursiveReference(String, path: String)
    /// Schemas nested deeper than `limit` levels (no useful output is that deep; it guards the stack).
    case nestingTooDeep(limit: Int, path: String)
    /// A `SchemaGrammar.Options` value out of range.
    case invalidOption(String, reason: String)

    /// What went wrong, where (JSON pointer), and what to change.
    public var description: String {
        switch self {
        case .unsupportedKeyword(let keyword, let path):
            "keyword \"\(keyword)\" \(Self.at(path)) is not supported by Tandem's grammar converter; "
                + "remove it and check that constraint on the parsed result instead"
        case .unsupportedKeywordValue(let keyword, let path, let supported):
            "\"\(keyword)\" \(Self.at(path)) has a value the grammar converter cannot express; "
                + "supported: \(supported)"
        case .invalidKeywordValue(let keyword, let path, let expected):
            "\"\(keyword)\" \(Self.at(path)) must be \(expected); fix the schema"
        case .unknownType(let name, let path):
            "unknown type \"\(name)\" \(Self.at(path)); use one of "
                + "string, number, integer, boolean, null, array, object"
        case .keywordNotApplicable(let keyword, let types, let path):
            "\"\(keyword)\" \(Self.at(path)) does not apply to type \(types.joined(separator: "/")); "
                + "remove it or change \"type\""
        case .conflictingKeywords(let keywords, let path):
            "\(keywords.map { "\"\($0)\"" }.joined(separator: " and ")) cannot be combined \(Self.at(path)); "
                + "keep one, or move the alternatives into \"anyOf\" branches that each say everything"
        case .missingType(let path):
            "the schema \(Self.at(path)) does not say what value it wants; add \"type\" "
                + "(or \"enum\", \"const\", \"anyOf\", \"$ref\")"
        case .missingKeyword(let keyword, let path):
            "the schema \(Self.at(path)) needs \"\(keyword)\": grammars only generate declared "
                + (keyword == "items" ? "array elements" : "object properties") + "; add it"
        case .notASchema(let path):
            "the value \(Self.at(path)) is not a schema; write a JSON object such as {\"type\": \"string\"}"
        case .undeclaredRequiredProperty(let name, let path):
            "\"required\" \(Self.at(path)) names \"\(name)\", which \"properties\" does not declare; "
                + "declare it or remove it from \"required\""
        case .emptyEnum(let path):
            "\"enum\" \(Self.at(path)) lists no values, so nothing could be generated; add at least one value"
        case .valueNotOfType(let value, let types, let path):
            "the value \(value) \(Self.at(path)) is not of type \(types.joined(separator: "/")); "
                + "fix the value or the \"type\""
        case .unsatisfiable(let reason, let path):
            "no value can satisfy the schema \(Self.at(path)): \(reason); relax the bounds"
        case .limitTooLarge(let keyword, let value, let limit, let path):
            "\"\(keyword)\" \(Self.at(path)) is \(value), above the \(limit) repetitions llama.cpp's "
                + "grammar engine supports; lower it to \(limit) or less"
        case .unsupportedFormat(let format, let path):
            "string format \"\(format)\" \(Self.at(path)) is not supported (supported: "
                + "date, time, date-time, uuid); remove \"format\" to accept any string"
        case .unresolvableReference(let ref, let path):
            "\"$ref\" \"\(ref)\" \(Self.at(path)) cannot be resolved; only local references such as "
                + "\"#/$defs/Name\" or \"#/definitions/Name\" to existing schemas are supported"
        case .recursiveReference(let ref, let path):
            "\"$ref\" \"\(ref)\" \(Self.at(path)) is recursive; grammars for structured output must be "
                + "finite, so unroll the recursion to a fixed depth"
        case .nestingTooDeep(let limit, let path):
            "the schema \(Self.at(path)) is nested more than \(limit) levels deep; flatten it"
        case .invalidOption(let name, let reason):
            "grammar option \(name) \(reason)"
        }
    }

    private static func at(_ path: String) -> String {
        path.isEmpty ? "at the schema root" : "at \(path)"
    }
}
