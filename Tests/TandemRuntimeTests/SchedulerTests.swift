import Foundation
import Testing
import TandemRuntime

@Suite struct SchedulerTests {
    static let system = "You categorize grocery items. Answer with the category only. " + String(repeating: "Categories: produce, dairy, bakery, frozen, snacks, beverages, household. ", count: 6)

    private func item(_ name: String) -> GenerationRequest {
        GenerationRequest(.messages([.system(Self.system), .user(name)]), maxTokens: 6)
    }

    @Test func concurrentRequestsMatchTheSameRequestAlone() async throws {
        let names = ["apples", "whole milk", "sourdough bread", "frozen peas", "potato chips", "orange juice", "dish soap", "cheddar", "bananas", "ice cream"]
        let solo = try TestModels.engine(sequences: 1)
        var expected: [String] = []
        for n in names { expected.append(try await solo.complete(item(n)).text) }
        let engine = try TestModels.engine(sequences: 4)
        let results = try await withThrowingTaskGroup(of: (Int, String).self) { group in
            for (i, n) in names.enumerated() { group.addTask { (i, try await engine.complete(item(n)).text) } }
            var out = [String](repeating: "", count: names.count)
            for try await (i, text) in group { out[i] = text }
            return out
        }
        #expect(results == expected)
    }

    @Test func sharedPrefixComesFromTheCache() async throws {
        let engine = try TestModels.engine(sequences: 4)
        let first = try await engine.complete(item("apples"))
        #expect(first.usage.cachedPromptTokens == 0)
        let second = try await engine.complete(item("milk"))
        #expect(second.usage.cachedPromptTokens > 100)
        let identical = try await engine.complete(item("milk"))
        #expect(identical.usage.cachedPromptTokens == identical.usage.promptTokens - 1)
        #expect(identical.text == second.text)
        // Concurrent requests fork the warm prefix into other slots instead of re-decoding it.
        let usages = try await withThrowingTaskGroup(of: GenerationUsage.self) { group in
            for n in ["bread", "peas", "chips", "soap"] { group.addTask { try await engine.complete(item(n)).usage } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(usages.allSatisfy { $0.cachedPromptTokens > 100 })
    }

    @Test func prefillWarmsTheCache() async throws {
        let engine = try TestModels.engine(sequences: 2)
        let warm = try await engine.prefill(.text("<|im_start|>system\n" + Self.system))
        #expect(warm.cachedPromptTokens == 0)
        let reply = try await engine.complete(item("apples"))
        #expect(reply.usage.cachedPromptTokens > 50)
    }

    @Test func thousandConcurrentRequestsWithRandomCancellation() async throws {
        let engine = try TestModels.engine(sequences: 8)
        let names = ["apples", "milk", "bread", "peas", "chips", "juice", "soap", "cheese"]
        var expected: [String: String] = [:]
        for n in names { expected[n] = try await engine.complete(item(n)).text }
        let outcomes = await withTaskGroup(of: (String, String?).self) { group in
            for i in 0..<1000 {
                let name = names[i % names.count]
                let task = Task { try await engine.complete(item(name)).text }
                if i % 3 == 0 {
                    group.addTask {
                        try? await Task.sleep(for: .milliseconds(Int.random(in: 0...200)))
                        task.cancel()
                        return (name, try? await task.value)
                    }
                } else {
                    group.addTask { (name, try? await task.value) }
                }
            }
            return await group.reduce(into: [(String, String?)]()) { $0.append($1) }
        }
        let completed = outcomes.compactMap { o in o.1.map { (o.0, $0) } }
        #expect(completed.count >= 666)  // every uncancelled request, plus cancellations that came too late
        for (name, text) in completed { #expect(text == expected[name], "\(name)") }
        let status = await engine.status()
        #expect(status.active == 0 && status.queued == 0)
        #expect(status.slots.allSatisfy { !$0.isBusy })
    }

    @Test func requestTooLongFailsAloneOthersFinish() async throws {
        let engine = try TestModels.engine(sequences: 2, context: 512)
        let good = Task { try await engine.complete(item("apples")) }
        let bad = Task { try await engine.complete(.prompt(String(repeating: "total amount due ", count: 300), maxTokens: 4)) }
        await #expect(throws: RuntimeError.self) { _ = try await bad.value }
        #expect(try await !good.value.text.isEmpty)
    }

    @Test func queueLimitGivesBusy() async throws {
        let engine = try Engine(model: TestModels.smolLM(), parameters: ContextParameters(contextLength: 1024, sequences: 1, threads: 2), maxQueued: 2)
        let results = await withTaskGroup(of: Result<Completion, Error>.self) { group in
            for _ in 0..<8 {
                group.addTask { await Result(catching: { try await engine.complete(.prompt("Say a long sentence about apples.", maxTokens: 16)) }) }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        let busy = results.filter { if case .failure(RuntimeError.busy) = $0 { true } else { false } }
        #expect(busy.count >= 1)
        #expect(results.contains { if case .success = $0 { true } else { false } })
    }

    @Test func choiceModeReturnsALabelAndProbability() async throws {
        let engine = try TestModels.engine(sequences: 2)
        let labels = ["positive", "negative"]
        let choice = try await engine.choose(.messages([.system("Classify the sentiment of the review as positive or negative."),
                                                        .user("I loved this place, the food was wonderful!")]), labels: labels)
        #expect(labels.contains(choice.label))
        #expect(choice.probability > 0 && choice.probability <= 1)
        #expect(abs(choice.firstStepDistribution.values.reduce(0, +) - 1) < 1e-6)
        await #expect(throws: RuntimeError.self) { _ = try await engine.choose(.text("x"), labels: []) }
    }

    /// A choice's answer is counted as generated tokens (the cost ledger records it): one token
    /// for a one-token label. It used to count 0 when the first step decided the label.
    @Test func aChoiceCountsItsLabelTokensAsGenerated() async throws {
        let engine = try TestModels.engine(sequences: 1)
        let completion = try await engine.complete(GenerationRequest(
            .messages([.system("Answer with one letter."), .user("Which letter comes first in the alphabet? A or B?")]),
            maxTokens: 8, constraint: .choice(["A", "B"])))
        let label = try #require(completion.choice?.label)
        let labelTokens = try engine.model.tokenizer.tokenize(label, addSpecial: false, parseSpecial: false).count
        #expect(completion.usage.generatedTokens >= 1 && completion.usage.generatedTokens <= max(labelTokens, 1))
        #expect(completion.tokens.count == completion.usage.generatedTokens)
    }
}

extension Result where Failure == Error {
    init(catching body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}
