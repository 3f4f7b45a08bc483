import Testing
import TandemCore
import TandemOrchestrator
import TandemTestSupport
import TandemWorkers

/// The choices about one receipt share their prompt up to the question, and the runtime
/// prefills that shared part once (on the real test model).
@Suite(.serialized) struct ReceiptChoicePrefixTests {
    @Test func theLaterChoicesOfAReceiptReuseTheFirstOnesPrefill() async throws {
        // The first fixture receipt the rules leave several choices on (asked of a test model that records them).
        var found: (text: String, choices: Int)?
        for line in try JSONLReader.read(path: try TestPaths.fixture("receipts.jsonl").path) {
            guard case .record(_, let value) = line, let text = value["text"]?.stringValue else { continue }
            let recorder = MisbehavingModel(.choosing("A", 0.9))
            _ = try await ReceiptFieldsTool().run(["text": .string(text)], model: recorder)
            if recorder.askedChoices.count >= 2 { found = (text, recorder.askedChoices.count); break }
        }
        let receipt = try #require(found, "no fixture receipt leaves the rules two choices")
        // A fresh engine: nothing is cached but what this receipt's own calls leave.
        let engine = try EngineModelClient(modelPath: try TestModelFile.smolLM(), slots: 4, contextLength: 4096)
        let out = try await ReceiptFieldsTool().run(["text": .string(receipt.text)], model: engine)
        #expect(out.modelCalls == receipt.choices)
        print("receipt choices: \(receipt.choices) calls, \(out.usage.promptTokens) prompt tokens, \(out.usage.cachedPromptTokens) from the cache")
        // Each later call finds at least the system prompt and most of the excerpt in the cache.
        #expect(out.usage.cachedPromptTokens >= 64 * (receipt.choices - 1),
                "\(receipt.choices) choices, \(out.usage.promptTokens) prompt tokens, \(out.usage.cachedPromptTokens) cached")
    }
}
