import CLlama
import Foundation
import Synchronization
import TandemCore

/// How token vectors become one text vector.
public enum Pooling: String, Sendable, Codable, CaseIterable {
    /// The pooling the model file declares (mean when it declares none).
    case model
    case mean, last, cls

    var llamaType: llama_pooling_type {
        switch self {
        case .model: LLAMA_POOLING_TYPE_UNSPECIFIED
        case .mean: LLAMA_POOLING_TYPE_MEAN
        case .last: LLAMA_POOLING_TYPE_LAST
        case .cls: LLAMA_POOLING_TYPE_CLS
        }
    }
}

/// Text embeddings: many texts per `llama_decode` (one sequence id each), pooled by llama.cpp,
/// L2-normalized. Runs on its own embeddings context and decode thread.
public final class EmbeddingEngine: Sendable {
    public let model: LlamaModel
    public let pooling: Pooling
    /// Texts longer than this many tokens are cut (with a warning).
    public let maxTokensPerText: Int
    /// The layers whose hidden states are pooled (0-based, ascending); empty for the model's final output.
    public let layers: [Int]
    private let worker: EmbeddingWorker

    /// - Parameters:
    ///   - batchTokens: most tokens decoded per call; texts are packed up to it.
    ///   - sequences: most texts per call.
    ///   - layers: pool these layers' hidden states (each token scaled to unit RMS; the layers'
    ///     vectors concatenated) and skip every layer above the deepest; empty: the final output,
    ///     read at the final norm before the output projection for mean, last and cls pooling
    ///     (`LayerTap.finalOutput`), pooled by llama.cpp for the model's own pooling.
    ///   The defaults pack more short texts per call than the 32 / 2,048 before them: on 2 cores,
    ///   one unpaired `tandem-bench embed` run each gave 26.9 vs 25.1 texts/s.
    public init(model: LlamaModel, pooling: Pooling = .mean, maxTokensPerText: Int = 512,
                batchTokens: Int = 4096, sequences: Int = 64, threads: Int = 0, layers: [Int] = []) throws(RuntimeError) {
        guard maxTokensPerText >= 1, maxTokensPerText <= batchTokens else {
            throw .invalidParameter(name: "max tokens per text", reason: "must be in 1...\(batchTokens)")
        }
        if let bad = layers.first(where: { !(0..<model.info.layerCount).contains($0) }) {
            throw .invalidParameter(name: "embedding layer", reason: "must be in 0...\(model.info.layerCount - 1) for this model (got \(bad))")
        }
        self.model = model
        self.pooling = pooling
        self.maxTokensPerText = maxTokensPerText
        self.layers = Array(Set(layers)).sorted()
        // The final layer is read at the final norm too, skipping the output projection, for the
        // poolings whose vector is built from token rows (the model's own may be another kind).
        let tap = layers.isEmpty ? ([.mean, .last, .cls].contains(pooling) ? LayerTap.finalOutput() : nil) : LayerTap(layers: layers)
        let context = try LlamaContext(model: model, embeddingPooling: pooling.llamaType, batchTokens: batchTokens,
                                       sequences: sequences, threads: threads, tap: tap)
        worker = EmbeddingWorker(context: context, executor: DecodeThreadExecutor(name: "tandem-embed"))
    }

    /// Vector length (the model's width once per pooled layer).
    public var dimension: Int { model.info.embeddingLength * max(1, layers.count) }

    /// One L2-normalized vector per text, in order.
    public func embed(_ texts: [String]) async throws -> [[Float]] {
        let tokenizer = model.tokenizer
        var batches: [[Token]] = []
        let limit = maxTokensPerText
        let key = "embedding.cut.\(limit)"
        RepeatedWarnings.considered(key, texts.count)
        for (i, text) in texts.enumerated() {
            var tokens = try tokenizer.tokenize(text, addSpecial: true, parseSpecial: false)
            if tokens.isEmpty { tokens = try tokenizer.tokenize(" ", addSpecial: true, parseSpecial: false) }
            if tokens.isEmpty { throw RuntimeError.emptyPrompt }
            if tokens.count > maxTokensPerText {
                RepeatedWarnings.note(key, item: "text \(i + 1) has \(tokens.count) tokens; embedding its first \(limit)") { count, total in
                    "\(RepeatedWarnings.count(count)) of \(RepeatedWarnings.count(total)) texts were longer than \(limit) tokens and were "
                        + "cut to their first \(limit) (`tandem embed --max-tokens N` raises the limit; --verbose lists each text)"
                }
                tokens = Array(tokens.prefix(maxTokensPerText))
            }
            batches.append(tokens)
        }
        return try await worker.embed(batches)
    }
}

/// The decode side of `EmbeddingEngine`, confined to its thread.
actor EmbeddingWorker {
    nonisolated let executor: DecodeThreadExecutor
    nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }
    private let context: LlamaContext
    private let batch: LlamaBatch

    init(context: LlamaContext, executor: DecodeThreadExecutor) {
        self.context = context
        self.executor = executor
        self.batch = LlamaBatch(capacity: context.batchCapacity)
    }

    deinit { executor.stop() }

    func embed(_ texts: [[Token]]) throws -> [[Float]] {
        var out: [[Float]] = []
        out.reserveCapacity(texts.count)
        let maxSequences = context.parameters.sequences
        let dimension = context.model.info.embeddingLength
        var start = 0
        while start < texts.count {
            try Task.checkCancellation()
            batch.clear()
            var end = start
            while end < texts.count, end - start < maxSequences, batch.count + texts[end].count <= batch.capacity {
                for (position, token) in texts[end].enumerated() {
                    batch.add(token, position: Int32(position), sequence: Int32(end - start), wantsLogits: true)
                }
                end += 1
            }
            context.clearMemory()
            context.tap?.reset()
            let rc = context.decode(batch)
            guard rc == 0 else { throw RuntimeError.decodeFailed(code: rc) }
            if let tap = context.tap {
                out += try pooled(tap, texts[start..<end])
                start = end
                continue
            }
            for s in 0..<(end - start) {
                guard let vector = llama_get_embeddings_seq(context.raw, Int32(s)) else {
                    throw RuntimeError.invalidParameter(name: "pooling", reason: "llama.cpp returned no pooled embedding")
                }
                var v = Array(UnsafeBufferPointer(start: vector, count: dimension))
                let norm = sqrt(v.reduce(0) { $0 + $1 * $1 })
                if norm > 0 { for k in v.indices { v[k] /= norm } }
                out.append(v)
            }
            start = end
        }
        return out
    }

    /// One L2-normalized vector per text from the tapped layers' rows (the batch holds the texts'
    /// tokens one text after another).
    private func pooled(_ tap: LayerTap, _ texts: ArraySlice<[Token]>) throws -> [[Float]] {
        let expected = texts.reduce(0) { $0 + $1.count }
        guard !tap.unreadable, tap.tokenCount == expected else {
            throw RuntimeError.invalidParameter(
                name: "embedding layers", reason: "\(tap.tapped) gave \(tap.tokenCount) token rows for \(expected) tokens"
                    + (tap.unreadable ? " (not a contiguous float tensor)" : "") + "; use the final layer")
        }
        var out: [[Float]] = []
        var row = 0
        for tokens in texts {
            let range = row..<(row + tokens.count)
            var v = switch context.parameters.pooling {
            case LLAMA_POOLING_TYPE_LAST: tap.pooledMean((range.upperBound - 1)..<range.upperBound)
            case LLAMA_POOLING_TYPE_CLS: tap.pooledMean(range.lowerBound..<(range.lowerBound + 1))
            default: tap.pooledMean(range)
            }
            let norm = sqrt(v.reduce(0) { $0 + $1 * $1 })
            if norm > 0 { for k in v.indices { v[k] /= norm } }
            out.append(v)
            row = range.upperBound
        }
        return out
    }
}

extension LlamaContext {
    /// A context that returns pooled embeddings per sequence (read from `tap`'s layer when given).
    convenience init(model: LlamaModel, embeddingPooling: llama_pooling_type, batchTokens: Int, sequences: Int,
                     threads: Int, tap: LayerTap? = nil) throws(RuntimeError) {
        var p = ContextParameters(contextLength: batchTokens, batchSize: batchTokens, microBatchSize: batchTokens,
                                  sequences: sequences, threads: threads, embeddings: true, unifiedKV: true)
        p.pooling = embeddingPooling
        try self.init(model: model, parameters: p, tap: tap)
    }
}

extension Engine {
    /// L2-normalized embeddings of `texts` (mean pooling), on an embeddings context created on
    /// first use and kept for the engine's lifetime.
    public func embed(_ texts: [String]) async throws -> [[Float]] {
        try await embedder().embed(texts)
    }
}
