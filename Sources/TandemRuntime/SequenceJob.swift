import Foundation

/// One request inside the scheduler: its tokens, sampler, stop conditions and stream.
/// Lives only on the scheduler's executor.
final class SequenceJob {
    enum Phase { case waiting, prefilling, generating, finished }

    let id: UInt64
    let prompt: [Token]
    let maxTokens: Int
    let continuation: AsyncThrowingStream<GenerationEvent, Error>.Continuation
    let sampler: SamplerChain?
    var choice: ChoiceConstraint?
    var ignoresEndOfGeneration = false
    var phase = Phase.waiting
    var slot: Int32?
    /// Prompt tokens not yet decoded.
    var pending: ArraySlice<Token> = []
    /// Sampled but not yet decoded (it goes into the next batch).
    var nextToken: Token?
    var generated: [Token] = []
    var text = ""
    var stops: StopStringMatcher
    var utf8 = UTF8StreamDecoder()
    var usage = GenerationUsage()
    let submitted = Date()
    var admitted: Date?
    var firstToken: Date?

    init(id: UInt64, prompt: [Token], maxTokens: Int, stop: [String], sampler: SamplerChain?, choice: ChoiceConstraint?,
         continuation: AsyncThrowingStream<GenerationEvent, Error>.Continuation) {
        self.id = id
        self.prompt = prompt
        self.maxTokens = maxTokens
        self.stops = StopStringMatcher(stop)
        self.sampler = sampler
        self.choice = choice
        self.continuation = continuation
        usage.promptTokens = prompt.count
    }

    /// Emits streamed text.
    func emit(_ piece: String) {
        guard !piece.isEmpty else { return }
        text += piece
        continuation.yield(.text(piece))
    }

    /// Ends the stream with a completion.
    func finish(_ reason: FinishReason, choice result: ChoiceResult? = nil) {
        guard phase != .finished else { return }
        emit(stops.feed(utf8.flush()).emit + stops.flush())
        phase = .finished
        let now = Date()
        usage.generatedTokens = generated.count
        usage.queueSeconds = (admitted ?? now).timeIntervalSince(submitted)
        usage.timeToFirstTokenSeconds = (firstToken ?? now).timeIntervalSince(admitted ?? submitted)
        usage.generationSeconds = firstToken.map { now.timeIntervalSince($0) } ?? 0
        usage.totalSeconds = now.timeIntervalSince(submitted)
        continuation.yield(.done(Completion(text: text, tokens: generated, finishReason: reason, usage: usage, choice: result)))
        continuation.finish()
    }

    /// Ends the stream with an error.
    func fail(_ error: Error) {
        guard phase != .finished else { return }
        phase = .finished
        continuation.finish(throwing: error)
    }
}
