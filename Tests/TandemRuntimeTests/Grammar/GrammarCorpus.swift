import TandemCore

/// Schemas with documents their grammar must accept (`valid`) and must reject (`invalid`).
///
/// Self-contained (TandemCore only; the cases continue in `GrammarCorpus+Structures.swift` and
/// `GrammarCorpus+Scalars.swift`) so the same cases can be fed through llama.cpp's real grammar
/// sampler. `invalid` holds documents that break the schema and also JSON the grammar deliberately
/// does not produce: whitespace beyond one blank, newlines, exponents on bounded numbers, "-0".
enum GrammarCorpus {
    static let cases: [(name: String, schema: JSONValue, valid: [String], invalid: [String])] =
        receiptCases + structureCases + scalarCases

    /// Parses a schema written as JSON text; a typo yields a non-schema that fails the test loudly.
    static func schema(_ json: String) -> JSONValue {
        (try? JSONParser.parse(json)) ?? .string("corpus schema is not valid JSON: \(json)")
    }

    static let receiptCases: [(name: String, schema: JSONValue, valid: [String], invalid: [String])] = [
        (
            "receipt-fields",
            schema(#"""
                {"type": "object", "title": "Receipt", "additionalProperties": false,
                 "properties": {"company": {"type": "string", "description": "seller"}, "date": {"type": "string"},
                                "address": {"type": "string"}, "total": {"type": "string"}},
                 "required": ["company", "date", "address", "total"]}
                """#),
            [
                #"{"company":"ABC HO TRADING","date":"09/01/2019","address":"NO.2&4, JALAN HARMONI 3/2","total":"31.00"}"#,
                #"{ "company": "X", "date": "", "address": "a", "total": "1" }"#,
                #"{"company":"A \"B\" \\ C\u00e9 \/","date":"d","address":"Caf\u00E9 Ünïcödé 日本","total":"€ 9"}"#,
            ],
            [
                #"{"company":"X","date":"d","address":"a"}"#,  // total missing
                #"{"company" : "X","date":"d","address":"a","total":"1"}"#,  // a blank before a colon (see SchemaGrammarWriter)
                #"{"date":"d","company":"X","address":"a","total":"1"}"#,  // schema order
                #"{"company":"X","date":"d","address":"a","total":"1","note":"n"}"#,  // undeclared
                #"{"company":"X","date":"d","address":"a","total":1}"#,  // total is a string
                #"{"company":"X","date":"d","address":"a","total":"1",}"#,
                "{\"company\":\"line\nbreak\",\"date\":\"d\",\"address\":\"a\",\"total\":\"1\"}",  // raw newline
                "{\"company\":\"tab\there\",\"date\":\"d\",\"address\":\"a\",\"total\":\"1\"}",  // raw tab
                #"{"company":"\x41","date":"d","address":"a","total":"1"}"#,  // not a JSON escape
                #"{"company":"X",  "date":"d","address":"a","total":"1"}"#,  // two blanks
                "{\n\"company\":\"X\",\"date\":\"d\",\"address\":\"a\",\"total\":\"1\"}",  // newline
                #" {"company":"X","date":"d","address":"a","total":"1"}"#,
                #"{'company':'X','date':'d','address':'a','total':'1'}"#,
            ]
        ),
        (
            "receipt-optional-fields",
            schema(#"""
                {"type": "object",
                 "properties": {"company": {"type": "string"}, "date": {"type": "string", "format": "date"},
                                "address": {"type": "string"}, "total": {"type": "number", "minimum": 0}},
                 "required": ["total"]}
                """#),
            [
                #"{"company":"X","date":"2019-01-09","address":"a","total":31.5}"#,
                #"{"total":0}"#,
                #"{"company":"X","total":12.50}"#,
                #"{"date":"2019-12-31", "total":100}"#,
                #"{"company":"X", "address":"a", "total":7 }"#,
            ],
            [
                #"{}"#,  // total is required
                #"{"company":"X","address":"a"}"#,
                #"{"total":1,"company":"X"}"#,  // order
                #"{"company":"X","company":"Y","total":1}"#,  // twice
                #"{"date":"09/01/2019","total":1}"#,  // not a date
                #"{"date":"2019-13-01","total":1}"#,
                #"{"total":-1}"#,  // minimum 0
                #"{"total":-0.5}"#,
                #"{"total":1e3}"#,  // bounded numbers have no exponent
                #"{"total":01}"#,
                #"{,"total":1}"#,
            ]
        ),
        (
            "all-optional-properties",
            schema(#"""
                {"type": "object", "properties": {"a": {"type": "integer"}, "b": {"type": "boolean"}, "c": {"type": "null"}}}
                """#),
            [
                "{}", "{ }", #"{"a":1}"#, #"{"b":true}"#, #"{"c":null}"#, #"{"a":1,"c":null}"#,
                #"{"b":false, "c":null}"#, #"{ "a":-3, "b":true, "c":null }"#,
            ],
            [
                #"{"c":null,"a":1}"#, #"{"a":1,"a":2}"#, "{,}", #"{"a":1,}"#, #"{"d":1}"#, "{  }", #"{"b":1}"#,
            ]
        ),
        (
            "line-items",
            schema(#"""
                {"type": "array", "minItems": 0,
                 "items": {"type": "object",
                           "properties": {"description": {"type": "string"}, "quantity": {"type": "number"},
                                          "unit_price": {"type": "number"}, "amount": {"type": "number"}},
                           "required": ["description", "quantity", "unit_price", "amount"]}}
                """#),
            [
                "[]", "[ ]",
                #"[{"description":"PLASTIC","quantity":2,"unit_price":15.50,"amount":31.00}]"#,
                #"[ {"description":"A","quantity":1,"unit_price":0.5,"amount":0.5}, {"description":"B","quantity":-1.5e2,"unit_price":1E+2,"amount":-150} ]"#,
            ],
            [
                "[{}]", "[,]",
                #"[{"description":"A","quantity":1,"unit_price":2}]"#,  // amount missing
                #"[{"description":"A","quantity":"1","unit_price":2,"amount":2}]"#,
                #"[{"description":"A","quantity":1,"unit_price":2,"amount":2},]"#,
                #"[{"description":"A","quantity":1,"unit-price":2,"amount":2}]"#,
                #"[{"description":"A","quantity":.5,"unit_price":2,"amount":2}]"#,
                #"[{"description":"A","quantity":1.,"unit_price":2,"amount":2}]"#,
            ]
        ),
        (
            "receipt-with-refs",
            schema(#"""
                {"$schema": "https://json-schema.org/draft/2020-12/schema",
                 "$defs": {"Money": {"type": "integer", "minimum": 0, "description": "cents"},
                           "LineItem": {"type": "object",
                                        "properties": {"description": {"type": "string", "maxLength": 12},
                                                       "amount": {"$ref": "#/$defs/Money"}},
                                        "required": ["description", "amount"]}},
                 "type": "object",
                 "properties": {"items": {"type": "array", "items": {"$ref": "#/$defs/LineItem"}, "minItems": 1},
                                "total": {"$ref": "#/$defs/Money"}},
                 "required": ["items", "total"]}
                """#),
            [
                #"{"items":[{"description":"PLASTIC","amount":3100}],"total":3100}"#,
                #"{"items":[{"description":"","amount":0}, {"description":"123456789012","amount":5}],"total":5}"#,
            ],
            [
                #"{"items":[],"total":0}"#,  // minItems 1
                #"{"items":[{"description":"PLASTIC","amount":-1}],"total":0}"#,
                #"{"items":[{"description":"1234567890123","amount":1}],"total":1}"#,  // maxLength 12
                #"{"items":[{"description":"A","amount":1.5}],"total":1}"#,
            ]
        ),
        (
            "definitions-draft7",
            schema(#"""
                {"definitions": {"Category": {"enum": ["alcohol", "dairy eggs", "canned goods"]}},
                 "type": "object", "properties": {"category": {"$ref": "#/definitions/Category"},
                                                  "confidence": {"type": "number", "minimum": 0, "maximum": 1}},
                 "required": ["category", "confidence"]}
                """#),
            [
                #"{"category":"dairy eggs","confidence":0.75}"#,
                #"{"category":"alcohol","confidence":1}"#,
                #"{"category":"alcohol","confidence":1.000}"#,
                #"{"category":"canned goods","confidence":0}"#,
            ],
            [
                #"{"category":"Dairy Eggs","confidence":0.5}"#,
                #"{"category":"alcohol","confidence":1.01}"#,
                #"{"category":"alcohol","confidence":2}"#,
                #"{"category":"alcohol","confidence":-0.1}"#,
            ]
        ),
    ]
}
