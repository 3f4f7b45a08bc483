import Foundation
import Testing
import TandemCore
import TandemRuntime

@Suite struct StructuredOutputTests {
    struct Receipt: Decodable { let company: String; let total: Double; let paid: Bool }

    static let receiptSchema: JSONValue = [
        "type": "object", "additionalProperties": false, "required": ["company", "total", "paid"],
        "properties": ["company": ["type": "string", "maxLength": 40], "total": ["type": "number"], "paid": ["type": "boolean"]],
    ]

    @Test func schemaConstrainedOutputDecodes() async throws {
        let engine = try TestModels.engine(sequences: 2)
        let receipt = try await engine.generate(Receipt.self, schema: Self.receiptSchema, input: .messages([
            .system("Extract the receipt as JSON."), .user("ACME STORE\nTOTAL 12.50\nPAID CASH")]), maxTokens: 120)
        #expect(!receipt.company.isEmpty)
        #expect(receipt.total.isFinite)
    }

    @Test func enumSchemaOnlyProducesAllowedValues() async throws {
        let engine = try TestModels.engine(sequences: 4)
        let schema: JSONValue = ["type": "object", "required": ["label"], "additionalProperties": false,
                                 "properties": ["label": ["enum": ["dairy", "produce", "bakery"]]]]
        for item in ["milk", "apples", "bread", "a car"] {
            let c = try await engine.complete(GenerationRequest(.messages([.user("Category of: \(item)")]), maxTokens: 30, constraint: .jsonSchema(schema)))
            let value = try JSONParser.parse(c.text)
            #expect(["dairy", "produce", "bakery"].contains(value["label"]?.stringValue ?? ""), "\(c.text)")
        }
    }

    @Test func unsupportedKeywordIsNamed() async throws {
        let engine = try TestModels.engine(sequences: 1)
        let schema: JSONValue = ["type": "string", "pattern": "^[a-z]+$"]
        do {
            _ = try await engine.complete(GenerationRequest(.text("x"), maxTokens: 4, constraint: .jsonSchema(schema)))
            Issue.record("expected an error")
        } catch {
            #expect("\(error)".contains("pattern"))
        }
    }

    @Test func invalidGrammarIsAnErrorAndImpossibleGrammarEndsAtMaxTokens() async throws {
        let engine = try TestModels.engine(sequences: 1)
        await #expect(throws: RuntimeError.self) {
            _ = try await engine.complete(GenerationRequest(.text("x"), maxTokens: 4, constraint: .grammar("root ::= (")))
        }
        // A grammar with no end never completes: generation stops at maxTokens instead of hanging.
        let endless = try await engine.complete(GenerationRequest(.text("Say a"), maxTokens: 12, constraint: .grammar("root ::= \"a\" root")))
        #expect(endless.finishReason == .maxTokens)
        #expect(endless.text.allSatisfy { $0 == "a" })
        // The engine is still healthy.
        #expect(try await engine.complete(.prompt("Hello", maxTokens: 2)).usage.generatedTokens >= 1)
    }
}
