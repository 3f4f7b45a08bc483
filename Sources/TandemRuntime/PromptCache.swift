/// Decides, for a new prompt, which slot serves it and how much of its prefix is already in the
/// KV cache — the llama.cpp server's slot choice plus Ollama's sequence fork:
/// take the idle slot with the longest common prefix; when any other slot (even a busy one)
/// holds a longer prefix, share those cells (`llama_memory_seq_cp`) instead of decoding again.
struct PromptCache {
    /// A slot as the cache sees it.
    struct SlotView {
        let id: Int32
        /// Tokens whose KV cells the slot holds, in position order.
        let ledger: [Token]
        let isIdle: Bool
        let lastUsed: UInt64
    }

    /// What to do for the prompt.
    struct Plan: Equatable {
        /// The idle slot that takes the request.
        let slot: Int32
        /// Copy this many leading cells from `source` first (nil: reuse the slot's own ledger).
        let copyFrom: Int32?
        /// Prompt tokens already in KV after the copy/truncation (never the whole prompt).
        let reused: Int
    }

    /// Fewest extra tokens that justify copying another slot's cells. With per-sequence streams
    /// llama.cpp copies the whole stream, which costs about as much as decoding a few dozen
    /// tokens, so small gains are decoded instead.
    static let minimumCopyGain = 32

    /// Returns nil when no slot is idle, or when the prompt should wait because a sequence being
    /// prefilled right now (`prefilling`, their full prompts) will soon hold a longer shared
    /// prefix than any slot does: copying it then beats decoding the same prefix twice.
    static func plan(prompt: [Token], slots: [SlotView], prefilling: [[Token]] = []) -> Plan? {
        let idle = slots.filter(\.isIdle)
        guard !idle.isEmpty else { return nil }
        let best = slots.map { min(commonPrefixLength($0.ledger, prompt), prompt.count - 1) }.max() ?? 0
        if prefilling.contains(where: { min(commonPrefixLength($0, prompt), prompt.count - 1) >= best + minimumCopyGain }) {
            return nil
        }
        // Always leave at least the last prompt token to decode, so logits exist for sampling.
        let usable = prompt.count - 1
        func common(_ s: SlotView) -> Int { min(commonPrefixLength(s.ledger, prompt), usable) }
        let own = idle.max { a, b in
            let ca = common(a), cb = common(b)
            // Ties go to the least recently used slot, so warm ledgers survive longer.
            return ca != cb ? ca < cb : a.lastUsed > b.lastUsed
        }!
        let ownLength = common(own)
        let donor = slots.filter { $0.id != own.id }.max { common($0) < common($1) }
        if let donor, common(donor) >= ownLength + minimumCopyGain {
            return Plan(slot: own.id, copyFrom: donor.id, reused: common(donor))
        }
        return Plan(slot: own.id, copyFrom: nil, reused: ownLength)
    }

    /// Queued prompts looked at past the head of the queue when a slot frees up.
    static let lookAhead = 8
    /// Times the head of the queue may be passed over before it is admitted whatever it reuses.
    static let maxSkips = 4

    /// Which of the queued prompts (`waiting`, in arrival order) to admit next, and how. The head,
    /// unless one of the next `lookAhead` finds at least `minimumCopyGain` more of its prefix in
    /// the cache: then the one that finds most (the earliest on a tie). Taken first in arrival
    /// order, a prompt that shares nothing with the freed slot's cells would overwrite them just
    /// before the queued prompt that shares them (the next step of the same document) is
    /// admitted, which then decodes them again. The head is passed over at most `maxSkips` times
    /// (`headSkips` so far). Nil when the head must wait (see `plan`).
    static func pick(waiting: ArraySlice<[Token]>, headSkips: Int, slots: [SlotView], prefilling: [[Token]] = []) -> (index: Int, plan: Plan)? {
        guard let head = waiting.first, let headPlan = plan(prompt: head, slots: slots, prefilling: prefilling) else { return nil }
        var best = (index: waiting.startIndex, plan: headPlan)
        guard headSkips < maxSkips else { return best }
        for i in waiting.indices.dropFirst().prefix(lookAhead) {
            guard let candidate = plan(prompt: waiting[i], slots: slots, prefilling: prefilling),
                  candidate.reused >= headPlan.reused + minimumCopyGain, candidate.reused > best.plan.reused else { continue }
            best = (i, candidate)
        }
        return best
    }

    static func commonPrefixLength(_ a: [Token], _ b: [Token]) -> Int {
        var n = 0
        let limit = min(a.count, b.count)
        while n < limit, a[n] == b[n] { n += 1 }
        return n
    }
}
