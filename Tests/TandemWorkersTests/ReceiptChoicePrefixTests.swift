import Testing
import TandemCore
import TandemOrchestrator
import TandemTestSupport
import TandemWorkers

/// The choices about one receipt share their prompt up to the question, and the runtime
/// prefills that shared part once.
@Suite(.serialized) struct ReceiptChoicePrefixTests {
    /// Every fixture receipt the rules leave two or more choices on, with the user message of
    /// each choice (asked of a test model that records them).
    static func receiptsWithSeveralChoices() async throws -> [(id: String, text: String, asked: [String])] {
        var out: [(id: String, text: String, asked: [String])] = []
        for line in try JSONLReader.read(path: try TestPaths.fixture("receipts.jsonl").path) {
            guard case .record(_, let value) = line, let text = value["text"]?.stringValue else { continue }
            let recorder = MisbehavingModel(.choosing("A", 0.9))
            _ = try await ReceiptFieldsTool().run(["text": .string(text)], model: recorder)
            if recorder.askedChoices.count >= 2 { out.append((value["id"]?.stringValue ?? "?", text, recorder.askedChoices)) }
        }
        return out
    }

    @Test func theChoicesOfOneReceiptShareOneExcerptThatShowsEveryOption() async throws {
        // Each prompt starts with the same excerpt, showing every choice's options, so only the question differs.
        let receipts = try await Self.receiptsWithSeveralChoices()
        #expect(receipts.count >= 3, "the fixture receipts should exercise several choices on one receipt")
        for receipt in receipts {
            let excerpts = Set(receipt.asked.map { $0.components(separatedBy: "Question: ").first ?? "" })
            #expect(excerpts.count == 1, "\(receipt.id): \(receipt.asked.count) choices with \(excerpts.count) excerpts")
            for prompt in receipt.asked {
                let options = prompt.components(separatedBy: "Options:\n").last?.split(separator: "\n").dropLast()
                    .map { String($0.dropFirst(3)) } ?? []
                #expect(!options.isEmpty)
                for option in options {
                    let words = option.split(separator: " ").first.map(String.init) ?? option
                    #expect(excerpts.first?.uppercased().contains(words.uppercased()) == true,
                            "\(receipt.id): option \(option) is not in the shared excerpt")
                }
            }
        }
    }

    @Test func theLaterChoicesOfAReceiptReuseTheFirstOnesPrefill() async throws {
        let receipt = try #require(try await Self.receiptsWithSeveralChoices().first, "no fixture receipt leaves the rules two choices")
        let choices = receipt.asked.count
        // A fresh engine on the real test model: nothing is cached but what this receipt's own calls leave.
        let engine = try EngineModelClient(modelPath: try TestModelFile.smolLM(), slots: 4, contextLength: 4096)
        let out = try await ReceiptFieldsTool().run(["text": .string(receipt.text)], model: engine)
        #expect(out.modelCalls == choices)
        print("receipt choices: \(choices) calls, \(out.usage.promptTokens) prompt tokens, \(out.usage.cachedPromptTokens) from the cache")
        // Each later call finds at least the system prompt and most of the excerpt in the cache.
        #expect(out.usage.cachedPromptTokens >= 64 * (choices - 1),
                "\(choices) choices, \(out.usage.promptTokens) prompt tokens, \(out.usage.cachedPromptTokens) cached")
    }
}
