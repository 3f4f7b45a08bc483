import CLlama

/// A `llama_batch` with room for `capacity` tokens, each in one sequence; freed in `deinit`.
final class LlamaBatch {
    private(set) var raw: llama_batch
    let capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
        raw = llama_batch_init(Int32(capacity), 0, 1)
    }

    deinit { llama_batch_free(raw) }

    var count: Int { Int(raw.n_tokens) }
    var isFull: Bool { count >= capacity }

    func clear() { raw.n_tokens = 0 }

    /// Appends a token; returns its row index (the index to read logits from when `wantsLogits`).
    @discardableResult
    func add(_ token: Token, position: Int32, sequence: Int32, wantsLogits: Bool) -> Int32 {
        precondition(!isFull, "LlamaBatch overflow: callers check isFull")
        let i = Int(raw.n_tokens)
        raw.token[i] = token
        raw.pos[i] = position
        raw.n_seq_id[i] = 1
        raw.seq_id[i]![0] = sequence
        raw.logits[i] = wantsLogits ? 1 : 0
        raw.n_tokens += 1
        return Int32(i)
    }
}
