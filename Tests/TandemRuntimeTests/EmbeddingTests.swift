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

    @Test func layerEmbeddingsConcatenateNormalizedLayersAndBatchLikeSingly() async throws {
        let model = try TestModels.smolLM()
        let engine = try EmbeddingEngine(model: model, threads: 2, layers: [15, 4])
        #expect(engine.layers == [4, 15])
        #expect(engine.dimension == 2 * model.info.embeddingLength)
        let texts = ["fresh organic bananas", "ripe yellow bananas", "laundry detergent 2L", "book a table for two tonight", ""]
        let vectors = try await engine.embed(texts)
        let half = model.info.embeddingLength
        for v in vectors {
            #expect(v.count == engine.dimension)
            #expect(abs(v.reduce(0) { $0 + $1 * $1 } - 1) < 1e-3)
            // Each layer's part weighs the same.
            let first = v.prefix(half).reduce(0) { $0 + $1 * $1 }
            #expect(abs(first - 0.5) < 1e-3)
        }
        #expect(cosine(vectors[0], vectors[1]) > cosine(vectors[0], vectors[2]))
        // Rows are read back per text from the packed batch: alone or batched, the same vector.
        for (i, text) in texts.enumerated() {
            let single = try await engine.embed([text])[0]
            #expect(cosine(single, vectors[i]) > 0.999, "text \(i)")
        }
        let final = try await EmbeddingEngine(model: model, threads: 2).embed([texts[0]])[0]
        #expect(final.count == half)
    }

    @Test func layerTapSpansSeveralDecodesAndRefusesMissingLayers() async throws {
        let model = try TestModels.smolLM()
        let engine = try EmbeddingEngine(model: model, maxTokensPerText: 64, batchTokens: 256, sequences: 4, threads: 2, layers: [7])
        let texts = (0..<13).map { "item number \($0) in the basket" }
        let batched = try await engine.embed(texts)
        #expect(batched.count == 13)
        let last = try await engine.embed([texts[12]])[0]
        #expect(cosine(last, batched[12]) > 0.999)
        #expect(throws: RuntimeError.self) { try EmbeddingEngine(model: model, threads: 1, layers: [model.info.layerCount]) }
    }

    @Test func manyTextsSpanSeveralDecodes() async throws {
        let engine = try EmbeddingEngine(model: TestModels.smolLM(), maxTokensPerText: 64, batchTokens: 256, sequences: 4, threads: 2)
        let texts = (0..<37).map { "item number \($0) in the basket" }
        let vectors = try await engine.embed(texts)
        #expect(vectors.count == 37)
        #expect(Set(vectors.map { $0.prefix(4).map { Int($0 * 1e5) } }).count > 30)
    }
}
