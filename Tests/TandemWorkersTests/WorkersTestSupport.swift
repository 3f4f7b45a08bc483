import Foundation
import Synchronization
import TandemCore
import TandemOrchestrator
import TandemTestSupport

/// A local model that misbehaves on purpose (fault injection): invalid JSON, labels outside the
/// set, or errors. It records how many calls were in flight at once; with `rendezvous` > 1 each
/// call first waits until that many have been in flight together (at most 10 minutes from the
/// model's creation), so overlap is seen however slowly a loaded machine starts the calls.
final class MisbehavingModel: LocalModelClient {
    enum Mode: Sendable, Equatable {
        case invalidJSON, wrongLabel, throwing
        /// Answers every choice with this label and probability (for the tools' decision rules).
        case choosing(String, Double)
    }
    let mode: Mode
    let modelName = "misbehaving-test-model"
    private let rendezvous: Int
    private let deadline = ContinuousClock.now + .seconds(600)
    private let inFlight = Mutex((now: 0, peak: 0, calls: 0))
    private let choiceUsers = Mutex<[String]>([])

    init(_ mode: Mode, rendezvous: Int = 1) {
        self.mode = mode
        self.rendezvous = rendezvous
    }

    var peakConcurrency: Int { inFlight.withLock { $0.peak } }
    var calls: Int { inFlight.withLock { $0.calls } }
    /// The user message of every choice asked, in order.
    var askedChoices: [String] { choiceUsers.withLock { $0 } }

    private func enter() { inFlight.withLock { $0.now += 1; $0.calls += 1; $0.peak = max($0.peak, $0.now) } }
    private func leave() { inFlight.withLock { $0.now -= 1 } }
    private func meet() async {
        while peakConcurrency < rendezvous && ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(5)) }
    }

    func generateJSON(_ request: LocalJSONRequest) async throws -> LocalJSONReply {
        enter(); defer { leave() }
        await meet()
        try await Task.sleep(for: .milliseconds(20))
        if mode == .throwing { throw InjectedFault(message: "model crashed") }
        return LocalJSONReply(text: "{\"company\": \"ACME\", \"date\": ", usage: TokenUsage(promptTokens: 100, cachedPromptTokens: 40, generatedTokens: 7))
    }

    func choose(_ request: LocalChoiceRequest) async throws -> LocalChoiceReply {
        enter(); defer { leave() }
        choiceUsers.withLock { $0.append(request.user) }
        await meet()
        try await Task.sleep(for: .milliseconds(20))
        if mode == .throwing { throw InjectedFault(message: "model crashed") }
        if case .choosing(let label, let p) = mode { return LocalChoiceReply(label: label, probability: p, usage: TokenUsage(promptTokens: 30, generatedTokens: 1)) }
        return LocalChoiceReply(label: "not-a-label", probability: 0.9, usage: TokenUsage(promptTokens: 30, generatedTokens: 2))
    }
}

/// Compiles plan JSON text against `registry`.
func compile(_ text: String, _ registry: WorkerRegistry) throws(PlanValidationError) -> CompiledPlan {
    try PlanValidator(registry: registry).compile(text: text)
}
