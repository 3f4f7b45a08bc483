import Foundation
import TandemRuntime

/// Embeds texts once per run: a text seen before (same string, so same hash) comes from the cache.
/// Cross-validation and teaching embed the same rows many times over; this keeps it to one pass.
public actor TextEmbedder {
    /// The engine doing the work.
    public nonisolated let engine: EmbeddingEngine
    private var cache: [String: [Float]] = [:]
    /// Seconds spent embedding texts that were not cached.
    public private(set) var embeddingSeconds = 0.0
    /// Texts actually embedded (cache misses).
    public private(set) var embeddedCount = 0

    /// Wraps an embedding engine.
    public init(engine: EmbeddingEngine) { self.engine = engine }

    /// Loads an embedding engine (mean pooling) over `model` that pools `layers` (nil: the
    /// `defaultLayers` of the model; empty: the model's final output).
    public init(model: LlamaModel, maxTokensPerText: Int = 256, threads: Int = 0, layers: [Int]? = nil) throws {
        engine = try EmbeddingEngine(model: model, pooling: .mean, maxTokensPerText: maxTokensPerText, threads: threads,
                                     layers: layers ?? Self.defaultLayers(layerCount: model.info.layerCount))
    }

    /// The layers classifiers are taught on unless told otherwise: one at about a seventh of the
    /// depth (word-level features: line items, intents) and one at half of it (phrase-level:
    /// sentiment, routing), concatenated. Small chat models' last layers are shaped for predicting
    /// the next token; their middle layers separate labels better (SmolLM2-135M, 5-fold on the
    /// dev fixtures: intents 0.91 → 0.95, routing 0.46 → 0.57, line items 0.46 → 0.57), and the
    /// decode stops at the deeper one, so embedding costs about half as much.
    public static func defaultLayers(layerCount: Int) -> [Int] {
        guard layerCount >= 4 else { return [] }
        return Array(Set([layerCount * 3 / 20, layerCount / 2])).sorted()
    }

    /// Mean seconds per embedded text so far (0 before any).
    public var secondsPerText: Double { embeddedCount == 0 ? 0 : embeddingSeconds / Double(embeddedCount) }

    /// The counters now, to measure one task's texts by difference (`secondsPerText(since:)`).
    public var timing: (seconds: Double, count: Int) { (embeddingSeconds, embeddedCount) }

    /// Mean seconds per text embedded since `earlier`; the run's mean when nothing new was embedded
    /// (an embedder shared between tasks would otherwise price short texts at long ones' cost).
    public func secondsPerText(since earlier: (seconds: Double, count: Int)) -> Double {
        let count = embeddedCount - earlier.count
        return count > 0 ? (embeddingSeconds - earlier.seconds) / Double(count) : secondsPerText
    }

    /// One vector per text, in order; `progress(done, total)` after each chunk.
    public func embed(_ texts: [String], chunk: Int = 32,
                      progress: (@Sendable (Int, Int) -> Void)? = nil) async throws -> [[Float]] {
        var missing: [String] = []
        var queued = Set<String>()
        for t in texts where cache[t] == nil && !queued.contains(t) { missing.append(t); queued.insert(t) }
        var done = 0
        while done < missing.count {
            try Task.checkCancellation()
            let part = Array(missing[done..<min(done + chunk, missing.count)])
            let start = Date()
            let vectors = try await engine.embed(part)
            embeddingSeconds += Date().timeIntervalSince(start)
            embeddedCount += part.count
            for (t, v) in zip(part, vectors) { cache[t] = v }
            done += part.count
            progress?(done, missing.count)
        }
        return texts.map { cache[$0]! }
    }
}
