import Foundation

/// One request inside the scheduler: its tokens, sampler, stop conditions and stream.
/// Lives only on the scheduler's executor.
final class SequenceJob {
    enum Phase { case waiting, prefilling, generating, finished }

    /// Text after the first piece reaches the stream at most this often: a fast decode (a GPU,
    /// a small model) then wakes the consumer every few tokens instead of for every token, and a
    /// reader sees no difference at 50 updates a second. The first piece goes at once.
    static let deliveryInterval = 0.020

    let id: UInt64
    let prompt: [Token]
    let maxTokens: Int
    let continuation: AsyncThrowingStream<GenerationEvent, Error>.Continuation
    /// False when nobody reads the text events (`Engine.complete`): only `.done` is sent.
    let streamsText: Bool
    let sampler: SamplerChain?
    var choice: ChoiceConstraint?
    var ignoresEndOfGeneration = false
    /// Log-probabilities of `generated`, one each, when asked for.
    var wantsLogprobs = false
    var logprobs: [Double] = []
    var phase = Phase.waiting
    /// Times a later request sharing more of the cache was admitted before this one.
    var skips = 0
    var slot: Int32?
    /// Prompt tokens not yet decoded.
    var pending: ArraySlice<Token> = []
    /// Generated but not yet decoded: the sampled token, then any the grammar forced after it.
    /// They go into the next batch (as many as it has room for); logits come from the last.
    var toDecode: [Token] = []
    /// Append grammar-forced text without sampling (`GenerationRequest.fastForward`).
    var fastForward = false
    var generated: [Token] = []
    var text = ""
    var stops: StopStringMatcher
    var utf8 = UTF8StreamDecoder()
    var usage = GenerationUsage()
    /// Monotonic-clock seconds (`MonotonicClock`).
    let submitted = MonotonicClock.now
    var admitted: Double?
    var firstToken: Double?
    /// Text emitted but not yet handed to the stream, and when the stream last got some.
    private var unsent = ""
    private var lastDelivery = -Double.infinity

    init(id: UInt64, prompt: [Token], maxTokens: Int, stop: [String], sampler: SamplerChain?, choice: ChoiceConstraint?,
         streamsText: Bool = true, continuation: AsyncThrowingStream<GenerationEvent, Error>.Continuation) {
        self.id = id
        self.prompt = prompt
        self.maxTokens = maxTokens
        self.stops = StopStringMatcher(stop)
        self.sampler = sampler
        self.choice = choice
        self.streamsText = streamsText
        self.continuation = continuation
        usage.promptTokens = prompt.count
    }

    /// Emits text: kept for the completion, and streamed (see `deliveryInterval`).
    func emit(_ piece: String) {
        guard !piece.isEmpty else { return }
        text += piece
        guard streamsText else { return }
        unsent += piece
        let now = MonotonicClock.now
        if now - lastDelivery >= Self.deliveryInterval { deliver(startingAt: now) }
    }

    /// Hands any text not yet streamed to the stream now (before a long step, and at the end).
    func deliverPending() {
        if !unsent.isEmpty { deliver(startingAt: MonotonicClock.now) }
    }

    private func deliver(startingAt start: Double) {
        continuation.yield(.text(unsent))
        unsent = ""
        lastDelivery = start
        if firstToken != nil { usage.breakdown.deliverySeconds += MonotonicClock.now - start }
    }

    /// Ends the stream with a completion.
    func finish(_ reason: FinishReason, choice result: ChoiceResult? = nil) {
        guard phase != .finished else { return }
        emit(stops.feed(utf8.flush()).emit + stops.flush())
        deliverPending()
        phase = .finished
        let now = MonotonicClock.now
        usage.generatedTokens = generated.count
        usage.queueSeconds = (admitted ?? now) - submitted
        usage.timeToFirstTokenSeconds = (firstToken ?? now) - (admitted ?? submitted)
        usage.generationSeconds = firstToken.map { now - $0 } ?? 0
        usage.totalSeconds = now - submitted
        continuation.yield(.done(Completion(text: text, tokens: generated, finishReason: reason, usage: usage, choice: result,
                                            tokenLogprobs: wantsLogprobs ? logprobs : nil)))
        continuation.finish()
    }

    /// Ends the stream with an error.
    func fail(_ error: Error) {
        guard phase != .finished else { return }
        phase = .finished
        continuation.finish(throwing: error)
    }
}
