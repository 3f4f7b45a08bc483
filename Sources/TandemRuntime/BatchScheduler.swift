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

    private struct Control {
        var cancelled = Set<UInt64>()
        var inFlight = Set<UInt64>()
    }

    nonisolated let executor: DecodeThreadExecutor
    nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }
    let context: LlamaContext
    private nonisolated let abortSignal: AbortSignal
    private let batch: LlamaBatch
    private let tokenizer: Tokenizer
    private let endTokens: [Token]
    private let maxQueued: Int
    private var slots: [Slot]
    private var active: [SequenceJob] = []
    private var waiting: [SequenceJob] = []
    private var waitingHead = 0
    private var running = false
    private var clock: UInt64 = 0
    private var prefillBudget: Int
    private var prefillCursor = 0
    private var stats = SchedulerStepStats()
    private nonisolated let control = Mutex(Control())

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

    /// Queues a request; it is admitted in FIFO order as slots free up.
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
                              sampler: sampler, choice: choice, continuation: spec.continuation)
            job.ignoresEndOfGeneration = spec.ignoreEndOfGeneration
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

    private func loop() async {
        while !active.isEmpty || waitingHead < waiting.count {
            step()
            // Lets submissions and status calls queued on this executor run between steps.
            await Task.yield()
        }
        running = false
        stats.flush()
    }

    private func step() {
        applyCancellations()
        admit()
        guard !active.isEmpty else { return }
        var added: [(job: SequenceJob, tokens: [Token])] = []
        for job in active where job.phase == .generating {
            guard let token = job.nextToken, let s = job.slot else { continue }
            if slots[Int(s)].ledger.count >= contextLength - 1 { finish(job, .contextFull); continue }
            added.append((job, [token]))
        }
        var budget = min(batch.capacity - added.count, prefillBudget)
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
            let completesPrompt = job.phase == .generating || tokens.count == job.pending.count
            for (i, token) in tokens.enumerated() {
                let wantsLogits = i == tokens.count - 1 && completesPrompt && job.maxTokens > 0
                let row = batch.add(token, position: Int32(base + i), sequence: s, wantsLogits: wantsLogits)
                if wantsLogits { rows.append((job, row)) }
            }
        }
        guard batch.count > 0 else { return }
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
                    job.nextToken = nil
                }
            }
            let live = rows.filter { $0.job.phase != .finished }
            for ((job, row), token) in zip(live, ParallelSampling.sample(live, context: context)) { advance(job, row: row, sampled: token) }
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

    /// Takes `job`'s next token (`sampled`, or choice mode's step on row `row`), then applies
    /// its stop conditions.
    private func advance(_ job: SequenceJob, row: Int32, sampled: Token?) {
        if job.firstToken == nil { job.firstToken = Date() }
        job.phase = .generating
        if var choice = job.choice {
            let (token, label) = choice.step(context: context, index: row)
            job.choice = choice
            if let label {
                job.emit(label)
                finish(job, .endOfGeneration, choice: ChoiceResult(label: label, probability: choice.probability,
                                                                    firstStepDistribution: choice.firstStep))
            } else if let token {
                job.generated.append(token)
                job.nextToken = token
            } else {
                fail(job, RuntimeError.invalidParameter(name: "labels", reason: "no label could be completed"))
            }
            return
        }
        guard let token = sampled else {
            fail(job, RuntimeError.grammarRejected(reason: "no token the grammar allows could follow the \(job.generated.count) generated so far"))
            return
        }
        if tokenizer.isEndOfGeneration(token) && !job.ignoresEndOfGeneration { finish(job, .endOfGeneration); return }
        job.generated.append(token)
        let piece = job.utf8.append((try? tokenizer.pieceBytes(token)) ?? [])
        let (emit, stopped) = job.stops.feed(piece)
        job.emit(emit)
        if stopped { finish(job, .stopString); return }
        if job.generated.count >= job.maxTokens { finish(job, .maxTokens); return }
        job.nextToken = token
    }

    // MARK: admission, release, recovery

    private func admit() {
        while waitingHead < waiting.count {
            let job = waiting[waitingHead]
            // With reuse off every prompt starts cold (the baseline a naive loop gets).
            let reuse = context.parameters.reusePrompts
            let views = slots.map { PromptCache.SlotView(id: $0.id, ledger: reuse ? $0.ledger : [], isIdle: $0.job == nil, lastUsed: $0.lastUsed) }
            let prefilling = active.filter { $0.phase == .prefilling }.map(\.prompt)
            guard let plan = PromptCache.plan(prompt: job.prompt, slots: views, prefilling: prefilling) else { break }
            waitingHead += 1
            if waitingHead > 1024 { waiting.removeFirst(waitingHead); waitingHead = 0 }
            let s = Int(plan.slot)
            var reused = plan.reused
            if let donor = plan.copyFrom {
                context.copyPrefix(from: donor, to: plan.slot, count: Int32(reused))
                slots[s].ledger = Array(job.prompt.prefix(reused))
            } else if !context.removeTokens(sequence: plan.slot, from: Int32(reused)) {
                // Some caches (sliding-window, recurrent) cannot cut a sequence in the middle.
                context.removeTokens(sequence: plan.slot)
                reused = 0
            }
            slots[s].ledger.removeSubrange(reused...)
            slots[s].job = job.id
            job.slot = plan.slot
            job.pending = job.prompt[reused...]
            job.usage.cachedPromptTokens = reused
            job.phase = .prefilling
            job.admitted = Date()
            active.append(job)
        }
    }

    private func applyCancellations() {
        let cancelled = control.withLock { $0.cancelled }
        guard !cancelled.isEmpty else { return }
        var handled = Set<UInt64>()
        for job in active where cancelled.contains(job.id) { handled.insert(job.id); fail(job, RuntimeError.cancelled) }
        for job in waiting[waitingHead...] where cancelled.contains(job.id) { handled.insert(job.id); job.fail(RuntimeError.cancelled) }
        if !handled.isEmpty {
            let head = waiting[waitingHead...].filter { !handled.contains($0.id) }
            waiting = Array(head)
            waitingHead = 0
            control.withLock { $0.cancelled.subtract(handled) }
        }
    }

    private func finish(_ job: SequenceJob, _ reason: FinishReason, choice: ChoiceResult? = nil) {
        job.finish(reason, choice: choice)
        release(job)
    }

    private func fail(_ job: SequenceJob, _ error: Error) {
        job.fail(error)
        release(job)
    }

    /// Frees the job's slot; its ledger stays, so the cells serve later prompts as a cache.
    private func release(_ job: SequenceJob) {
        active.removeAll { $0 === job }
        guard let s = job.slot else { return }
        clock += 1
        slots[Int(s)].job = nil
        slots[Int(s)].lastUsed = clock
    }

    /// `llama_decode` found no room: evict an idle slot's cache, else shrink the prompt chunks,
    /// else fail the sequence using the most cells, so the others can go on.
    private func recoverFromFullCache(_ added: [(job: SequenceJob, tokens: [Token])]) {
        if let victim = slots.indices.filter({ slots[$0].job == nil && !slots[$0].ledger.isEmpty })
            .min(by: { slots[$0].lastUsed < slots[$1].lastUsed }) {
            context.removeTokens(sequence: slots[victim].id)
            slots[victim].ledger = []
            return
        }
        let prefillTokens = added.filter { $0.job.phase == .prefilling }.reduce(0) { $0 + $1.tokens.count }
        if prefillTokens > 1 {
            prefillBudget = max(1, prefillTokens / 2)
            return
        }
        guard let victim = added.map(\.job).max(by: { slots[Int($0.slot!)].ledger.count < slots[Int($1.slot!)].ledger.count }) else { return }
        let s = victim.slot!
        let held = slots[Int(s)].ledger.count
        context.removeTokens(sequence: s)
        slots[Int(s)].ledger = []
        fail(victim, RuntimeError.kvCacheFull(tokens: held + 1, contextLength: contextLength))
    }
}
