import TandemCore
import TandemRuntime

/// `response_format`: `text` (no constraint), `json_object` (any JSON object) or `json_schema`
/// (the schema through Tandem's JSON Schema → GBNF converter; a schema it cannot express is a
/// 400 naming the keyword and where it is).
enum ResponseFormat {
    static func constraint(_ body: RequestBody) throws(APIError) -> GenerationRequest.Constraint? {
        guard let format = body.value("response_format") else { return nil }
        guard format.objectValue != nil, let type = format["type"]?.stringValue else {
            throw .invalid("response_format", "'response_format' must be an object with a 'type': text, json_object or json_schema")
        }
        switch type {
        case "text": return nil
        case "json_object": return .grammar(JSONObjectGrammar.gbnf)
        case "json_schema":
            guard let spec = format["json_schema"], spec.objectValue != nil else {
                throw .invalid("response_format.json_schema", "'response_format.json_schema' must be an object with a 'schema'")
            }
            guard let schema = spec["schema"], schema.objectValue != nil else {
                throw .invalid("response_format.json_schema.schema", "'response_format.json_schema.schema' must be a JSON Schema object")
            }
            do {
                return .grammar(try SchemaGrammar.gbnf(for: schema))
            } catch {
                throw .invalid("response_format.json_schema.schema", "the JSON Schema cannot be turned into a grammar: \(error)",
                               code: "unsupported_schema")
            }
        default:
            throw .invalid("response_format.type", "'response_format.type' is '\(type)'; use text, json_object or json_schema")
        }
    }
}

/// A GBNF grammar for any JSON object (`response_format: {"type": "json_object"}`): llama.cpp's
/// JSON grammar with the root held to an object and whitespace bounded, so a small model cannot
/// fill its budget with blanks.
enum JSONObjectGrammar {
    static let gbnf = #"""
        root   ::= object
        value  ::= object | array | string | number | ("true" | "false" | "null") ws
        object ::= "{" ws ( string ":" ws value ("," ws string ":" ws value)* )? "}" ws
        array  ::= "[" ws ( value ("," ws value)* )? "]" ws
        string ::= "\"" ( [^"\\\x7F\x00-\x1F] | "\\" (["\\bfnrt] | "u" [0-9a-fA-F]{4}) )* "\"" ws
        number ::= ("-"? ([0-9] | [1-9] [0-9]{0,15})) ("." [0-9]+)? ([eE] [-+]? [0-9] [1-9]{0,15})? ws
        ws     ::= | " " | "\n" [ \t]{0,20}
        """#
}
