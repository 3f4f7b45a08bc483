import Foundation
import Testing
import TandemRuntime

@Suite struct GenerationTests {
    @Test func greedyIsDeterministicAndStreams() async throws {
        let engine = try TestModels.engine(sequences: 1)
        let request = GenerationRequest(.messages([.user("Name three colours.")]), maxTokens: 24)
        var streamed = ""
        var done: Completion?
        for try await event in engine.stream(request) {
            switch event {
            case .text(let t): streamed += t
            case .done(let c): done = c
            }
        }
        let again = try await engine.complete(request)
        #expect(done?.text == streamed)
        #expect(again.text == streamed)
        #expect(!streamed.isEmpty)
        #expect(done!.usage.generatedTokens <= 24)
    }

    @Test func maxTokensStopsGeneration() async throws {
        let engine = try TestModels.engine(sequences: 1)
        let reply = try await engine.complete(GenerationRequest(.messages([.user("Count from 1 to 100, comma separated.")]), maxTokens: 5))
        #expect(reply.finishReason == .maxTokens)
        #expect(reply.usage.generatedTokens == 5)
    }

    @Test func stopStringEndsAndIsNotShown() async throws {
        let engine = try TestModels.engine(sequences: 1)
        let base = try await engine.complete(GenerationRequest(.messages([.user("Count from 1 to 20, comma separated.")]), maxTokens: 40))
        guard let range = base.text.range(of: "5") else { Issue.record("model output lacks '5': \(base.text)"); return }
        let reply = try await engine.complete(GenerationRequest(.messages([.user("Count from 1 to 20, comma separated.")]), maxTokens: 40, stop: ["5"]))
        #expect(reply.finishReason == .stopString)
        #expect(reply.text == String(base.text[..<range.lowerBound]))
    }

    @Test func maxTokensZeroIsAnError() async throws {
        let engine = try TestModels.engine(sequences: 1)
        await #expect(throws: RuntimeError.self) { _ = try await engine.complete(.prompt("hi", maxTokens: 0)) }
    }

    @Test func promptLongerThanContextIsAnError() async throws {
        let engine = try TestModels.engine(sequences: 1, context: 128)
        let long = String(repeating: "receipt total ", count: 200)
        do {
            _ = try await engine.complete(.prompt(long, maxTokens: 4))
            Issue.record("expected promptTooLong")
        } catch RuntimeError.promptTooLong(let tokens, let context) {
            #expect(tokens > context)
        }
    }

    @Test func outOfRangeTokensInInputAreErrors() async throws {
        let engine = try TestModels.engine(sequences: 1)
        await #expect(throws: RuntimeError.tokenOutOfRange(token: 1_000_000, vocabularySize: 49_152)) {
            _ = try await engine.complete(GenerationRequest(.tokens([1, 1_000_000]), maxTokens: 2))
        }
        await #expect(throws: RuntimeError.emptyPrompt) { _ = try await engine.complete(GenerationRequest(.tokens([]), maxTokens: 2)) }
    }

    @Test func samplingWithSeedIsReproducible() async throws {
        let engine = try TestModels.engine(sequences: 2)
        let sampling = SamplingParameters(temperature: 0.9, topK: 40, topP: 0.95, minP: 0.05, repeatPenalty: 1.1, seed: 42)
        let request = GenerationRequest(.messages([.user("Write a short poem about receipts.")]), maxTokens: 20, sampling: sampling)
        async let a = engine.complete(request)
        async let b = engine.complete(request)
        #expect(try await a.text == b.text)
        #expect(throws: RuntimeError.self) { try SamplingParameters(temperature: -1).validate() }
    }

    @Test func cancellationStopsPromptlyAndFreesTheSlot() async throws {
        let engine = try TestModels.engine(sequences: 1)
        let task = Task {
            var pieces = 0
            for try await event in engine.stream(GenerationRequest(.messages([.user("Tell a very long story.")]), maxTokens: 3000)) {
                if case .text = event { pieces += 1 }
            }
            return pieces
        }
        try await Task.sleep(for: .milliseconds(300))
        task.cancel()
        _ = try? await task.value
        var status = await engine.status()
        let deadline = ContinuousClock.now + .seconds(600)  // the cancelled decode ends within a step; a loaded machine steps slowly
        while status.active > 0 && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
            status = await engine.status()
        }
        #expect(status.active == 0)
        #expect(status.slots.allSatisfy { !$0.isBusy })
        // The engine still works afterwards.
        #expect(try await engine.complete(.prompt("Hello", maxTokens: 3)).usage.generatedTokens >= 1)
    }
}
