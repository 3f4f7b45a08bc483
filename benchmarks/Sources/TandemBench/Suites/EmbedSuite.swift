import Foundation
import TandemCore
import TandemRuntime

/// Texts/s of embeddings: Tandem's `EmbeddingEngine` (many texts per `llama_decode`, one sequence
/// id each, mean pooling, final layer, L2-normalised) against `llama-server --embedding
/// --pooling mean` of the same build, on the same texts and threads: K concurrent clients with
/// one text per request, and requests of K texts (two in flight). Also how far the vectors agree:
/// Tandem's (computed K at a time) and a K-text server request's, each against the server's
/// vector of the same text sent alone.
enum EmbedSuite {
    /// The token budget per text (the server's slot size) and per decode: the engine's defaults.
    static let tokensPerText = 512, batchTokens = 4096

    static func run(_ ctx: BenchContext, _ report: inout SuiteReport) async throws {
        let o = ctx.options
        let (texts, source) = EmbedWorkload.texts(count: o.embedTexts, fixtures: o.resolvedFixtures)
        let tokens = try texts.reduce(0) { $0 + (try ctx.model.tokenizer.tokenize($1, addSpecial: true, parseSpecial: false).count) }
        report.set("workload", ["texts": .number(Double(texts.count)), "tokens": .number(Double(tokens)), "source": .string(source),
                                "clients": .number(Double(o.embedClients)), "rounds": .number(Double(o.embedRounds))])
        let warmup = Array(texts.prefix(8))
        let engine = try EmbeddingEngine(model: ctx.model, pooling: .mean, maxTokensPerText: tokensPerText, threads: o.threads)
        _ = try await engine.embed(warmup)
        let server = try await LlamaServer.start(.init(model: ctx.model.path, threads: o.threads, slots: o.embedClients,
                                                       contextLength: o.embedClients * tokensPerText, port: o.port,
                                                       extraArguments: ["--embedding", "--pooling", "mean", "-b", String(batchTokens),
                                                                        "-ub", String(batchTokens)] + ctx.gpuLayerArguments),
                                                 toolchain: try ctx.tools())
        // Rounds alternate the three measurements, so a busy spell on a shared machine hits all sides.
        var seconds: [[Double]] = [[], [], []]
        var agreement = Agreement()
        do {
            _ = try await server.embed(warmup)
            let sample = Array(texts.prefix(16))
            var alone: [[Float]] = []
            for text in sample { alone += try await server.embed([text]) }
            let together = try await server.embed(sample)
            agreement.tandem = zip(alone, try await engine.embed(sample)).map { cosine($0, $1) }
            agreement.serverBatched = zip(alone, together).map { cosine($0, $1) }
            let chunks = stride(from: 0, to: texts.count, by: o.embedClients).map { Array(texts[$0..<min($0 + o.embedClients, texts.count)]) }
            ctx.progress.begin("embed: Tandem and llama-server, alternating", total: o.embedRounds * 3)
            for _ in 0..<o.embedRounds {
                let start = Date()
                _ = try await engine.embed(texts)
                seconds[0].append(Date().timeIntervalSince(start))
                ctx.progress.advance()
                seconds[1].append(try await measureConcurrently(texts.map { [$0] }, limit: o.embedClients, progress: nil) {
                    _ = try await server.embed($0); return 0
                }.seconds)
                ctx.progress.advance()
                seconds[2].append(try await measureConcurrently(chunks, limit: 2, progress: nil) { _ = try await server.embed($0); return 0 }.seconds)
                ctx.progress.advance()
            }
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
        record(&report, texts: texts.count, tokens: tokens, seconds: seconds, clients: o.embedClients, agreement: agreement)
    }

    private static func cosine(_ a: [Float], _ b: [Float]) -> Double {
        guard a.count == b.count, !a.isEmpty else { return .nan }
        var dot = 0.0, na = 0.0, nb = 0.0
        for (x, y) in zip(a, b) { dot += Double(x) * Double(y); na += Double(x) * Double(x); nb += Double(y) * Double(y) }
        return dot / max((na * nb).squareRoot(), 1e-12)
    }

    /// Cosines against the server's one-text-per-request vectors.
    struct Agreement {
        var tandem: [Double] = []
        var serverBatched: [Double] = []
    }

    private static func record(_ report: inout SuiteReport, texts: Int, tokens: Int, seconds: [[Double]], clients: Int,
                               agreement: Agreement) {
        let names = ["Tandem EmbeddingEngine (up to 64 texts, \(batchTokens) tokens per decode)",
                     "llama-server -np \(clients), \(clients) clients × 1 text", "llama-server -np \(clients), 2 requests × \(clients) texts"]
        let rates = seconds.map { $0.map { Double(texts) / max($0, 1e-9) } }
        let medians = rates.map { Statistics($0).median }
        // Per round, Tandem against the faster server configuration of that round.
        let paired = rates[0].indices.compactMap { i in ratio(rates[0][i], max(rates[1][i], rates[2][i])) }
        var table = MarkdownTable(title: "Embeddings: \(texts) texts (\(tokens) tokens), mean pooling, final layer; median of \(rates[0].count) alternating rounds",
                                  headers: ["system", "texts/s", "tokens/s", "Tandem ×"])
        for (i, name) in names.enumerated() {
            table.rows.append([name, fixed(medians[i], 1), fixed(medians[i] * Double(tokens) / Double(texts), 0),
                               i == 0 ? "–" : fixed(ratio(medians[0], medians[i]), 2)])
        }
        report.tables = [table]
        report.set("texts_per_s", .object(zip(["tandem", "server_one_text_requests", "server_batched_requests"], rates).map { ($0, .array($1.map { .number($0) })) }))
        report.set("paired_ratios", .array(paired.map { .number($0) }))
        report.headline("embed_vs_server", Statistics(paired).median)
        func summary(_ c: [Double]) -> JSONValue {
            ["min": c.min().map { .number($0) } ?? .null, "mean": c.isEmpty ? .null : .number(c.reduce(0, +) / Double(c.count)),
             "texts": .number(Double(c.count))]
        }
        if !agreement.tandem.isEmpty {
            report.set("cosine_vs_server_alone", ["tandem": summary(agreement.tandem), "server_batched_request": summary(agreement.serverBatched)])
            report.notes.append("Vectors, against llama-server's for each text sent alone (first \(agreement.tandem.count) texts): "
                + "Tandem, many texts per decode, min cosine \(fixed(agreement.tandem.min(), 4)); "
                + "llama-server, the same texts in one request, min \(fixed(agreement.serverBatched.min(), 4)).")
        }
        report.notes.append("Tandem × = Tandem's median texts/s ÷ the row's; `embed_vs_server` is the median over rounds of Tandem ÷ the faster server configuration of the same round. Each side embedded 8 texts first (not timed).")
    }
}
