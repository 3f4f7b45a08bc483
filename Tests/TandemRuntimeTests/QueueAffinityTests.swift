import Foundation
import Testing
import TandemRuntime

/// When a slot frees up, the queued request that continues the slot's document is admitted
/// before an unrelated one that arrived earlier and would overwrite the document's cells.
@Suite struct QueueAffinityTests {
    static let document = "Receipt OCR text:\n" + (1...40).map { "LINE \($0) ITEM \($0 * 7) PRICE \($0).50" }.joined(separator: "\n")

    private func question(_ text: String, maxTokens: Int, ignoreEnd: Bool = false) -> GenerationRequest {
        GenerationRequest(.messages([.system("Answer briefly."), .user(Self.document + "\nQuestion: " + text)]),
                          maxTokens: maxTokens, ignoreEndOfGeneration: ignoreEnd)
    }

    @Test func aQueuedFollowUpGoesBeforeAnEarlierUnrelatedRequest() async throws {
        let engine = try TestModels.engine(sequences: 1, context: 2048)
        // Long enough that both later requests are queued while it runs, even on a busy machine.
        let first = Task { try await engine.complete(question("Which line is first?", maxTokens: 400, ignoreEnd: true)) }
        try await waitUntil(engine) { $0.active == 1 }
        let unrelated = Task { try await engine.complete(.prompt("Name three colours.", maxTokens: 4)) }
        try await waitUntil(engine) { $0.queued == 1 }
        let followUp = Task { try await engine.complete(question("Which line is last?", maxTokens: 4)) }
        try await waitUntil(engine) { $0.queued == 2 }
        #expect(try await first.value.usage.generatedTokens == 400, "the first request was still running when both were queued")
        let follow = try await followUp.value.usage
        let other = try await unrelated.value
        print("follow-up: \(follow.cachedPromptTokens) of \(follow.promptTokens) prompt tokens cached")
        // Admitted in arrival order, the unrelated prompt would have taken the only slot first and
        // the follow-up would find none of the document cached.
        #expect(follow.cachedPromptTokens > follow.promptTokens / 2)
        #expect(other.usage.generatedTokens > 0, "the request passed over is still served")
    }

    /// Polls the engine's status until `condition` holds; fails after a minute.
    private func waitUntil(_ engine: Engine, _ condition: (SchedulerStatus) -> Bool) async throws {
        let deadline = Date().addingTimeInterval(60)
        while !condition(await engine.status()) {
            guard Date() < deadline else { throw StateNotReached(status: await engine.status()) }
            try await Task.sleep(for: .milliseconds(2))
        }
    }
}

/// The engine never reached the state a test waited for.
private struct StateNotReached: Error, CustomStringConvertible {
    let status: SchedulerStatus
    var description: String { "the engine did not reach the awaited state within a minute: \(status.active) active, \(status.queued) queued" }
}
