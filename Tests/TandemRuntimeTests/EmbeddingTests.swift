import Foundation
import Testing
import TandemRuntime

@Suite struct EmbeddingTests {
    private func cosine(_ a: [Float], _ b: [Float]) -> Float { zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }

    @Test func embedsNormalizedAndBatchedLikeSingly() async throws {
        let engine = try EmbeddingEngine(model: TestModels.smolLM(), threads: 2)
        let texts = ["fresh organic bananas", "ripe yellow bananas", "laundry detergent 2L", "book a table for two tonight", ""]
        let vectors = try await engine.embed(texts)
        #expect(vectors.count == texts.count)
        for v in vectors {
            #expect(v.count == engine.dimension)
            #expect(abs(v.reduce(0) { $0 + $1 * $1 } - 1) < 1e-3)
        }
        #expect(cosine(vectors[0], vectors[1]) > cosine(vectors[0], vectors[2]))
        for (i, text) in texts.enumerated() {
            let single = try await engine.embed([text])[0]
            #expect(cosine(single, vectors[i]) > 0.999)
        }
    }

    @Test func longTextsAreTruncatedWithAWarning() async throws {
        let engine = try EmbeddingEngine(model: TestModels.smolLM(), maxTokensPerText: 16, threads: 2)
        let v = try await engine.embed([String(repeating: "receipt total amount ", count: 50)])
        #expect(v.count == 1)
    }

    @Test func manyTextsSpanSeveralDecodes() async throws {
        let engine = try EmbeddingEngine(model: TestModels.smolLM(), maxTokensPerText: 64, batchTokens: 256, sequences: 4, threads: 2)
        let texts = (0..<37).map { "item number \($0) in the basket" }
        let vectors = try await engine.embed(texts)
        #expect(vectors.count == 37)
        #expect(Set(vectors.map { $0.prefix(4).map { Int($0 * 1e5) } }).count > 30)
    }
}
