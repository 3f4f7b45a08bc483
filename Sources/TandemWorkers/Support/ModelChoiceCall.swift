import TandemOrchestrator

/// One label choice on the local model, checked before it is trusted.
struct ModelChoiceCall: Sendable {
    /// The chosen label and its probability, or why the fallback must answer.
    let result: Result<(label: String, probability: Double), FallbackReason>
    let usage: TokenUsage
    let calls: Int
    /// Each label's probability at the first step, when the model gave it (in-process).
    var distribution: [String: Double]? = nil

    static func run(_ model: (any LocalModelClient)?, system: String, text: String, labels: [String]) async throws -> ModelChoiceCall {
        guard let model else { return ModelChoiceCall(result: .failure(.modelOff), usage: .zero, calls: 0) }
        do {
            let reply = try await model.choose(LocalChoiceRequest(system: system, user: text, labels: labels))
            guard labels.contains(reply.label) else {
                return ModelChoiceCall(result: .failure(.invalidOutput("'\(reply.label.prefix(60))' is not one of the labels")), usage: reply.usage, calls: 1)
            }
            let p = reply.probability.isFinite ? min(max(reply.probability, 0), 1) : 0
            return ModelChoiceCall(result: .success((reply.label, p)), usage: reply.usage, calls: 1, distribution: reply.distribution)
        } catch {
            if error is CancellationError || Task.isCancelled { throw CancellationError() }
            return ModelChoiceCall(result: .failure(.modelFailed(String(describing: error))), usage: .zero, calls: 1)
        }
    }
}
