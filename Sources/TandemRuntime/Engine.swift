import Foundation
import Synchronization
import TandemCore

/// Tandem's inference engine: one model, one context, N sequence slots decoded together.
///
/// ```swift
/// let engine = try Engine(modelPath: "models/SmolLM2-135M-Instruct.Q4_1.gguf", parameters: .init(sequences: 8))
/// let reply = try await engine.complete(.init(.messages([.user("Hi")]), maxTokens: 32))
/// for try await event in engine.stream(request) { ... }
/// ```
/// Concurrent calls from many tasks share the slots; prompts that start alike reuse each other's
/// KV cells (see `PromptCache`).
public final class Engine: Sendable {
    public let model: LlamaModel
    public let parameters: ContextParameters
    let scheduler: BatchScheduler
    private let template: ChatTemplate?
    private let nextID = Atomic<UInt64>(1)
    private let embeddings = Mutex<EmbeddingEngine?>(nil)

    /// Creates an engine over a loaded model.
    /// - Parameter maxQueued: requests waiting for a slot beyond this fail with `RuntimeError.busy`.
    public init(model: LlamaModel, parameters: ContextParameters = ContextParameters(), maxQueued: Int = 4096) throws(RuntimeError) {
        guard maxQueued >= 1 else { throw .invalidParameter(name: "queue limit", reason: "must be ≥ 1") }
        var p = parameters
        p.batchSize = min(p.batchSize, p.contextLength * p.sequences)
        p.microBatchSize = min(p.microBatchSize, p.batchSize)
        let context = try LlamaContext(model: model, parameters: p)
        self.model = model
        self.parameters = p
        self.template = try? ChatTemplate(model: model)
        self.scheduler = BatchScheduler(context: context, maxQueued: maxQueued,
                                        executor: DecodeThreadExecutor(name: "tandem-decode"))
    }

    /// Loads the model (shared with other engines on the same file) and creates an engine.
    public convenience init(modelPath: String, backend: Backend = .auto, gpuLayers: Int? = nil, rpcServers: [String] = [],
                            parameters: ContextParameters = ContextParameters(), maxQueued: Int = 4096) throws(RuntimeError) {
        try self.init(model: LlamaModel.load(path: modelPath, backend: backend, gpuLayers: gpuLayers, rpcServers: rpcServers),
                      parameters: parameters, maxQueued: maxQueued)
    }

    /// The model's chat template, or an error naming why there is none.
    public func chatTemplate() throws(RuntimeError) -> ChatTemplate {
        if let template { return template }
        return try ChatTemplate(model: model)
    }

    /// The prompt tokens for `input`, validated against the vocabulary and the context.
    public func promptTokens(for input: GenerationRequest.Input) throws(RuntimeError) -> [Token] {
        let tokens: [Token]
        switch input {
        case .text(let text): tokens = try model.tokenizer.tokenize(text)
        case .messages(let messages): tokens = try model.tokenizer.tokenize(try chatTemplate().apply(messages))
        case .tokens(let given):
            for t in given { try model.tokenizer.check(t) }
            tokens = given
        }
        guard !tokens.isEmpty else { throw .emptyPrompt }
        guard tokens.count < parameters.contextLength else {
            throw .promptTooLong(tokens: tokens.count, contextLength: parameters.contextLength)
        }
        return tokens
    }

    /// Streams a generation: text pieces as decoded, then `.done` with the completion.
    /// Cancelling the consuming task (or dropping the stream) frees the slot promptly.
    public func stream(_ request: GenerationRequest) -> AsyncThrowingStream<GenerationEvent, Error> {
        run(request, streamsText: true)
    }

    /// Runs a generation to the end. Its text is not streamed: no consumer wakes per token.
    public func complete(_ request: GenerationRequest) async throws -> Completion {
        for try await event in run(request, streamsText: false) {
            if case .done(let completion) = event { return completion }
        }
        throw RuntimeError.cancelled
    }

    private func run(_ request: GenerationRequest, streamsText: Bool) -> AsyncThrowingStream<GenerationEvent, Error> {
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: GenerationEvent.self)
        do {
            let spec = try jobSpec(for: request, streamsText: streamsText, continuation: continuation)
            let scheduler = self.scheduler
            continuation.onTermination = { reason in
                if case .cancelled = reason { scheduler.cancel(spec.id) }
            }
            Task { await scheduler.call { $0.submit(spec) } }
        } catch {
            continuation.finish(throwing: error)
        }
        return stream
    }

    /// Picks one of `labels` as the reply to `input`, with its probability.
    public func choose(_ input: GenerationRequest.Input, labels: [String]) async throws -> ChoiceResult {
        let completion = try await complete(GenerationRequest(input, maxTokens: 64, constraint: .choice(labels)))
        guard let choice = completion.choice else { throw RuntimeError.invalidParameter(name: "labels", reason: "no label chosen") }
        return choice
    }

    /// Decodes `input` into the prompt cache without generating, so later prompts that start
    /// with it skip that work. Returns the usage (cached tokens show what was already warm).
    public func prefill(_ input: GenerationRequest.Input) async throws -> GenerationUsage {
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: GenerationEvent.self)
        let tokens = try promptTokens(for: input)
        let spec = JobSpec(id: nextID.add(1, ordering: .relaxed).oldValue, prompt: tokens, maxTokens: 0, stop: [],
                           sampling: .greedy, grammar: nil, labels: nil, ignoreEndOfGeneration: false,
                           continuation: continuation)
        await scheduler.call { $0.submit(spec) }
        for try await event in stream { if case .done(let c) = event { return c.usage } }
        throw RuntimeError.cancelled
    }

    func embedder() throws -> EmbeddingEngine {
        try embeddings.withLock { existing in
            if let existing { return existing }
            let made = try EmbeddingEngine(model: model, threads: parameters.threads)
            existing = made
            return made
        }
    }

    /// Slots, their cached tokens and the queue.
    public func status() async -> SchedulerStatus { await scheduler.call { $0.status() } }

    private func jobSpec(for request: GenerationRequest, streamsText: Bool,
                         continuation: AsyncThrowingStream<GenerationEvent, Error>.Continuation) throws -> JobSpec {
        guard request.maxTokens >= 1 else {
            throw RuntimeError.invalidParameter(name: "max tokens", reason: "must be ≥ 1 (got \(request.maxTokens))")
        }
        try request.sampling.validate()
        let tokens = try promptTokens(for: request.input)
        var grammar: String?
        var labels: [String]?
        switch request.constraint {
        case .grammar(let g): grammar = g
        case .jsonSchema(let schema): grammar = try StructuredOutput.grammar(for: schema)
        case .choice(let l): labels = l
        case nil: break
        }
        var spec = JobSpec(id: nextID.add(1, ordering: .relaxed).oldValue, prompt: tokens, maxTokens: request.maxTokens,
                           stop: request.stop, sampling: request.sampling, grammar: grammar, labels: labels,
                           ignoreEndOfGeneration: request.ignoreEndOfGeneration, continuation: continuation)
        spec.streamsText = streamsText
        spec.logprobs = request.logprobs
        spec.fastForward = request.fastForward && !request.logprobs
        return spec
    }
}
