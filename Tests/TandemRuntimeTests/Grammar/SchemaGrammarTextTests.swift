import Testing
import TandemCore
import TandemRuntime

/// The grammar text itself for representative schemas: rule names, order, whitespace, sharing.
@Suite struct SchemaGrammarTextTests {
    private func grammar(_ json: String, options: SchemaGrammar.Options = .init()) throws -> String {
        try SchemaGrammar.gbnf(for: try JSONParser.parse(json), options: options)
    }

    private static let char = #"char ::= [^"\\\x7F\x00-\x1F] | [\\] (["\\/bfnrt] | "u" [0-9a-fA-F]{4})"#

    @Test func receiptFields() throws {
        let text = try grammar(#"""
            {"type": "object", "properties": {"company": {"type": "string"}, "date": {"type": "string"},
             "address": {"type": "string"}, "total": {"type": "string"}},
             "required": ["company", "date", "address", "total"], "additionalProperties": false}
            """#)
        #expect(text == """
            root ::= "{" space company-kv "," space date-kv "," space address-kv "," space total-kv space "}"
            address-kv ::= "\\"address\\"" ":" space string
            \(Self.char)
            company-kv ::= "\\"company\\"" ":" space string
            date-kv ::= "\\"date\\"" ":" space string
            space ::= | " "
            string ::= "\\"" char* "\\""
            total-kv ::= "\\"total\\"" ":" space string

            """)
    }

    @Test func lineItemsArrayOfObjects() throws {
        let text = try grammar(#"""
            {"type": "array", "items": {"type": "object",
             "properties": {"description": {"type": "string"}, "quantity": {"type": "number"},
                            "unit_price": {"type": "number"}, "amount": {"type": "number"}},
             "required": ["description", "quantity", "unit_price", "amount"]}}
            """#)
        #expect(text.hasPrefix(#"root ::= "[" space (item ("," space item)* space)? "]""# + "\n"))
        #expect(text.contains("""
            item ::= "{" space item-description-kv "," space item-quantity-kv "," space item-unit-price-kv \
            "," space item-amount-kv space "}"
            """))
        #expect(text.contains(#"item-unit-price-kv ::= "\"unit_price\"" ":" space number"#))
        #expect(text.contains(#"number ::= "-"? integral-part ("." decimal-part)? ([eE] [-+]? [0-9]{1,2})?"#))
    }

    @Test func optionalPropertiesStayLinear() throws {
        // Optional before the first required carry their comma after; later ones before.
        let mixed = try grammar(#"""
            {"type": "object", "properties": {"a": {"type": "string"}, "b": {"type": "string"}, "c": {"type": "string"}},
             "required": ["b"]}
            """#)
        #expect(mixed.hasPrefix(#"root ::= "{" space (a-kv "," space)? b-kv ("," space c-kv)? space "}""#))

        // None required: the first property written chooses an alternative, -rest rules offer the rest.
        let names = (0..<60).map { "p\($0)" }
        let properties = names.map { "\"\($0)\": {\"type\": \"integer\"}" }.joined(separator: ", ")
        let text = try grammar(#"{"type": "object", "properties": {\#(properties)}}"#)
        #expect(text.contains(#"p1-rest ::= ("," space p1-kv)? p2-rest"#))
        #expect(text.contains(#"p59-rest ::= ("," space p59-kv)?"#))
        #expect(text.count < 60 * 120, "grammar size must grow linearly, got \(text.count) characters")
        let recognizer = try GBNFRecognizer(text)
        #expect(recognizer.matches(#"{"p3":1,"p17":2,"p59":3}"#))
        #expect(recognizer.matches("{}"))
        #expect(!recognizer.matches(#"{"p17":2,"p3":1}"#))
    }

    @Test func enumsConstsAndNestedObjects() throws {
        let text = try grammar(#"""
            {"type": "object", "properties": {
               "category": {"type": "string", "enum": ["dairy eggs", "snacks"]},
               "vendor": {"type": "object", "properties": {"name": {"const": "ABC \"HO\""}}, "required": ["name"]}},
             "required": ["category", "vendor"]}
            """#)
        #expect(text.contains(#"category ::= "\"dairy eggs\"" | "\"snacks\"""#))
        #expect(text.contains(#"vendor ::= "{" space vendor-name-kv space "}""#))
        #expect(text.contains(#"vendor-name ::= "\"ABC \\\"HO\\\"\"""#))
    }

    @Test func anyOfAndTypeArraysShareAlternatives() throws {
        let text = try grammar(#"""
            {"type": "object", "properties": {"note": {"type": ["string", "null"]},
             "id": {"anyOf": [{"type": "integer"}, {"type": "string", "format": "uuid"}]}}, "required": ["note", "id"]}
            """#)
        #expect(text.contains("note ::= string | null\n"))
        #expect(text.contains("id ::= integer | uuid\n"))
    }

    @Test func referencesBecomeOneSharedRule() throws {
        let text = try grammar(#"""
            {"$defs": {"Money": {"type": "integer", "minimum": 0}},
             "type": "object", "properties": {"subtotal": {"$ref": "#/$defs/Money"}, "total": {"$ref": "#/$defs/Money"}},
             "required": ["subtotal", "total"]}
            """#)
        #expect(text.contains("Money ::= [0] | [1-9] [0-9]{0,15}\n"))
        #expect(text.contains(#"subtotal-kv ::= "\"subtotal\"" ":" space Money"#))
        #expect(text.contains(#"total-kv ::= "\"total\"" ":" space Money"#))
        #expect(text.split(separator: "\n").filter { $0.hasPrefix("Money ::=") }.count == 1)
    }

    @Test func rootScalarsAndBoundedStrings() throws {
        #expect(try grammar(#"{"type": "string"}"#).hasPrefix("root ::= string\n"))
        #expect(try grammar(#"{"type": "boolean"}"#) == "root ::= boolean\nboolean ::= \"true\" | \"false\"\n")
        #expect(try grammar(#"{"type": "string", "minLength": 1, "maxLength": 100}"#)
            .hasPrefix(#"root ::= "\"" char{1,100} "\"""#))
        #expect(try grammar(#"{"type": "integer", "minimum": 0, "maximum": 150}"#)
            == "root ::= [0] | [1-9] [0-9]? | \"1\" ([0-4] [0-9] | \"5\" [0])\n")
    }

    @Test func annotationsDoNotChangeTheGrammar() throws {
        let plain = try grammar(#"{"type": "object", "properties": {"a": {"type": "string"}}, "required": ["a"]}"#)
        let annotated = try grammar(#"""
            {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": "T", "description": "d", "$comment": "c",
             "type": "object", "examples": [{"a": "x"}], "default": {"a": "y"}, "deprecated": false,
             "properties": {"a": {"type": "string", "title": "A", "readOnly": true, "writeOnly": false}}, "required": ["a"]}
            """#)
        #expect(plain == annotated)
    }

    @Test func typeIsInferredFromKeywords() throws {
        let inferred = try grammar(#"{"properties": {"a": {"type": "integer"}}, "required": ["a"]}"#)
        let explicit = try grammar(#"{"type": "object", "properties": {"a": {"type": "integer"}}, "required": ["a"]}"#)
        #expect(inferred == explicit)
        #expect(try grammar(#"{"maxLength": 3}"#).hasPrefix(#"root ::= "\"" char{0,3} "\"""#))
    }

    @Test func maxStringLengthBoundsOnlyFreeStrings() throws {
        let text = try grammar(#"""
            {"type": "object", "properties": {"free": {"type": "string"}, "code": {"type": "string", "maxLength": 3},
             "kind": {"enum": ["a-very-long-label"]}}, "required": ["free", "code", "kind"]}
            """#, options: .init(maxStringLength: 8))
        #expect(text.contains(#"string ::= "\"" char{0,8} "\"""#))
        #expect(text.contains(#"code ::= "\"" char{0,3} "\"""#))
        let recognizer = try GBNFRecognizer(text)
        #expect(recognizer.matches(#"{"free":"12345678","code":"abc","kind":"a-very-long-label"}"#))
        #expect(!recognizer.matches(#"{"free":"123456789","code":"abc","kind":"a-very-long-label"}"#))
        #expect(try grammar(#"{"type": "string"}"#, options: .init(maxStringLength: 0)).contains(#"string ::= "\"" "\"""#))
    }

    @Test func ruleNamesStayValidAndDistinct() throws {
        let text = try grammar(#"""
            {"type": "object", "properties": {"a_b": {"type": "string", "maxLength": 1}, "a-b": {"type": "string", "maxLength": 2},
             "root": {"type": "string", "maxLength": 3}, "": {"type": "string", "maxLength": 4}, "日本": {"type": "integer", "minimum": 1}},
             "required": ["a_b", "a-b", "root", "", "日本"]}
            """#)
        #expect(text.contains(#"a-b ::= "\"" char? "\"""#))
        #expect(text.contains(#"a-b-2 ::= "\"" char{0,2} "\"""#))
        #expect(text.contains(#"root-2 ::= "\"" char{0,3} "\"""#))
        #expect(text.contains(#"unnamed ::= "\"" char{0,4} "\"""#))
        #expect(text.contains(#"unnamed-kv-2 ::= "\"\u65E5\u672C\"" ":" space unnamed-2"#))
        let recognizer = try GBNFRecognizer(text)
        #expect(recognizer.matches(#"{"a_b":"x","a-b":"xy","root":"xyz","":"wxyz","日本":7}"#))
    }
}
