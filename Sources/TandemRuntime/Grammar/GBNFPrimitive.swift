/// The shared rules every schema grammar draws on, in llama.cpp's `json_schema_to_grammar` style.
///
/// Two deliberate differences from llama.cpp: `space` allows one optional blank only (small models
/// loop on unbounded whitespace), and exponents have at most two digits (no `1e999` = infinity).
enum GBNFPrimitive: Hashable {
    case space
    case char
    /// A JSON string; `limit` bounds its length (`SchemaGrammar.Options.maxStringLength`).
    case string(limit: Int?)
    case integralPart
    case decimalPart
    case number
    case integer
    case boolean
    case null
    case date
    case time
    case dateTime
    case dateString
    case timeString
    case dateTimeString
    case uuid

    /// Names no schema-derived rule may take, so references to primitives stay unambiguous.
    static let reservedNames: Set<String> = [
        "root", "space", "char", "string", "integral-part", "decimal-part", "number", "integer", "boolean",
        "null", "date", "time", "date-time", "date-string", "time-string", "date-time-string", "uuid",
    ]

    var name: String {
        switch self {
        case .space: "space"
        case .char: "char"
        case .string: "string"
        case .integralPart: "integral-part"
        case .decimalPart: "decimal-part"
        case .number: "number"
        case .integer: "integer"
        case .boolean: "boolean"
        case .null: "null"
        case .date: "date"
        case .time: "time"
        case .dateTime: "date-time"
        case .dateString: "date-string"
        case .timeString: "time-string"
        case .dateTimeString: "date-time-string"
        case .uuid: "uuid"
        }
    }

    var body: String {
        switch self {
        case .space: #"| " ""#
        // RFC 8259 string characters: no raw control characters (DEL excluded too, as llama.cpp does).
        case .char: #"[^"\\\x7F\x00-\x1F] | [\\] (["\\/bfnrt] | "u" [0-9a-fA-F]{4})"#
        case .string(let limit): Self.quotedCharacters("char", min: 0, max: limit)
        case .integralPart: "[0] | [1-9] [0-9]{0,15}"
        case .decimalPart: "[0-9]{1,16}"
        case .number: #""-"? integral-part ("." decimal-part)? ([eE] [-+]? [0-9]{1,2})?"#
        case .integer: #""-"? integral-part"#
        case .boolean: #""true" | "false""#
        case .null: #""null""#
        case .date: #"[0-9]{4} "-" ("0" [1-9] | "1" [0-2]) "-" ("0" [1-9] | [1-2] [0-9] | "3" [0-1])"#
        case .time:
            #"([01] [0-9] | "2" [0-3]) ":" [0-5] [0-9] ":" [0-5] [0-9] ("." [0-9]{3})? "#
                + #"("Z" | ("+" | "-") ([01] [0-9] | "2" [0-3]) ":" [0-5] [0-9])"#
        case .dateTime: #"date "T" time"#
        case .dateString: #""\"" date "\"""#
        case .timeString: #""\"" time "\"""#
        case .dateTimeString: #""\"" date-time "\"""#
        case .uuid:
            #""\"" [0-9a-fA-F]{8} "-" [0-9a-fA-F]{4} "-" [0-9a-fA-F]{4} "-" [0-9a-fA-F]{4} "-" [0-9a-fA-F]{12} "\"""#
        }
    }

    var dependencies: [GBNFPrimitive] {
        switch self {
        case .string(let limit): limit == 0 ? [] : [.char]
        case .number: [.integralPart, .decimalPart]
        case .integer: [.integralPart]
        case .dateTime: [.date, .time]
        case .dateString: [.date]
        case .timeString: [.time]
        case .dateTimeString: [.dateTime]
        default: []
        }
    }

    /// A JSON string of `min...max` `char`s (`max == nil`: unbounded), as a rule body.
    static func quotedCharacters(_ char: String, min: Int, max: Int?) -> String {
        let characters = GBNFRepetition.of(char, min: min, max: max)
        return characters.isEmpty ? #""\"" "\"""# : #""\"" \#(characters) "\"""#
    }

    /// The `"..."`-quoted string primitive for a format.
    static func string(for format: SchemaStringFormat) -> GBNFPrimitive {
        switch format {
        case .date: .dateString
        case .time: .timeString
        case .dateTime: .dateTimeString
        case .uuid: .uuid
        }
    }
}

/// Writes `item{m,n}` in the shortest form llama.cpp reads (`?`, `*`, `+`, `{m}`, `{m,}`).
enum GBNFRepetition {
    /// `item` repeated `min...max` times (`max == nil`: unbounded); "" when `max == 0`.
    static func of(_ item: String, min: Int, max: Int?) -> String {
        switch (min, max) {
        case (_, 0?): ""
        case (0, 1?): item + "?"
        case (0, nil): item + "*"
        case (1, nil): item + "+"
        case (_, nil): item + "{\(min),}"
        case let (_, max?) where max == min: min == 1 ? item : item + "{\(min)}"
        case let (_, max?): item + "{\(min),\(max)}"
        }
    }
}
