import Foundation
import Testing
import TandemRuntime

/// The shared KV pool (`ContextParameters.unifiedKV`): prefixes are tagged for several
/// sequences instead of copied, so trimming one sequence must never touch cells another holds,
/// and each sequence stays held to its own context length although the pool is larger.
@Suite struct SharedKVPoolTests {
    private func pool(sequences: Int, context: Int = 4096) throws -> Engine {
        try Engine(model: TestModels.smolLM(), parameters: ContextParameters(contextLength: context, sequences: sequences, threads: 2, unifiedKV: true))
    }

    private func item(_ name: String) -> GenerationRequest {
        GenerationRequest(.messages([.system(SchedulerTests.system), .user(name)]), maxTokens: 6)
    }

    @Test func aBurstOfSharedPrefixRequestsLeavesEveryCachedPrefixIntact() async throws {
        let names = ["apples", "whole milk", "sourdough bread", "frozen peas", "potato chips", "dish soap"]
        let solo = try TestModels.engine(sequences: 1)
        var expected: [String] = []
        for n in names { expected.append(try await solo.complete(item(n)).text) }

        let engine = try pool(sequences: 4)
        // A burst tags the instruction's cells for every slot, then trims each slot's own tail
        // again and again as items come and go.
        let burst = try await withThrowingTaskGroup(of: GenerationUsage.self) { group in
            for i in 0..<24 { group.addTask { try await engine.complete(item(names[i % names.count])).usage } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(burst.count == 24)
        #expect(burst.filter { $0.cachedPromptTokens > 100 }.count >= 20, "the instruction was decoded again instead of shared")
        // One at a time, each request decodes with the shapes it would have alone, over cells
        // the burst left behind: a cell lost or overwritten by another slot's trim shows as text
        // different from the lone engine's.
        for (n, want) in zip(names, expected) {
            let reply = try await engine.complete(item(n))
            #expect(reply.usage.cachedPromptTokens > 100)
            #expect(reply.text == want, "\(n)")
        }
        let status = await engine.status()
        #expect(status.active == 0 && status.slots.allSatisfy { !$0.isBusy })
    }

    @Test func eachSequenceIsHeldToItsOwnContextLength() async throws {
        // 4 × 256 cells in the pool, but a sequence may use 256 of them.
        let engine = try pool(sequences: 4, context: 256)
        await #expect(throws: RuntimeError.self) {
            _ = try await engine.complete(.prompt(String(repeating: "total amount due ", count: 100), maxTokens: 4))
        }
        // A grammar that never completes rules out an early end of generation.
        let long = try await engine.complete(GenerationRequest(.text("Count:"), maxTokens: 1000, constraint: .grammar(#"root ::= "1 " root"#)))
        #expect(long.finishReason == .contextFull)
        #expect(long.usage.promptTokens + long.tokens.count <= 256)
    }
}
