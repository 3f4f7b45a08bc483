import TandemRuntime

/// Gathers the texts of concurrent `/v1/embeddings` requests into shared engine calls: while one
/// call decodes, the next requests queue, and the next call takes them all (up to `maxTexts`).
/// The engine packs many texts into each `llama_decode`, so 16 clients sending one text each
/// cost about what one client sending 16 texts does.
actor EmbeddingBatcher {
    private struct Waiting {
        let texts: [String]
        let continuation: CheckedContinuation<[[Float]], Error>
    }

    private let engine: Engine
    private let maxTexts: Int
    private var waiting: [Waiting] = []
    private var running = false

    init(engine: Engine, maxTexts: Int = 256) {
        self.engine = engine
        self.maxTexts = maxTexts
    }

    /// One L2-normalised vector per text, in order.
    func embed(_ texts: [String]) async throws -> [[Float]] {
        try await withCheckedThrowingContinuation { continuation in
            waiting.append(Waiting(texts: texts, continuation: continuation))
            if !running {
                running = true
                Task { await self.drain() }
            }
        }
    }

    private func drain() async {
        while !waiting.isEmpty {
            var batch: [Waiting] = []
            var count = 0
            while let next = waiting.first, batch.isEmpty || count + next.texts.count <= maxTexts {
                batch.append(waiting.removeFirst())
                count += next.texts.count
            }
            do {
                let vectors = try await engine.embed(batch.flatMap(\.texts))
                var start = 0
                for request in batch {
                    request.continuation.resume(returning: Array(vectors[start..<(start + request.texts.count)]))
                    start += request.texts.count
                }
            } catch {
                for request in batch { request.continuation.resume(throwing: error) }
            }
        }
        running = false
    }
}
