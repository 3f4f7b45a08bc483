import CLlama
import Foundation
import Synchronization

/// Set from any thread to make the running `llama_decode` return early (code 2).
final class AbortSignal: Sendable {
    let flag = Atomic<Bool>(false)
}

/// Parameters of a decoding context.
public struct ContextParameters: Sendable, Equatable {
    /// Tokens each sequence can hold (prompt + generated). The context has
    /// `contextLength × sequences` KV cells in all.
    public var contextLength: Int = 2048
    /// Most tokens one `llama_decode` call takes.
    public var batchSize: Int = 2048
    /// Physical micro-batch size.
    public var microBatchSize: Int = 512
    /// Sequence slots that decode together.
    public var sequences: Int = 8
    /// CPU threads (0 = all cores).
    public var threads: Int = 0
    /// Compute embeddings instead of logits.
    public var embeddings: Bool = false
    /// One KV cell pool for all sequences instead of one stream per sequence (the default).
    ///
    /// Streams keep each sequence's attention apart, so a request gives the same greedy text
    /// batched or alone (while it holds under 512 cells: past that llama.cpp's lone-sequence
    /// decode splits attention across threads and rounds differently). In the pool a shared prompt prefix is held once and tagged for
    /// every sequence that uses it, and a step's tokens decode as one micro-batch instead of
    /// splitting by sequence: on 2 CPU threads (SmolLM2-135M, 1,000-token shared instruction,
    /// 16 slots) bulk items run about 30 % faster. The price: llama.cpp's CPU attention picks
    /// its kernel by the micro-batch's shape, so a near-tie token can come out differently
    /// batched than alone. Each sequence is held to `contextLength` tokens either way.
    public var unifiedKV: Bool = false
    /// Reuse KV cells of earlier prompts that share a prefix (the prompt cache). Off only for
    /// baselines that must pay for every prompt.
    public var reusePrompts: Bool = true
    /// Pooling for embeddings contexts (set by `EmbeddingEngine`).
    var pooling: llama_pooling_type = LLAMA_POOLING_TYPE_UNSPECIFIED

    public init(contextLength: Int = 2048, batchSize: Int = 2048, microBatchSize: Int = 512, sequences: Int = 8,
                threads: Int = 0, embeddings: Bool = false, unifiedKV: Bool = false, reusePrompts: Bool = true) {
        self.contextLength = contextLength; self.batchSize = batchSize; self.microBatchSize = microBatchSize
        self.sequences = sequences; self.threads = threads; self.embeddings = embeddings; self.unifiedKV = unifiedKV
        self.reusePrompts = reusePrompts
    }

    var resolvedThreads: Int32 {
        Int32(threads > 0 ? threads : ProcessInfo.processInfo.activeProcessorCount)
    }

    func validate() throws(RuntimeError) {
        guard contextLength >= 16, contextLength <= 1 << 20 else { throw .invalidParameter(name: "context length", reason: "must be in 16...1048576") }
        guard contextLength * sequences <= 1 << 22 else { throw .invalidParameter(name: "context length", reason: "context × sequences exceeds 4M cells") }
        guard sequences >= 1, sequences <= Int(llama_max_parallel_sequences()) else {
            throw .invalidParameter(name: "sequences", reason: "must be in 1...\(llama_max_parallel_sequences())")
        }
        guard batchSize >= 1, microBatchSize >= 1, microBatchSize <= batchSize else {
            throw .invalidParameter(name: "batch size", reason: "need 1 ≤ micro-batch ≤ batch")
        }
        guard threads >= 0 else { throw .invalidParameter(name: "threads", reason: "must be ≥ 0") }
    }
}

/// A `llama_context` over one model; freed in `deinit`, before the model it holds.
final class LlamaContext {
    let raw: OpaquePointer
    let model: LlamaModel  // freed after us, never before
    let parameters: ContextParameters
    let abort = AbortSignal()
    /// Reads a layer's hidden states and stops each decode there (embedding contexts only).
    let tap: LayerTap?

    init(model: LlamaModel, parameters: ContextParameters, tap: LayerTap? = nil) throws(RuntimeError) {
        try parameters.validate()
        var p = llama_context_default_params()
        p.n_ctx = UInt32(parameters.contextLength * parameters.sequences)
        p.n_batch = UInt32(parameters.batchSize)
        p.n_ubatch = UInt32(parameters.microBatchSize)
        p.n_seq_max = UInt32(parameters.sequences)
        p.n_threads = parameters.resolvedThreads
        p.n_threads_batch = parameters.resolvedThreads
        p.no_perf = false
        p.kv_unified = parameters.unifiedKV
        p.embeddings = parameters.embeddings
        if parameters.embeddings {
            // In a unified pool the context is shared: contextLength already counts all texts.
            p.n_ctx = UInt32(parameters.contextLength)
            p.pooling_type = parameters.pooling
        }
        p.abort_callback = { data in
            guard let data else { return false }
            return Unmanaged<AbortSignal>.fromOpaque(data).takeUnretainedValue().flag.load(ordering: .relaxed)
        }
        p.abort_callback_data = Unmanaged.passUnretained(abort).toOpaque()
        if let tap {
            // Unretained: `self.tap` keeps it alive for as long as the context can call it.
            p.cb_eval = LayerTap.callback
            p.cb_eval_user_data = Unmanaged.passUnretained(tap).toOpaque()
        }
        guard let raw = llama_init_from_model(model.raw, p) else { throw .contextCreationFailed(contextLength: parameters.contextLength) }
        self.raw = raw
        self.model = model
        self.parameters = parameters
        self.tap = tap
    }

    deinit { llama_free(raw) }

    var memory: llama_memory_t { llama_get_memory(raw) }
    /// Tokens one sequence can hold: what the parameters ask for (a unified pool would let one
    /// sequence take all of it, starving the others).
    var contextLength: Int { min(parameters.contextLength, Int(llama_n_ctx_seq(raw))) }
    var batchCapacity: Int { Int(llama_n_batch(raw)) }

    /// Decodes a batch. 0 ok, 1 no KV room (state unchanged), 2 aborted, < 0 error.
    func decode(_ batch: LlamaBatch) -> Int32 { llama_decode(raw, batch.raw) }

    /// Forgets positions `from...` of `sequence` (all of it when `from` is 0).
    @discardableResult
    func removeTokens(sequence: Int32, from: Int32 = 0) -> Bool {
        llama_memory_seq_rm(memory, sequence, from, -1)
    }

    /// Gives `destination` the cells of `source` for positions `0..<count` (after clearing it).
    /// In a unified cache that only tags cells; with per-sequence streams llama.cpp copies the
    /// whole stream (it refuses partial cross-stream copies), so the tail is cut afterwards.
    func copyPrefix(from source: Int32, to destination: Int32, count: Int32) {
        llama_memory_seq_rm(memory, destination, -1, -1)
        if parameters.unifiedKV {
            llama_memory_seq_cp(memory, source, destination, 0, count)
        } else {
            llama_memory_seq_cp(memory, source, destination, -1, -1)
            llama_memory_seq_rm(memory, destination, count, -1)
        }
    }

    /// Highest position stored for `sequence`, or -1.
    func maxPosition(sequence: Int32) -> Int32 { llama_memory_seq_pos_max(memory, sequence) }

    func clearMemory() { llama_memory_clear(memory, true) }
}
