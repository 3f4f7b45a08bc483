import Foundation

/// A request's life in the scheduler: admission to a slot, each sampled token, the end.
extension BatchScheduler {
    /// Takes `job`'s next token (`sampled`, or choice mode's step on row `row`), then applies
    /// its stop conditions.
    func advance(_ job: SequenceJob, row: Int32, sampled: Token?) {
        if job.firstToken == nil { job.firstToken = MonotonicClock.now }
        job.phase = .generating
        if var choice = job.choice {
            let (token, label) = choice.step(context: context, index: row)
            job.choice = choice
            if let label {
                // The token that completed the label is part of the answer: the cost ledger and
                // the pipeline's generated-token counts include it (a one-letter choice is 1).
                if let token { job.generated.append(token) }
                job.emit(label)
                finish(job, .endOfGeneration, choice: ChoiceResult(label: label, probability: choice.probability,
                                                                    firstStepDistribution: choice.firstStep))
            } else if let token {
                job.generated.append(token)
                job.toDecode = [token]
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
        if job.wantsLogprobs, let logits = SamplerChain.logits(context, row: row) {
            job.logprobs.append(SamplerChain.logProbability(of: token, logits: logits, count: Int(tokenizer.vocabularySize)))
        }
        guard append(token, to: job) else { return }
        job.toDecode = [token]
        if job.fastForward, let sampler = job.sampler { fastForward(job, sampler: sampler) }
    }

    /// Adds one generated token's text to `job` and applies the stop conditions; false when
    /// they ended it.
    private func append(_ token: Token, to job: SequenceJob) -> Bool {
        let textStart = SchedulerStepStats.now
        job.generated.append(token)
        let length = tokenizer.piece(token, into: &pieceBuffer)
        let piece = pieceBuffer.withUnsafeBytes { job.utf8.append(UnsafeRawBufferPointer(rebasing: $0.prefix(length))) }
        let (emit, stopped) = job.stops.feed(piece)
        job.usage.breakdown.detokenizeSeconds += SchedulerStepStats.now - textStart
        job.emit(emit)
        if stopped { finish(job, .stopString); return false }
        if job.generated.count >= job.maxTokens { finish(job, .maxTokens); return false }
        return true
    }

    /// Appends the text the grammar forces after the sampled token, to be decoded with it in the
    /// next step, and ends the job once the grammar admits nothing but its end: neither needs
    /// the model's choice, so neither costs a decode step of its own.
    private func fastForward(_ job: SequenceJob, sampler: SamplerChain) {
        guard let table = byteTokens else { return }
        let start = SchedulerStepStats.now
        let forced = sampler.forcedText(table, limit: Self.fastForwardLimit)
        let tokens = forced.bytes.isEmpty ? [] : table.tokens(spelling: forced.bytes, tokenizer: tokenizer)
        sampler.acceptForced(tokens)
        job.usage.breakdown.samplingSeconds += SchedulerStepStats.now - start
        let held = job.slot.map { slots[Int($0)].ledger.count } ?? 0
        for token in tokens {
            // Everything generated is in the slot's cells or about to be: no more than the
            // context holds, as when every token is sampled.
            if held + job.toDecode.count >= contextLength { finish(job, .contextFull); return }
            job.usage.forcedTokens += 1
            guard append(token, to: job) else { return }
            job.toDecode.append(token)
        }
        if forced.ends && !job.ignoresEndOfGeneration { finish(job, .endOfGeneration) }
    }

    /// Most bytes forced in one go; a longer run goes on after the next sampled token.
    static var fastForwardLimit: Int { 64 }


    // MARK: admission, release, recovery

    func admit() {
        while waitingHead < waiting.count {
            // With reuse off every prompt starts cold (the baseline a naive loop gets) and the
            // queue is served in arrival order.
            let reuse = context.parameters.reusePrompts
            let views = slots.map { PromptCache.SlotView(id: $0.id, ledger: reuse ? $0.ledger : [], isIdle: $0.job == nil, lastUsed: $0.lastUsed) }
            let prefilling = active.filter { $0.phase == .prefilling }.map(\.prompt)
            let queued = waiting[waitingHead...].prefix(reuse ? PromptCache.lookAhead + 1 : 1).map(\.prompt)
            guard let (offset, plan) = PromptCache.pick(waiting: queued[...], headSkips: waiting[waitingHead].skips,
                                                        slots: views, prefilling: prefilling) else { break }
            let job: SequenceJob
            if offset == 0 {
                job = waiting[waitingHead]
                waitingHead += 1
                if waitingHead > 1024 { waiting.removeFirst(waitingHead); waitingHead = 0 }
            } else {
                job = waiting.remove(at: waitingHead + offset)
                waiting[waitingHead].skips += 1
            }
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
            job.admitted = MonotonicClock.now
            active.append(job)
        }
    }

    func applyCancellations() {
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

    func finish(_ job: SequenceJob, _ reason: FinishReason, choice: ChoiceResult? = nil) {
        job.finish(reason, choice: choice)
        release(job)
    }

    func fail(_ job: SequenceJob, _ error: Error) {
        job.fail(error)
        release(job)
    }

    /// Frees the job's slot; its ledger stays, so the cells serve later prompts as a cache.
    func release(_ job: SequenceJob) {
        active.removeAll { $0 === job }
        guard let s = job.slot else { return }
        clock += 1
        slots[Int(s)].job = nil
        slots[Int(s)].lastUsed = clock
    }

    /// `llama_decode` found no room: evict an idle slot's cache, else shrink the prompt chunks,
    /// else fail the sequence using the most cells, so the others can go on.
    func recoverFromFullCache(_ added: [(job: SequenceJob, tokens: [Token])]) {
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
