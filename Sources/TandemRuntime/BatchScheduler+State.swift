import CLlama

extension BatchScheduler {
    /// Longest prefix of `tokens` any slot holds.
    func longestCachedPrefix(_ tokens: [Token]) -> Int {
        slotLedgers().map { PromptCache.commonPrefixLength($0.ledger, tokens) }.max() ?? 0
    }

    /// Saves the slot holding exactly `tokens` to `path`; false when no slot does any more.
    func saveState(path: String, tokens: [Token]) -> Bool {
        guard let slot = slotLedgers().first(where: { $0.ledger == tokens && !$0.isBusy }) else { return false }
        return tokens.withUnsafeBufferPointer { buf in
            llama_state_seq_save_file(context.raw, path, slot.id, buf.baseAddress, buf.count) > 0
        }
    }

    /// Loads a saved state into the least recently used idle slot; checks llama.cpp's own
    /// result and the stored tokens, and leaves the slot empty on any failure.
    func restoreState(path: String, tokens: [Token]) -> Bool {
        guard let slot = leastRecentlyUsedIdleSlot() else { return false }
        context.removeTokens(sequence: slot)
        var loaded = [Token](repeating: 0, count: tokens.count + 1)
        var count = 0
        let bytes = llama_state_seq_load_file(context.raw, path, slot, &loaded, loaded.count, &count)
        guard bytes > 0, count == tokens.count, Array(loaded.prefix(count)) == tokens,
              context.maxPosition(sequence: slot) == Int32(tokens.count - 1) else {
            context.removeTokens(sequence: slot)
            setLedger(slot, [])
            return false
        }
        setLedger(slot, tokens)
        return true
    }
}
