import Foundation
import Synchronization
import TandemCore
import TandemRuntime

/// Tandem over HTTP: `tandem serve` against `llama-server` of the same build, model and threads,
/// both real processes on loopback ports, the same requests byte for byte.
///
/// - bulk: the bulk suite's workload (shared instruction, items, max_tokens, clients) as streamed
///   chat completions; each side warmed up first, then rounds alternating which side goes first.
/// - embeddings: K clients × 1 text and 2 clients × K texts on each side, alternating rounds.
/// - flood: 1,000 concurrent streamed requests, 20% of whose clients hang up after the first
///   event (`ServeFlood`).
enum ServeSuite {
    static func run(_ ctx: BenchContext, _ report: inout SuiteReport) async throws {
        let o = ctx.options
        let binary = try TandemServe.binary(explicit: o.tandemBinary)
        let tandemArguments = ["--backend", o.backend.rawValue] + (o.gpuLayers.map { ["--gpu-layers", String($0)] } ?? [])
        let workload = try BulkWorkload.make(tokenizer: ctx.model.tokenizer, prefixTokens: o.bulkPrefixTokens, count: o.bulkItems,
                                             warmup: max(o.serverSlots, o.tandemSlots, 2), maxTokens: o.bulkMaxTokens)
        let perSequence = roundUp(workload.instructionTokens + 96 + o.bulkMaxTokens, to: 256)
        report.set("workload", ["items": .number(Double(o.bulkItems)), "instruction_tokens": .number(Double(workload.instructionTokens)),
                                "max_tokens": .number(Double(o.bulkMaxTokens)), "clients": .number(Double(o.bulkClients)),
                                "tandem_slots": .number(Double(o.tandemSlots)), "server_slots": .number(Double(o.serverSlots)),
                                "rounds": .number(Double(o.serveRounds)), "flood_requests": .number(Double(o.serveFlood))])

        // Bulk over HTTP.
        let tandem = try await TandemServe.start(binary: binary, model: ctx.model.path, threads: o.threads, slots: o.tandemSlots,
                                                 contextLength: perSequence, port: nil, extraArguments: ["--kv-pool"] + tandemArguments)
        let server: LlamaServer
        do {
            server = try await LlamaServer.start(.init(model: ctx.model.path, threads: o.threads, slots: o.serverSlots,
                                                       contextLength: o.serverSlots * perSequence, port: o.port,
                                                       extraArguments: ctx.gpuLayerArguments), toolchain: try ctx.tools())
        } catch {
            await tandem.stop()
            throw error
        }
        let sides = [("tandem serve", tandem.api, o.tandemSlots), ("llama-server", server.api, o.serverSlots)]
        var bulk = [SideTimings(), SideTimings()]
        var embed = [[Double]](repeating: [], count: 4)
        do {
            for (name, api, slots) in sides {
                ctx.progress.begin("serve: \(name) warm-up", total: min(workload.warmupItems.count, max(slots, 2)))
                _ = try await measureConcurrently(Array(workload.warmupItems.prefix(max(slots, 2))), limit: o.bulkClients,
                                                  progress: ctx.progress) { try await api.chat(system: workload.instruction, user: $0, maxTokens: workload.maxTokens).ttft }
            }
            ctx.progress.begin("serve: bulk over HTTP, alternating", total: 2 * o.serveRounds * workload.items.count)
            for round in 0..<o.serveRounds {
                for side in (round % 2 == 0 ? [0, 1] : [1, 0]) {
                    let api = sides[side].1
                    let latencies = Collected<Double>()
                    let m = try await measureConcurrently(workload.items, limit: o.bulkClients, progress: ctx.progress) { item in
                        let t = try await api.chat(system: workload.instruction, user: item, maxTokens: workload.maxTokens)
                        latencies.append(t.total)
                        return t.ttft
                    }
                    bulk[side].add(m, latencies: latencies.all)
                }
            }
            await server.stop()
            embed = try await embeddings(ctx, tandem: tandem)
        } catch {
            await server.stop()
            await tandem.stop()
            throw error
        }
        await tandem.stop()
        let flood = try await ServeFlood.run(ctx, binary: binary, arguments: tandemArguments)
        record(&report, bulk: bulk, embed: embed, flood: flood, o)
    }

    /// Texts/s per round: tandem K×1, tandem 2×K, llama-server K×1, llama-server 2×K.
    private static func embeddings(_ ctx: BenchContext, tandem: TandemServe) async throws -> [[Double]] {
        let o = ctx.options
        let (texts, _) = EmbedWorkload.texts(count: o.embedTexts, fixtures: o.resolvedFixtures)
        let server = try await LlamaServer.start(.init(model: ctx.model.path, threads: o.threads, slots: o.embedClients,
                                                       contextLength: o.embedClients * EmbedSuite.tokensPerText, port: o.port,
                                                       extraArguments: ["--embedding", "--pooling", "mean", "-b", String(EmbedSuite.batchTokens),
                                                                        "-ub", String(EmbedSuite.batchTokens)] + ctx.gpuLayerArguments),
                                                 toolchain: try ctx.tools())
        var rates = [[Double]](repeating: [], count: 4)
        do {
            let apis = [tandem.api, server.api]
            for api in apis { _ = try await api.embed(Array(texts.prefix(8))) }
            let chunks = stride(from: 0, to: texts.count, by: o.embedClients).map { Array(texts[$0..<min($0 + o.embedClients, texts.count)]) }
            ctx.progress.begin("serve: embeddings over HTTP, alternating", total: o.embedRounds * 4)
            for round in 0..<o.embedRounds {
                for side in (round % 2 == 0 ? [0, 1] : [1, 0]) {
                    let api = apis[side]
                    let single = try await measureConcurrently(texts.map { [$0] }, limit: o.embedClients, progress: nil) { _ = try await api.embed($0); return 0 }
                    ctx.progress.advance()
                    let batched = try await measureConcurrently(chunks, limit: 2, progress: nil) { _ = try await api.embed($0); return 0 }
                    ctx.progress.advance()
                    rates[2 * side].append(Double(texts.count) / max(single.seconds, 1e-9))
                    rates[2 * side + 1].append(Double(texts.count) / max(batched.seconds, 1e-9))
                }
            }
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
        return rates
    }

    /// One side's bulk rounds.
    struct SideTimings {
        var itemsPerSecond: [Double] = []
        var ttft: [Double] = []
        var latency: [Double] = []

        mutating func add(_ m: BulkMeasurement, latencies: [Double]) {
            itemsPerSecond.append(m.itemsPerSecond)
            ttft += m.ttft.samples
            latency += latencies
        }
    }

    private static func record(_ report: inout SuiteReport, bulk: [SideTimings], embed: [[Double]], flood: ServeFlood.Result, _ o: BenchOptions) {
        var table = MarkdownTable(title: "Bulk over HTTP: \(o.bulkItems) items × \(o.serveRounds) alternating rounds, \(o.bulkPrefixTokens)-token shared instruction, max \(o.bulkMaxTokens) tokens, \(o.bulkClients) clients, streamed",
                                  headers: ["server", "items/s (median)", "latency p50", "latency p95", "TTFT p50", "TTFT p95"])
        let names = ["tandem serve --slots \(o.tandemSlots) --kv-pool", "llama-server -np \(o.serverSlots)"]
        let keys = ["tandem", "server"]
        for (i, side) in bulk.enumerated() {
            let latency = Statistics(side.latency), ttft = Statistics(side.ttft)
            table.rows.append([names[i], fixed(Statistics(side.itemsPerSecond).median, 2), millis(latency.median), millis(latency.percentile(95)),
                               millis(ttft.median), millis(ttft.percentile(95))])
            report.set("bulk_" + keys[i], ["items_per_s": .array(side.itemsPerSecond.map { .number($0) }),
                                           "latency_p50_s": .number(latency.median), "latency_p95_s": .number(latency.percentile(95)),
                                           "ttft_p50_s": .number(ttft.median), "ttft_p95_s": .number(ttft.percentile(95))])
            report.headline("serve_\(keys[i])_latency_p50_s", latency.median)
            report.headline("serve_\(keys[i])_latency_p95_s", latency.percentile(95))
            report.headline("serve_\(keys[i])_ttft_p50_s", ttft.median)
            report.headline("serve_\(keys[i])_ttft_p95_s", ttft.percentile(95))
        }
        let paired = zip(bulk[0].itemsPerSecond, bulk[1].itemsPerSecond).compactMap { ratio($0, $1) }
        report.headline("serve_bulk_vs_server", Statistics(paired).median)
        report.headline("serve_ttft_p50_server_vs_tandem", ratio(Statistics(bulk[1].ttft).median, Statistics(bulk[0].ttft).median))

        var embedTable = MarkdownTable(title: "Embeddings over HTTP: \(o.embedTexts) texts, median of \(o.embedRounds) alternating rounds",
                                       headers: ["server", "\(o.embedClients) clients × 1 text, texts/s", "2 clients × \(o.embedClients) texts, texts/s"])
        embedTable.rows = [["tandem serve", fixed(Statistics(embed[0]).median, 1), fixed(Statistics(embed[1]).median, 1)],
                           ["llama-server --embedding -np \(o.embedClients)", fixed(Statistics(embed[2]).median, 1), fixed(Statistics(embed[3]).median, 1)]]
        let embedPaired = embed[0].indices.compactMap { i in ratio(max(embed[0][i], embed[1][i]), max(embed[2][i], embed[3][i])) }
        report.headline("serve_embed_vs_server", Statistics(embedPaired).median)
        report.set("embed_texts_per_s", ["tandem_one_text_requests": .array(embed[0].map { .number($0) }),
                                         "tandem_batched_requests": .array(embed[1].map { .number($0) }),
                                         "server_one_text_requests": .array(embed[2].map { .number($0) }),
                                         "server_batched_requests": .array(embed[3].map { .number($0) })])
        report.tables = [table, embedTable, flood.table]
        report.set("flood", flood.json)
        report.headline("serve_flood_ok", flood.passed ? 1 : 0)
        report.notes = [
            "`serve_bulk_vs_server` is the median over rounds of tandem serve's items/s ÷ llama-server's in the same round; TTFT is from sending a request to its first streamed event, latency to its last byte, both measured by the same client for both servers.",
            "`serve_embed_vs_server` is the median over rounds of each side's faster request pattern, Tandem ÷ llama-server.",
        ] + flood.notes
    }
}

/// Values gathered from concurrent tasks.
final class Collected<Value: Sendable>: Sendable {
    private let values = Mutex<[Value]>([])

    func append(_ value: Value) { values.withLock { $0.append(value) } }
    var all: [Value] { values.withLock { $0 } }
}
