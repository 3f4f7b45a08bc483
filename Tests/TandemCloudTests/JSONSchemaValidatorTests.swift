import Testing
import TandemCloud
import TandemCore

struct JSONSchemaValidatorTests {
    let schema: JSONValue = [
        "type": "object",
        "properties": [
            "goal": ["type": "string", "minLength": 1, "maxLength": 10],
            "steps": ["type": "array", "minItems": 1, "maxItems": 2, "items": ["$ref": "#/$defs/step"]],
            "priority": ["type": ["integer", "null"], "minimum": 1, "maximum": 3],
        ],
        "required": ["goal", "steps"],
        "additionalProperties": false,
        "$defs": ["step": [
            "type": "object",
            "properties": ["tool": ["enum": ["add", "multiply"]], "args": ["anyOf": [["type": "array"], ["type": "object"]]]],
            "required": ["tool"],
        ]],
    ]

    private func violation(_ value: JSONValue) -> String? {
        JSONSchemaValidator(schema: schema).firstViolation(in: value).map { "\($0.path): \($0.reason)" }
    }

    @Test func validValuePasses() {
        #expect(violation(["goal": "sum", "steps": [["tool": "add", "args": [1, 2]]], "priority": 2]) == nil)
        #expect(violation(["goal": "sum", "steps": [["tool": "add"]], "priority": nil]) == nil)
    }

    @Test func violationsNameThePath() {
        #expect(violation(["steps": [["tool": "add"]]]) == "$: missing required property \"goal\"")
        #expect(violation(["goal": 3, "steps": [["tool": "add"]]]) == "$.goal: expected string, got integer")
        #expect(violation(["goal": "a very long goal", "steps": [["tool": "add"]]]) == "$.goal: string longer than 10 characters")
        #expect(violation(["goal": "g", "steps": []]) == "$.steps: 0 items, at least 1 required")
        #expect(violation(["goal": "g", "steps": [["tool": "divide"]]])?.hasPrefix("$.steps[0].tool: \"divide\" is not one of") == true)
        #expect(violation(["goal": "g", "steps": [["tool": "add", "args": 5]]]) == "$.steps[0].args: matches none of the anyOf alternatives")
        #expect(violation(["goal": "g", "steps": [["tool": "add"]], "extra": true]) == "$: unexpected property \"extra\"")
        #expect(violation(["goal": "g", "steps": [["tool": "add"]], "priority": 9]) == "$.priority: 9 is above 3")
        #expect(violation("not an object") == "$: expected object, got string")
    }

    @Test func unresolvableRefAndCyclesAreViolationsNotCrashes() {
        #expect(JSONSchemaValidator(schema: ["$ref": "#/nowhere"]).firstViolation(in: 1)?.reason == "unresolvable $ref #/nowhere")
        #expect(JSONSchemaValidator(schema: ["$ref": "#"]).firstViolation(in: 1) != nil)
        #expect(JSONSchemaValidator(schema: true).firstViolation(in: 1) == nil)
        #expect(JSONSchemaValidator(schema: ["type": "number"]).firstViolation(in: 2) == nil, "integers are numbers")
    }
}
