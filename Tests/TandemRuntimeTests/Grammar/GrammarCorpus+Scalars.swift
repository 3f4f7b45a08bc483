import TandemCore

/// Corpus cases for strings, numbers and the other JSON scalars.
extension GrammarCorpus {
    static let scalarCases: [(name: String, schema: JSONValue, valid: [String], invalid: [String])] = [
        (
            "free-string",
            schema(#"{"type": "string"}"#),
            [#""""#, #""plain""#, #""tab\tnew\nline\r\b\f""#, #""\u00e9\u20AC\/\\\"""#, #""日本語 € ünï""#, #""emoji 😀""#],
            ["\"raw\ttab\"", "\"raw\nnewline\"", "\"del\u{7F}\"", #""\x41""#, #""\u00g1""#, #""\u12""#, #""open"#,
             "plain", #""a" "#, #"'single'"#]
        ),
        (
            "string-lengths",
            schema(#"{"type": "string", "minLength": 2, "maxLength": 4}"#),
            [#""ab""#, #""abcd""#, #""\n\t""#, #""\u00e9é""#, #""😀😀""#],
            [#""a""#, #""abcde""#, #""\n""#, #""""#]
        ),
        (
            "integer-range",
            schema(#"{"type": "integer", "minimum": -5, "maximum": 120}"#),
            ["-5", "-1", "0", "9", "10", "99", "100", "119", "120"],
            ["-6", "121", "200", "1000", "007", "-0", "1.0", "1e2", "+1", "-", ""]
        ),
        (
            "integer-exclusive-bounds",
            schema(#"{"type": "integer", "exclusiveMinimum": 0, "exclusiveMaximum": 1000}"#),
            ["1", "9", "10", "500", "999"],
            ["0", "1000", "-1", "01"]
        ),
        (
            "integer-lower-bound-only",
            schema(#"{"type": "integer", "minimum": 18}"#),
            ["18", "19", "99", "100", "123456", "9999999999999999"],
            ["17", "0", "-18", "10000000000000000"]
        ),
        (
            "integer-negative-range",
            schema(#"{"type": "integer", "minimum": -250, "maximum": -20}"#),
            ["-20", "-21", "-99", "-100", "-199", "-250"],
            ["-19", "-251", "0", "20", "-0", "-300"]
        ),
        (
            "number-exclusive-bounds",
            schema(#"{"type": "number", "exclusiveMinimum": 0, "maximum": 100}"#),
            ["0.5", "0.001", "1", "99.99", "100", "100.00", "42.10"],
            ["0", "0.0", "0.000", "100.01", "101", "-0.5", "1e2"]
        ),
        (
            "number-negative-bounds",
            schema(#"{"type": "number", "minimum": -10, "exclusiveMaximum": -2}"#),
            ["-10", "-10.0", "-9.99", "-2.5", "-2.01"],
            ["-10.5", "-2", "-2.0", "-1.5", "0", "3"]
        ),
        (
            "numbers-integers-booleans-null",
            schema(#"""
                {"type": "object",
                 "properties": {"n": {"type": "number"}, "i": {"type": "integer"}, "b": {"type": "boolean"}, "z": {"type": "null"}},
                 "required": ["n", "i", "b", "z"]}
                """#),
            [
                #"{"n":0,"i":0,"b":true,"z":null}"#,
                #"{"n":-1.5e10,"i":-42,"b":false,"z":null}"#,
                #"{"n":6.02E+23,"i":9999999999999999,"b":true,"z":null}"#,
                #"{"n":1e-7,"i":-0,"b":true,"z":null}"#,
            ],
            [
                #"{"n":1.,"i":0,"b":true,"z":null}"#,
                #"{"n":.5,"i":0,"b":true,"z":null}"#,
                #"{"n":+1,"i":0,"b":true,"z":null}"#,
                #"{"n":NaN,"i":0,"b":true,"z":null}"#,
                #"{"n":1e999,"i":0,"b":true,"z":null}"#,  // exponents have two digits at most
                #"{"n":1,"i":1.5,"b":true,"z":null}"#,
                #"{"n":1,"i":01,"b":true,"z":null}"#,
                #"{"n":1,"i":10000000000000000,"b":true,"z":null}"#,  // 17 digits
                #"{"n":1,"i":1,"b":True,"z":null}"#,
                #"{"n":1,"i":1,"b":true,"z":"null"}"#,
            ]
        ),
        (
            "string-formats",
            schema(#"""
                {"type": "object",
                 "properties": {"day": {"type": "string", "format": "date"}, "at": {"type": "string", "format": "date-time"},
                                "time": {"type": "string", "format": "time"}, "id": {"type": "string", "format": "uuid"}},
                 "required": ["day", "at", "time", "id"]}
                """#),
            [
                #"{"day":"2019-01-09","at":"2019-01-09T20:01:11Z","time":"08:01:11.123+08:00","id":"123e4567-e89b-12d3-a456-426614174000"}"#,
                #"{"day":"2024-02-29","at":"2024-02-29T23:59:59.000-05:30","time":"00:00:00Z","id":"ABCDEF01-2345-6789-ABCD-EF0123456789"}"#,
            ],
            [
                #"{"day":"09/01/2019","at":"2019-01-09T20:01:11Z","time":"08:01:11Z","id":"123e4567-e89b-12d3-a456-426614174000"}"#,
                #"{"day":"2019-01-09","at":"2019-01-09 20:01:11Z","time":"08:01:11Z","id":"123e4567-e89b-12d3-a456-426614174000"}"#,
                #"{"day":"2019-01-09","at":"2019-01-09T20:01:11Z","time":"24:00:00Z","id":"123e4567-e89b-12d3-a456-426614174000"}"#,
                #"{"day":"2019-01-09","at":"2019-01-09T20:01:11Z","time":"08:01:11","id":"123e4567-e89b-12d3-a456-426614174000"}"#,
                #"{"day":"2019-01-09","at":"2019-01-09T20:01:11Z","time":"08:01:11Z","id":"123e4567e89b12d3a456426614174000"}"#,
            ]
        ),
    ]
}
