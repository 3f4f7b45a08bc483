import TandemCore

/// Corpus cases for literals, nesting, alternatives and arrays.
extension GrammarCorpus {
    static let structureCases: [(name: String, schema: JSONValue, valid: [String], invalid: [String])] = [
        (
            "enum-of-strings",
            schema(#"{"type": "string", "enum": ["alcohol", "canned goods", "dairy eggs", "alcohol"]}"#),
            [#""alcohol""#, #""canned goods""#, #""dairy eggs""#],
            [#""Alcohol""#, "alcohol", #""alcohol ""#, #""canned  goods""#, #""""#, #""dairy""#]
        ),
        (
            "enum-of-any-literals",
            schema(#"{"enum": ["a\"b", 1, 2.5, -3, true, null, [1, "x"], {"k": "v", "n": 0}]}"#),
            [#""a\"b""#, "1", "2.5", "-3", "true", "null", #"[1,"x"]"#, #"{"k":"v","n":0}"#],
            ["1.0", "+1", "false", #"[1, "x"]"#, #"{"n":0,"k":"v"}"#, #""a\u0022b""#, #""ab""#]
        ),
        (
            "const-fields",
            schema(#"""
                {"type": "object", "properties": {"kind": {"const": "receipt"}, "version": {"type": "integer", "const": 2},
                                                  "flags": {"const": [true, false]}},
                 "required": ["kind", "version"]}
                """#),
            [#"{"kind":"receipt","version":2}"#, #"{"kind":"receipt","version":2,"flags":[true,false]}"#],
            [#"{"kind":"invoice","version":2}"#, #"{"kind":"receipt","version":3}"#,
             #"{"kind":"receipt","version":2,"flags":[true]}"#, #"{"kind":"receipt"}"#]
        ),
        (
            "nested-objects",
            schema(#"""
                {"type": "object",
                 "properties": {
                   "vendor": {"type": "object",
                              "properties": {"name": {"type": "string"},
                                             "address": {"type": "object",
                                                         "properties": {"city": {"type": "string"}, "zip": {"type": "string"}},
                                                         "required": ["city"]}},
                              "required": ["name"]},
                   "paid": {"type": "boolean"}},
                 "required": ["vendor", "paid"]}
                """#),
            [
                #"{"vendor":{"name":"ABC"},"paid":true}"#,
                #"{"vendor":{"name":"ABC","address":{"city":"Johor"}},"paid":false}"#,
                #"{"vendor": {"name": "ABC", "address": {"city": "Johor", "zip": "81100"} }, "paid": true}"#,
            ],
            [
                #"{"vendor":{},"paid":true}"#,
                #"{"vendor":{"name":"ABC","address":{"zip":"81100"}},"paid":true}"#,
                #"{"vendor":{"name":"ABC"},"paid":"yes"}"#,
                #"{"paid":true,"vendor":{"name":"ABC"}}"#,
                #"{"vendor":{"name":"ABC","city":"Johor"},"paid":true}"#,
            ]
        ),
        (
            "any-of-simple-types",
            schema(#"{"anyOf": [{"type": "string", "maxLength": 3}, {"type": "integer"}, {"type": "null"}], "title": "t"}"#),
            [#""abc""#, #""""#, "42", "-7", "null"],
            [#""abcd""#, "4.2", "true", "[]", "nul"]
        ),
        (
            "one-of-objects",
            schema(#"""
                {"oneOf": [
                  {"type": "object", "properties": {"method": {"const": "card"}, "last4": {"type": "string", "minLength": 4, "maxLength": 4}},
                   "required": ["method", "last4"]},
                  {"type": "object", "properties": {"method": {"const": "cash"}}, "required": ["method"]}]}
                """#),
            [#"{"method":"card","last4":"1234"}"#, #"{"method":"cash"}"#],
            [#"{"method":"card"}"#, #"{"method":"cash","last4":"1234"}"#, #"{"method":"card","last4":"123"}"#,
             #"{"method":"cheque"}"#]
        ),
        (
            "type-arrays",
            schema(#"""
                {"type": "object",
                 "properties": {"note": {"type": ["string", "null"], "maxLength": 5},
                                "count": {"type": ["integer", "null"], "minimum": 0, "maximum": 99},
                                "value": {"type": ["number", "boolean"]}},
                 "required": ["note", "count", "value"]}
                """#),
            [
                #"{"note":"hello","count":99,"value":1.5}"#,
                #"{"note":null,"count":null,"value":true}"#,
                #"{"note":"","count":0,"value":-2}"#,
            ],
            [
                #"{"note":"hello!","count":1,"value":1}"#,
                #"{"note":null,"count":100,"value":1}"#,
                #"{"note":null,"count":-1,"value":1}"#,
                #"{"note":null,"count":1,"value":null}"#,
                #"{"note":1,"count":1,"value":1}"#,
            ]
        ),
        (
            "array-bounds",
            schema(#"{"type": "array", "items": {"type": "integer"}, "minItems": 1, "maxItems": 3}"#),
            ["[1]", "[1,2,3]", "[ 1, 2 ]", "[-1, 0,3]"],
            ["[]", "[1,2,3,4]", "[1,]", "[1 ,2]", "[01]", "[1.5]"]
        ),
        (
            "nested-arrays",
            schema(#"""
                {"type": "array", "maxItems": 2,
                 "items": {"type": "array", "items": {"type": "string", "enum": ["x", "y"]}, "maxItems": 2}}
                """#),
            ["[]", "[[]]", #"[["x","y"],["y"]]"#, #"[[], ["x"]]"#],
            [#"[["x","y","x"]]"#, "[[],[],[]]", #"[["z"]]"#, #"["x"]"#]
        ),
        (
            "empty-object",
            schema(#"{"type": "object", "properties": {}}"#),
            ["{}", "{ }"],
            [#"{"a":1}"#, "{  }", "[]"]
        ),
        (
            "closed-object-without-properties",
            schema(#"{"type": "object", "additionalProperties": false}"#),
            ["{}"],
            [#"{"a":1}"#]
        ),
        (
            "property-names-needing-escapes",
            schema(#"""
                {"type": "object",
                 "properties": {"unit price": {"type": "number"}, "a\"b": {"type": "string"}, "naïve": {"type": "boolean"},
                                "a_b": {"type": "integer"}, "a-b": {"type": "integer"}, "string": {"type": "integer"}},
                 "required": ["unit price", "a\"b", "naïve", "a_b", "a-b", "string"]}
                """#),
            [#"{"unit price":1,"a\"b":"q","naïve":true,"a_b":1,"a-b":2,"string":3}"#],
            [#"{"unit price":1,"a\"b":"q","naive":true,"a_b":1,"a-b":2,"string":3}"#,
             #"{"unit price":1,"a\"b":"q","naïve":true,"a_b":1,"a-b":2,"string":"3"}"#]
        ),
    ]
}
