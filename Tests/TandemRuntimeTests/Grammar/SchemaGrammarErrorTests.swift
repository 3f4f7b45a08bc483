import Testing
import TandemCore
import TandemRuntime

/// Every schema the converter cannot express exactly fails with the keyword and its JSON pointer.
@Suite struct SchemaGrammarErrorTests {
    private func error(_ json: String, options: SchemaGrammar.Options = .init()) throws -> SchemaGrammarError? {
        let schema = try JSONParser.parse(json)
        do {
            let text = try SchemaGrammar.gbnf(for: schema, options: options)
            Issue.record("expected an error, got a grammar:\n\(text)")
            return nil
        } catch {
            return error
        }
    }

    private func object(_ properties: String) -> String {
        ##"{"type": "object", "properties": \##(properties)}"##
    }

    @Test func unsupportedKeywordsAreNamedWithTheirPath() throws {
        #expect(try error(object(##"{"code": {"type": "string", "pattern": "^[A-Z]+$"}}"##))
            == .unsupportedKeyword("pattern", path: "/properties/code"))
        #expect(try error(##"{"type": "object", "patternProperties": {"^x": {"type": "string"}}}"##)
            == .unsupportedKeyword("patternProperties", path: ""))
        #expect(try error(##"{"allOf": [{"type": "string"}]}"##) == .unsupportedKeyword("allOf", path: ""))
        #expect(try error(##"{"type": "string", "not": {"const": "x"}}"##) == .unsupportedKeyword("not", path: ""))
        #expect(try error(##"{"if": {"type": "string"}, "then": {"type": "string"}}"##) == .unsupportedKeyword("if", path: ""))
        #expect(try error(##"{"type": "array", "items": {"type": "string"}, "uniqueItems": true}"##)
            == .unsupportedKeyword("uniqueItems", path: ""))
        #expect(try error(##"{"type": "array", "prefixItems": [{"type": "string"}]}"##)
            == .unsupportedKeyword("prefixItems", path: ""))
        #expect(try error(object(##"{"a/b~c": {"type": "string", "nullable": true}}"##))
            == .unsupportedKeyword("nullable", path: "/properties/a~1b~0c"))
        #expect(try error(##"{"type": "array", "items": {"anyOf": [{"type": "string"}, {"type": "integer", "multipleOf": 2}]}}"##)
            == .unsupportedKeyword("multipleOf", path: "/items/anyOf/1"))
    }

    @Test func unsupportedKeywordValues() throws {
        #expect(try error(##"{"type": "object", "properties": {}, "additionalProperties": true}"##)
            == .unsupportedKeywordValue("additionalProperties", path: "",
                                        supported: "false or absent (only declared properties are generated; "
                                            + "declare every property you need)"))
        guard case .unsupportedKeywordValue("additionalProperties", "", _)? =
            try error(##"{"type": "object", "properties": {}, "additionalProperties": {"type": "string"}}"##) else {
            Issue.record("additionalProperties as a schema must be refused"); return
        }
        guard case .unsupportedKeywordValue("items", "", _)? =
            try error(##"{"type": "array", "items": [{"type": "string"}]}"##) else {
            Issue.record("tuple items must be refused"); return
        }
        guard case .unsupportedKeywordValue("minimum", "/properties/p", _)? =
            try error(object(##"{"p": {"type": "number", "minimum": 0.5}}"##)) else {
            Issue.record("fractional number bounds must be refused"); return
        }
    }

    @Test func malformedKeywordValues() throws {
        let cases: [(String, String, String)] = [
            (##"{"type": "string", "minLength": -1}"##, "minLength", ""),
            (##"{"type": "string", "maxLength": "3"}"##, "maxLength", ""),
            (##"{"type": "array", "items": {"type": "string"}, "maxItems": 1.5}"##, "maxItems", ""),
            (##"{"type": 5}"##, "type", ""),
            (##"{"type": []}"##, "type", ""),
            (##"{"type": ["string", "string"]}"##, "type", ""),
            (##"{"type": "object", "properties": {}, "required": "a"}"##, "required", ""),
            (##"{"type": "object", "properties": []}"##, "properties", ""),
            (##"{"enum": "x"}"##, "enum", ""),
            (##"{"anyOf": []}"##, "anyOf", ""),
            (##"{"$ref": 5}"##, "$ref", ""),
            (##"{"type": "string", "format": 3}"##, "format", ""),
            (##"{"type": "integer", "exclusiveMinimum": true}"##, "exclusiveMinimum", ""),
            (##"{"type": "integer", "minimum": "0"}"##, "minimum", ""),
        ]
        for (json, keyword, path) in cases {
            guard case .invalidKeywordValue(keyword, path, _)? = try error(json) else {
                Issue.record("\(json) should report an invalid \(keyword)"); continue
            }
        }
    }

    @Test func invalidSchemas() throws {
        #expect(try error(object(##"{"a": {"type": "str"}}"##)) == .unknownType("str", path: "/properties/a"))
        #expect(try error(##"{"type": ["string", "float"]}"##) == .unknownType("float", path: ""))
        #expect(try error(##"{"type": "object", "properties": {"a": {"type": "string"}}, "required": ["a", "b"]}"##)
            == .undeclaredRequiredProperty("b", path: ""))
        #expect(try error(object(##"{"a": {"enum": []}}"##)) == .emptyEnum(path: "/properties/a"))
        #expect(try error(object(##"{"a": "string"}"##)) == .notASchema(path: "/properties/a"))
        #expect(try error(##"{"type": "string", "enum": ["a", 1]}"##) == .valueNotOfType("1", types: ["string"], path: ""))
        #expect(try error(##"{"type": "integer", "const": 1.5}"##) == .valueNotOfType("1.5", types: ["integer"], path: ""))
    }

    @Test func missingTypeOrKeyword() throws {
        #expect(try error("{}") == .missingType(path: ""))
        #expect(try error(##"{"description": "anything"}"##) == .missingType(path: ""))
        #expect(try error(object(##"{"a": true}"##)) == .missingType(path: "/properties/a"))
        #expect(try error(##"{"properties": {}, "items": {"type": "string"}}"##) == .missingType(path: ""))
        #expect(try error(##"{"type": "array"}"##) == .missingKeyword("items", path: ""))
        #expect(try error(##"{"type": "object"}"##) == .missingKeyword("properties", path: ""))
    }

    @Test func keywordsThatApplyToNoDeclaredType() throws {
        #expect(try error(##"{"type": "integer", "minLength": 1}"##)
            == .keywordNotApplicable("minLength", types: ["integer"], path: ""))
        #expect(try error(##"{"type": ["string", "null"], "minimum": 0}"##)
            == .keywordNotApplicable("minimum", types: ["string", "null"], path: ""))
        #expect(try error(##"{"type": "object", "properties": {}, "items": {"type": "string"}}"##)
            == .keywordNotApplicable("items", types: ["object"], path: ""))
    }

    @Test func conflictingKeywords() throws {
        #expect(try error(##"{"anyOf": [{"type": "string"}], "properties": {}}"##)
            == .conflictingKeywords(["anyOf", "properties"], path: ""))
        #expect(try error(##"{"$defs": {"A": {"type": "string"}}, "type": "string", "$ref": "#/$defs/A"}"##)
            == .conflictingKeywords(["$ref", "type"], path: ""))
        #expect(try error(##"{"enum": ["a"], "const": "a"}"##) == .conflictingKeywords(["enum", "const"], path: ""))
        #expect(try error(##"{"type": "string", "enum": ["a"], "minLength": 1}"##)
            == .conflictingKeywords(["enum", "minLength"], path: ""))
        #expect(try error(##"{"type": "string", "format": "date", "maxLength": 10}"##)
            == .conflictingKeywords(["format", "maxLength"], path: ""))
        #expect(try error(##"{"anyOf": [{"type": "string"}], "oneOf": [{"type": "null"}]}"##)
            == .conflictingKeywords(["anyOf", "oneOf"], path: ""))
    }

    @Test func unsatisfiableBounds() throws {
        let cases = [
            ##"{"type": "string", "minLength": 5, "maxLength": 3}"##,
            ##"{"type": "array", "items": {"type": "string"}, "minItems": 3, "maxItems": 2}"##,
            ##"{"type": "integer", "minimum": 10, "maximum": 9}"##,
            ##"{"type": "integer", "exclusiveMinimum": 1.5, "exclusiveMaximum": 2}"##,
            ##"{"type": "number", "exclusiveMinimum": 1, "maximum": 1}"##,
            ##"{"type": "integer", "minimum": 1e17}"##,
            ##"{"type": "object", "properties": {"never": false}}"##,
        ]
        for json in cases {
            guard case .unsatisfiable? = try error(json) else { Issue.record("\(json) is unsatisfiable"); continue }
        }
    }

    @Test func limitsAboveLlamaCppRepetitions() throws {
        #expect(try error(##"{"type": "string", "maxLength": 5000}"##)
            == .limitTooLarge("maxLength", value: 5000, limit: 2000, path: ""))
        #expect(try error(##"{"type": "array", "items": {"type": "string"}, "minItems": 2001}"##)
            == .limitTooLarge("minItems", value: 2001, limit: 2000, path: ""))
        #expect(try error(##"{"type": "string"}"##, options: .init(maxStringLength: 2001))
            == .invalidOption("maxStringLength", reason: "is 2001; use 0...2000 or nil"))
        #expect(try error(##"{"type": "string"}"##, options: .init(maxStringLength: -1))
            == .invalidOption("maxStringLength", reason: "is -1; use 0...2000 or nil"))
    }

    @Test func nestingIsBounded() throws {
        var deep = #"{"type": "string"}"#
        for _ in 0..<70 { deep = #"{"type": "array", "items": \#(deep)}"# }
        guard case .nestingTooDeep(64, let path)? = try error(deep) else { Issue.record("deep nesting must fail"); return }
        #expect(path.hasPrefix("/items/items/"))
        var fine = #"{"type": "string"}"#
        for _ in 0..<60 { fine = #"{"type": "array", "items": \#(fine)}"# }
        #expect(throws: Never.self) { try SchemaGrammar.gbnf(for: try JSONParser.parse(fine)) }
    }

    @Test func unsupportedFormats() throws {
        #expect(try error(object(##"{"mail": {"type": "string", "format": "email"}}"##))
            == .unsupportedFormat("email", path: "/properties/mail"))
    }

    @Test func unresolvableAndRecursiveReferences() throws {
        #expect(try error(##"{"$ref": "#/$defs/Missing", "$defs": {}}"##)
            == .unresolvableReference("#/$defs/Missing", path: ""))
        #expect(try error(object(##"{"a": {"$ref": "other.json#/x"}}"##))
            == .unresolvableReference("other.json#/x", path: "/properties/a"))
        #expect(try error(object(##"{"a": {"$ref": "#anchor"}}"##)) == .unresolvableReference("#anchor", path: "/properties/a"))
        let tree = #"""
            {"$defs": {"Node": {"type": "object", "properties": {"name": {"type": "string"},
               "children": {"type": "array", "items": {"$ref": "#/$defs/Node"}}}, "required": ["name"]}},
             "$ref": "#/$defs/Node"}
            """#
        #expect(try error(tree) == .recursiveReference("#/$defs/Node", path: "/$defs/Node/properties/children/items"))
        #expect(try error(object(##"{"self": {"$ref": "#"}}"##)) == .recursiveReference("#", path: "/properties/self"))
    }

    @Test func descriptionsNameKeywordPathAndNextStep() throws {
        let pattern = SchemaGrammarError.unsupportedKeyword("pattern", path: "/properties/code")
        #expect(pattern.description == "keyword \"pattern\" at /properties/code is not supported by Tandem's grammar "
            + "converter; remove it and check that constraint on the parsed result instead")
        #expect(SchemaGrammarError.emptyEnum(path: "").description.contains("at the schema root"))
        #expect(SchemaGrammarError.recursiveReference("#", path: "/a").description.contains("unroll the recursion"))
        let withKeyword: [SchemaGrammarError] = [
            .unsupportedKeyword("kw", path: "/p"), .unsupportedKeywordValue("kw", path: "/p", supported: "s"),
            .invalidKeywordValue("kw", path: "/p", expected: "e"), .unknownType("kw", path: "/p"),
            .keywordNotApplicable("kw", types: ["string"], path: "/p"), .conflictingKeywords(["kw", "j"], path: "/p"),
            .missingKeyword("kw", path: "/p"), .undeclaredRequiredProperty("kw", path: "/p"),
            .valueNotOfType("kw", types: ["string"], path: "/p"), .unsatisfiable("kw", path: "/p"),
            .limitTooLarge("kw", value: 1, limit: 0, path: "/p"), .unsupportedFormat("kw", path: "/p"),
            .unresolvableReference("kw", path: "/p"), .recursiveReference("kw", path: "/p"),
        ]
        let withoutKeyword: [SchemaGrammarError] = [
            .missingType(path: "/p"), .notASchema(path: "/p"), .emptyEnum(path: "/p"), .nestingTooDeep(limit: 64, path: "/p"),
        ]
        for error in withKeyword + withoutKeyword {
            #expect(error.description.contains("at /p"), "\(error)")
            #expect(error.description.contains(";"), "says what to do next: \(error)")
        }
        for error in withKeyword { #expect(error.description.contains("kw"), "\(error)") }
    }
}
