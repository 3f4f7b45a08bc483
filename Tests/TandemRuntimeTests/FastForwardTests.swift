import Foundation
import Testing
import TandemCore
import TandemRuntime

/// Grammar-forced text is appended without sampling (`GenerationRequest.fastForward`).
@Suite struct FastForwardTests {
    static let itemsSchema: JSONValue = [
        "type": "object", "required": ["items"], "additionalProperties": false,
        "properties": ["items": ["type": "array", "maxItems": 3, "items": [
            "type": "object", "required": ["description", "amount"], "additionalProperties": false,
            "properties": ["description": ["type": "string", "maxLength": 30], "amount": ["type": "number"]],
        ]]],
    ]

    static func request(fastForward: Bool) -> GenerationRequest {
        var r = GenerationRequest(.messages([.system("List the items bought as JSON."),
                                             .user("MILK 1L 2.50\nBREAD 1.20\nEGGS 6 3.10\nTOTAL 6.80")]),
                                  maxTokens: 160, constraint: .jsonSchema(itemsSchema))
        r.fastForward = fastForward
        return r
    }

    @Test func forcedKeysAreAppendedWithoutADecodeStepEach() async throws {
        let engine = try TestModels.engine(sequences: 1)
        let fast = try await engine.complete(Self.request(fastForward: true))
        let slow = try await engine.complete(Self.request(fastForward: false))
        for c in [fast, slow] {
            let items = try #require(try JSONParser.parse(c.text)["items"]?.arrayValue, "\(c.text)")
            #expect(items.allSatisfy { $0["description"]?.stringValue != nil && $0["amount"]?.doubleValue != nil }, "\(c.text)")
        }
        #expect(slow.usage.forcedTokens == 0)
        // Without it every generated token is decoded once, the last one to find the end.
        #expect(slow.usage.breakdown.steps == slow.usage.generatedTokens)
        // `"items":` and every `description":` / `amount":` after its opening quote are forced,
        // and so is the end once the closing brace is generated: each saves a step.
        #expect(fast.usage.forcedTokens >= 3, "\(fast.text)")
        #expect(fast.usage.breakdown.steps < fast.usage.generatedTokens - fast.usage.forcedTokens, "\(fast.text)")
        #expect(fast.finishReason == .endOfGeneration)
    }

    @Test func aSingleLiteralIsForcedWholeAfterItsFirstToken() async throws {
        let engine = try TestModels.engine(sequences: 1)
        let literal = "alpha-beta-gamma-delta"
        let schema: JSONValue = ["enum": [.string(literal)]]
        let c = try await engine.complete(GenerationRequest(.text("Say it:"), maxTokens: 40, constraint: .jsonSchema(schema)))
        #expect(c.text == "\"\(literal)\"")
        #expect(c.finishReason == .endOfGeneration)
        #expect(c.usage.forcedTokens == c.usage.generatedTokens - 1)
        // Only the first token was sampled; the forced rest and the end needed no decode at all.
        #expect(c.usage.breakdown.steps == 0)
    }

    @Test func maxTokensCutsForcedText() async throws {
        let engine = try TestModels.engine(sequences: 1)
        let c = try await engine.complete(GenerationRequest(.text("Say it:"), maxTokens: 3,
                                                            constraint: .jsonSchema(["enum": ["alpha-beta-gamma-delta-epsilon"]])))
        #expect(c.finishReason == .maxTokens)
        #expect(c.usage.generatedTokens == 3)
        #expect("\"alpha-beta-gamma-delta-epsilon\"".hasPrefix(c.text), "\(c.text)")
    }

    @Test func concurrentSequencesWithForcedRunsStayWholeJSON() async throws {
        let engine = try TestModels.engine(sequences: 4)
        let together = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<4 { group.addTask { try await engine.complete(Self.request(fastForward: true)).text } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        // Parallel sequences share batches with other sequences' forced runs; the JSON stays whole.
        for text in together { #expect((try? JSONParser.parse(text))?["items"]?.arrayValue != nil, "\(text)") }
    }
}
