import Foundation
import TandemCore
import TandemRuntime

/// N short items behind one long shared instruction, three ways: Tandem's batch scheduler (prompt
/// cache on, `clients` items in flight), a naive loop (one sequence, every prompt decoded cold),
/// and `llama-server` with its prompt cache (`-np K` with K concurrent clients after a warm-up
/// pass, and `-np 1` with one client); Tandem is compared with the faster server configuration.
/// TTFT is per item from submission: queueing counts, on every side.
enum BulkSuite {
    static func run(_ ctx: BenchContext, _ report: inout SuiteReport) async throws {
        let o = ctx.options
        let warmupCount = max(o.serverSlots, o.tandemSlots, 2)
        let workload = try BulkWorkload.make(tokenizer: ctx.model.tokenizer, prefixTokens: o.bulkPrefixTokens,
                                             count: o.bulkItems, warmup: warmupCount, maxTokens: o.bulkMaxTokens)
        let perSequence = roundUp(workload.instructionTokens + 96 + o.bulkMaxTokens, to: 256)
        report.set("workload", ["items": .number(Double(o.bulkItems)), "instruction_tokens": .number(Double(workload.instructionTokens)),
                                "max_tokens": .number(Double(o.bulkMaxTokens)), "clients": .number(Double(o.bulkClients)),
                                "tandem_slots": .number(Double(o.tandemSlots)), "server_slots": .number(Double(o.serverSlots)),
                                "context_per_sequence": .number(Double(perSequence))])
        var results = Results()
        defer { record(&report, results, o) }

        // Tandem, in the shared KV pool (`tandem run --kv-pool`) and in per-sequence streams (the
        // default): a warm-up pass (fills the slots with the instruction), then the
        // measured items. Each warm-up pass has one distinct item per slot (at least two), enough
        // to leave the instruction in every slot; its items are not among the measured ones.
        let tandemWarmup = Array(workload.warmupItems.prefix(max(o.tandemSlots, 2)))
        for pool in [true, false] {
            let layout = pool ? "shared KV pool" : "per-sequence streams"
            let engine = try Engine(model: ctx.model, parameters: ctx.parameters(contextLength: perSequence, sequences: o.tandemSlots,
                                                                                 unifiedKV: pool))
            let tandemItem: @Sendable (String) async throws -> Double = { item in
                let c = try await engine.complete(GenerationRequest(.messages(workload.messages(item)), maxTokens: workload.maxTokens))
                return c.usage.queueSeconds + c.usage.timeToFirstTokenSeconds
            }
            ctx.progress.begin("bulk: Tandem warm-up (\(layout))", total: tandemWarmup.count)
            _ = try await measureConcurrently(tandemWarmup, limit: o.bulkClients, progress: ctx.progress, tandemItem)
            ctx.progress.begin("bulk: Tandem batch scheduler (\(layout))", total: workload.items.count)
            let measured = try await measureConcurrently(workload.items, limit: o.bulkClients, progress: ctx.progress, tandemItem)
            if pool { results.tandem = measured } else { results.tandemStreams = measured }
        }

        // The naive loop: one sequence, no prompt reuse, one item after another.
        let naiveItems = Array(workload.items.prefix(o.naiveItems))
        let naive = try Engine(model: ctx.model, parameters: ctx.parameters(contextLength: perSequence, sequences: 1, reusePrompts: false))
        ctx.progress.begin("bulk: naive loop", total: naiveItems.count)
        results.naive = try await measureConcurrently(naiveItems, limit: 1, progress: ctx.progress) { item in
            let c = try await naive.complete(GenerationRequest(.messages(workload.messages(item)), maxTokens: workload.maxTokens))
            return c.usage.queueSeconds + c.usage.timeToFirstTokenSeconds
        }

        // llama-server, both configurations.
        let tools = try ctx.tools()
        for (slots, clients) in [(o.serverSlots, o.bulkClients), (1, 1)] {
            let label = "np\(slots)_c\(clients)"
            let server = try await LlamaServer.start(.init(model: ctx.model.path, threads: o.threads, slots: slots,
                                                           contextLength: slots * perSequence, port: o.port), toolchain: tools)
            do {
                let call: @Sendable (String) async throws -> Double = { item in
                    try await server.chat(system: workload.instruction, user: item, maxTokens: workload.maxTokens).ttft
                }
                let warmup = Array(workload.warmupItems.prefix(max(slots, 2)))
                ctx.progress.begin("bulk: llama-server -np \(slots) warm-up", total: warmup.count)
                _ = try await measureConcurrently(warmup, limit: clients, progress: ctx.progress, call)
                ctx.progress.begin("bulk: llama-server -np \(slots), \(clients) client\(clients == 1 ? "" : "s")", total: workload.items.count)
                results.server.append((label, slots, clients, try await measureConcurrently(workload.items, limit: clients, progress: ctx.progress, call)))
            } catch {
                await server.stop()
                throw error
            }
            await server.stop()
        }
    }

    struct Results {
        /// In the shared KV pool: the headline figure.
        var tandem: BulkMeasurement?
        var tandemStreams: BulkMeasurement?
        var naive: BulkMeasurement?
        var server: [(label: String, slots: Int, clients: Int, measurement: BulkMeasurement)] = []
    }

    private static func record(_ report: inout SuiteReport, _ r: Results, _ o: BenchOptions) {
        var table = MarkdownTable(title: "Bulk: \(o.bulkItems) items, \(o.bulkPrefixTokens)-token shared instruction, max \(o.bulkMaxTokens) tokens",
                                  headers: ["system", "items", "items/s", "TTFT p50", "TTFT p95", "Tandem ×"])
        let tandemRate = r.tandem?.itemsPerSecond
        func row(_ name: String, _ m: BulkMeasurement?) {
            guard let m else { return }
            table.rows.append([name, String(m.items), fixed(m.itemsPerSecond, 2), millis(m.ttft.median), millis(m.ttft.percentile(95)),
                               name.hasPrefix("Tandem batch scheduler, shared") ? "–" : fixed(ratio(tandemRate, m.itemsPerSecond), 2)])
        }
        row("Tandem batch scheduler, shared KV pool (\(o.tandemSlots) slots, \(o.bulkClients) in flight)", r.tandem)
        row("Tandem batch scheduler, per-sequence streams", r.tandemStreams)
        row("naive loop (1 sequence, no prompt reuse)", r.naive)
        for s in r.server { row("llama-server -np \(s.slots), \(s.clients) client\(s.clients == 1 ? "" : "s")", s.measurement) }
        report.tables = [table]
        if let t = r.tandem { report.set("tandem", t.json) }
        if let t = r.tandemStreams { report.set("tandem_streams", t.json) }
        if let n = r.naive { report.set("naive", n.json) }
        if !r.server.isEmpty {
            report.set("llama_server", .object(r.server.map { s in
                (s.label, s.measurement.json.setting("slots", to: .number(Double(s.slots))).setting("clients", to: .number(Double(s.clients))))
            }))
        }
        let best = r.server.max { $0.measurement.itemsPerSecond < $1.measurement.itemsPerSecond }
        if let best { report.set("best_server", .string(best.label)) }
        report.headline("bulk_vs_server", ratio(tandemRate, best?.measurement.itemsPerSecond))
        report.headline("bulk_vs_naive", ratio(tandemRate, r.naive?.itemsPerSecond))
        report.set("ratios", ["vs_best_server": ratio(tandemRate, best?.measurement.itemsPerSecond).map { .number($0) } ?? .null,
                              "vs_naive": ratio(tandemRate, r.naive?.itemsPerSecond).map { .number($0) } ?? .null,
                              "pool_vs_streams": ratio(tandemRate, r.tandemStreams?.itemsPerSecond).map { .number($0) } ?? .null])
        report.notes = ["Tandem × compares the shared KV pool (`tandem run --kv-pool`, for many short calls behind one instruction) with each row; "
                        + "per-sequence streams are the default, where a request's greedy text matches the same request alone."]
        if let naive = r.naive {
            report.notes.append("The naive loop runs the first \(naive.items) items only (each one re-decodes the whole instruction); items/s is per item, so the ratio holds.")
        }
    }
}
