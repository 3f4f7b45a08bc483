import CLlama
import Foundation
import Synchronization
import TandemCore

/// What the scheduler needs to run one request (built by `Engine`, Sendable across the hop).
struct JobSpec: Sendable {
    let id: UInt64
    let prompt: [Token]
    /// 0 = prefill only (warm the prompt cache, generate nothing).
    let maxTokens: Int
    let stop: [String]
    let sampling: SamplingParameters
    let grammar: String?
    let labels: [String]?
    let ignoreEndOfGeneration: Bool
    /// False when the caller reads only `.done` (`Engine.complete`): no text events are sent.
    var streamsText = true
    /// Record each generated token's log-probability.
    var logprobs = false
    /// Append grammar-forced text without sampling (see `GenerationRequest.fastForward`).
    var fastForward = false
    let continuation: AsyncThrowingStream<GenerationEvent, Error>.Continuation
}

/// A point-in-time view of the slots, for status output and tests.
public struct SchedulerStatus: Sendable, Equatable {
    public struct Slot: Sendable, Equatable {
        public let id: Int32
        public let cachedTokens: Int
        public let isBusy: Bool
    }
    public let slots: [Slot]
    public let active: Int
    public let queued: Int
}

/// Continuous batching over one `llama_context` with N sequence slots.
///
/// Every step packs one pending token per generating sequence plus prompt chunks of the
/// sequences still prefilling into a single `llama_batch` and calls `llama_decode` once; a new
/// request joins at the next step, a finished one frees its slot at once. It runs on its own
/// thread (see `DecodeThreadExecutor`) and never awaits inside a step, so no call interleaves
/// with a decode.
actor BatchScheduler {
    struct Slot {
        let id: Int32
        var ledger: [Token] = []
        var job: UInt64?
        var lastUsed: UInt64 = 0
    }

    struct Control {
        var cancelled = Set<UInt64>()
        var inFlight = Set<UInt64>()
    }

    nonisolated let executor: DecodeThreadExecutor
    nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }
    let context: LlamaContext
    private nonisolated let abortSignal: AbortSignal
    private let batch: LlamaBatch
    let tokenizer: Tokenizer
    private let endTokens: [Token]
    private let maxQueued: Int
    var slots: [Slot]
    var active: [SequenceJob] = []
    var waiting: [SequenceJob] = []
    var waitingHead = 0
    private var running = false
    var clock: UInt64 = 0
    var prefillBudget: Int
    private var prefillCursor = 0
    private var stats = SchedulerStepStats()
    /// Reused for every token's text (no allocation per token).
    var pieceBuffer = [CChar](repeating: 0, count: 64)
    /// Built when the first fast-forward job arrives (a pass over the vocabulary); nil inside
    /// when the vocabulary cannot support it.
    lazy var byteTokens: ByteTokenTable? = ByteTokenTable(tokenizer: tokenizer, endTokens: endTokens)
    nonisolated let control = Mutex(Control())
    /// Calls made through `call` that have not started yet.
    private nonisolated let callers = Atomic<Int>(0)

    init(context: LlamaContext, maxQueued: Int, executor: DecodeThreadExecutor) {
        self.executor = executor
        self.context = context
        self.abortSignal = context.abort
        self.batch = LlamaBatch(capacity: context.batchCapacity)
        self.tokenizer = context.model.tokenizer
        self.maxQueued = maxQueued
        self.prefillBudget = context.batchCapacity
        self.slots = (0..<Int32(context.parameters.sequences)).map { Slot(id: $0) }
        let tk = context.model.tokenizer
        self.endTokens = (0..<Int32(tk.vocabularySize)).filter { tk.isEndOfGeneration($0) }
    }

    deinit { executor.stop() }

    var contextLength: Int { context.contextLength }

    // MARK: requests

    /// Queues a request; it is admitted as slots free up, in arrival order except where a later
    /// one finds much more of its prompt in the cache (`PromptCache.pick`).
    func submit(_ spec: JobSpec) {
        if control.withLock({ $0.cancelled.remove(spec.id) }) != nil {
            spec.continuation.finish(throwing: RuntimeError.cancelled)
            return
        }
        guard waiting.count - waitingHead < maxQueued else {
            spec.continuation.finish(throwing: RuntimeError.busy(queued: waiting.count - waitingHead, limit: maxQueued))
            return
        }
        let job: SequenceJob
        do {
            let sampler = spec.labels == nil && spec.maxTokens > 0
                ? try SamplerChain(parameters: spec.sampling, model: context.model, grammar: spec.grammar) : nil
            let choice = try spec.labels.map { try ChoiceConstraint(labels: $0, tokenizer: tokenizer, endTokens: endTokens) }
            job = SequenceJob(id: spec.id, prompt: spec.prompt, maxTokens: spec.maxTokens, stop: spec.stop,
                              sampler: sampler, choice: choice, streamsText: spec.streamsText, continuation: spec.continuation)
            job.ignoresEndOfGeneration = spec.ignoreEndOfGeneration
            job.wantsLogprobs = spec.logprobs
            job.fastForward = spec.fastForward && spec.grammar.map { byteTokens?.supports(grammar: $0) ?? false } ?? false
        } catch {
            spec.continuation.finish(throwing: error)
            return
        }
        waiting.append(job)
        ensureRunning()
    }

    /// Marks a request cancelled; safe from any thread. Aborts the running decode when every
    /// sequence in it is cancelled (e.g. one long prompt being prefilled).
    nonisolated func cancel(_ id: UInt64) {
        let abort = control.withLock { c -> Bool in
            c.cancelled.insert(id)
            return !c.inFlight.isEmpty && c.inFlight.isSubset(of: c.cancelled)
        }
        if abort { abortSignal.flag.store(true, ordering: .relaxed) }
    }

    func status() -> SchedulerStatus {
        SchedulerStatus(slots: slots.map { .init(id: $0.id, cachedTokens: $0.ledger.count, isBusy: $0.job != nil) },
                        active: active.count, queued: waiting.count - waitingHead)
    }

    func slotLedgers() -> [(id: Int32, ledger: [Token], isBusy: Bool)] {
        slots.map { ($0.id, $0.ledger, $0.job != nil) }
    }

    func leastRecentlyUsedIdleSlot() -> Int32? {
        slots.filter { $0.job == nil }.min { ($0.ledger.isEmpty ? 0 : 1, $0.lastUsed) < ($1.ledger.isEmpty ? 0 : 1, $1.lastUsed) }?.id
    }

    func setLedger(_ slot: Int32, _ tokens: [Token]) {
        clock += 1
        slots[Int(slot)].ledger = tokens
        slots[Int(slot)].lastUsed = clock
    }

    // MARK: the loop

    private func ensureRunning() {
        guard !running else { return }
        running = true
        Task { await self.loop() }
    }

    /// Runs `body` on the scheduler. Counted as waiting until it starts, so the loop lets it in
    /// at the next step (see `loop`): every call from outside goes through here.
    nonisolated func call<T: Sendable>(_ body: @Sendable (isolated BatchScheduler) -> T) async -> T {
        callers.add(1, ordering: .relaxed)
        return await enter(body)
    }

    private func enter<T: Sendable>(_ body: @Sendable (isolated BatchScheduler) -> T) -> T {
        callers.subtract(1, ordering: .relaxed)
        return body(self)
    }

    private func loop() async {
        var lastYield = MonotonicClock.now
        while !active.isEmpty || waitingHead < waiting.count {
            step()
            // Hands the thread to calls waiting for the actor (submissions, status) between steps.
            // With none waiting the next step follows at once, with no actor hop per token; the
            // periodic yield is a safety net for a call that bypassed `call`.
            let now = MonotonicClock.now
            if callers.load(ordering: .relaxed) > 0 || now - lastYield > 0.05 {
                lastYield = now
                await Task.yield()
            }
        }
        running = false
        stats.flush()
    }

    private func step() {
        applyCancellations()
        admit()
        guard !active.isEmpty else { return }
        var added: [(job: SequenceJob, tokens: [Token])] = []
        var generatingTokens = 0
        for job in active where job.phase == .generating {
            guard !job.toDecode.isEmpty, let s = job.slot else { continue }
            if slots[Int(s)].ledger.count + job.toDecode.count >= contextLength { finish(job, .contextFull); continue }
            // Forced tokens past the batch's room wait for the next step, without logits now.
            let tokens = Array(job.toDecode.prefix(batch.capacity - generatingTokens))
            guard !tokens.isEmpty else { continue }
            added.append((job, tokens))
            generatingTokens += tokens.count
        }
        var budget = min(batch.capacity - generatingTokens, prefillBudget)
        let prefilling = active.filter { $0.phase == .prefilling }
        if !prefilling.isEmpty {
            prefillCursor = (prefillCursor + 1) % prefilling.count
            for k in 0..<prefilling.count where budget > 0 {
                let job = prefilling[(prefillCursor + k) % prefilling.count]
                guard job.slot != nil else { continue }
                let chunk = Array(job.pending.prefix(budget))
                added.append((job, chunk))
                budget -= chunk.count
            }
        }
        // llama.cpp splits a batch over per-sequence KV streams into micro-batches of sequences
        // with consecutive ids, in batch order: tokens out of slot order cost one micro-batch
        // (a graph build and launch without CUDA graphs) per sequence per step.
        added.sort { $0.job.slot! < $1.job.slot! }
        batch.clear()
        var rows: [(job: SequenceJob, row: Int32)] = []
        for (job, tokens) in added {
            let s = job.slot!
            let base = slots[Int(s)].ledger.count
            let completesPrompt = tokens.count == (job.phase == .generating ? job.toDecode.count : job.pending.count)
            for (i, token) in tokens.enumerated() {
                let wantsLogits = i == tokens.count - 1 && completesPrompt && job.maxTokens > 0
                let row = batch.add(token, position: Int32(base + i), sequence: s, wantsLogits: wantsLogits)
                if wantsLogits { rows.append((job, row)) }
            }
        }
        guard batch.count > 0 else { return }
        // A step with prompt chunks can take long: text held back for the stream goes out first.
        if added.contains(where: { $0.job.phase == .prefilling }) {
            for (job, _) in added where job.phase == .generating { job.deliverPending() }
        }
        let stepStart = SchedulerStepStats.now
        control.withLock { $0.inFlight = Set(added.map(\.job.id)) }
        let rc = context.decode(batch)
        let decodeSeconds = SchedulerStepStats.now - stepStart
        defer { stats.record(stepStart: stepStart, decodeSeconds: decodeSeconds, tokens: batch.count) }
        control.withLock { $0.inFlight = [] }
        switch rc {
        case 0:
            prefillBudget = min(batch.capacity, prefillBudget * 2)
            for (job, tokens) in added {
                slots[Int(job.slot!)].ledger += tokens
                if job.phase == .prefilling {
                    job.pending.removeFirst(tokens.count)
                    if job.pending.isEmpty && job.maxTokens == 0 { finish(job, .maxTokens) }
                } else {
                    job.toDecode.removeFirst(tokens.count)
                    job.usage.breakdown.decodeSeconds += decodeSeconds
                    job.usage.breakdown.steps += 1
                }
            }
            let live = rows.filter { $0.job.phase != .finished }
            let sampleStart = SchedulerStepStats.now
            let picks = ParallelSampling.sample(live, context: context)
            let sampleSeconds = SchedulerStepStats.now - sampleStart
            for ((job, row), token) in zip(live, picks) {
                // Sampling the first token is prompt time; the breakdown covers generation.
                if job.firstToken != nil { job.usage.breakdown.samplingSeconds += sampleSeconds }
                advance(job, row: row, sampled: token)
            }
        case 1:
            recoverFromFullCache(added)
        case 2:
            context.abort.flag.store(false, ordering: .relaxed)
            // Drop the partial work of the aborted batch so ledgers match the KV cells exactly.
            for (job, _) in added { context.removeTokens(sequence: job.slot!, from: Int32(slots[Int(job.slot!)].ledger.count)) }
        default:
            for (job, _) in added {
                context.removeTokens(sequence: job.slot!, from: Int32(slots[Int(job.slot!)].ledger.count))
                fail(job, RuntimeError.decodeFailed(code: rc))
            }
        }
    }
}
