import Foundation
import TandemCore
import TandemRuntime

/// Time to first token for a prompt that starts with a long shared prefix, per prefix length:
/// cold (empty cache), warm (prefix already in a slot), restored (a fresh engine loads the
/// prefix's KV state from disk, then answers), and `llama-server`'s warm TTFT for the same tokens.
/// Every prompt is the exact same token ids on both sides: prefix + a short question.
enum PrefixSuite {
    struct LengthResult {
        let length: Int
        var cold: [Double] = []
        var warm: [Double] = []
        var warmCached: [Int] = []
        var prefill: [Double] = []
        var restore: [Double] = []
        var restored: [Double] = []
        var serverCold: Double?
        var serverWarm: [Double] = []
    }

    static func run(_ ctx: BenchContext, _ report: inout SuiteReport) async throws {
        let o = ctx.options
        var results: [LengthResult] = []
        var serverMissing = false
        let storeDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-bench-state-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: storeDirectory) }
        // Warm requests are cheap, so they repeat three times as often as the cold ones.
        let warmRepetitions = 3 * o.prefixRepetitions
        let questions = (0...(warmRepetitions + 1)).map { i in
            "Question \(i + 1): which guideline covers a line with \(["milk", "bread", "soap", "wine", "rice"][i % 5]) bought at store \(i + 3)? Answer briefly."
        }
        let suffixes = try questions.map { try ctx.model.tokenizer.tokenize("\n\n" + $0, addSpecial: false, parseSpecial: false) }
        for length in o.prefixLengths {
            ctx.progress.begin("prefix \(length) tokens", total: o.prefixRepetitions * 3 + warmRepetitions + 2)
            var r = LengthResult(length: length)
            defer { results.append(r); record(&report, results) }
            let workload = try BulkWorkload.make(tokenizer: ctx.model.tokenizer, prefixTokens: length + 8, count: 1, warmup: 1, maxTokens: 1)
            let prefix = Array(try ctx.model.tokenizer.tokenize(workload.instruction, addSpecial: true, parseSpecial: false).prefix(length))
            let contextLength = roundUp(length + (suffixes.map(\.count).max() ?? 0) + 8, to: 256)
            let parameters = ctx.parameters(contextLength: contextLength, sequences: 1)
            func ttft(_ engine: Engine, _ suffix: [Token]) async throws -> (Double, Int) {
                let c = try await engine.complete(GenerationRequest(.tokens(prefix + suffix), maxTokens: 1))
                return (c.usage.queueSeconds + c.usage.timeToFirstTokenSeconds, c.usage.cachedPromptTokens)
            }

            let warmEngine = try Engine(model: ctx.model, parameters: parameters)
            _ = try await ttft(warmEngine, suffixes[0])  // primes the slot and warms the threads
            ctx.progress.advance()
            let store = PromptStateStore(directory: storeDirectory)
            _ = try await Engine(model: ctx.model, parameters: parameters).warmPrefix(.tokens(prefix), store: store)  // saves the state
            ctx.progress.advance()
            // llama-server (when the build has it) answers the same warm requests, alternating
            // with Tandem one request at a time, so load drift on a shared machine hits both.
            var server: LlamaServer?
            if let tools = try? ctx.tools(), (try? tools.tool("llama-server")) != nil {
                server = try await LlamaServer.start(.init(model: ctx.model.path, threads: o.threads, slots: 1,
                                                           contextLength: contextLength, port: o.port), toolchain: tools)
            }
            serverMissing = serverMissing || server == nil
            do {
                if let server { r.serverCold = try await server.complete(tokens: prefix + suffixes[0], predict: 1).seconds }
                for rep in 0..<warmRepetitions {
                    let (warm, cached) = try await ttft(warmEngine, suffixes[rep + 1])
                    r.warm.append(warm)
                    r.warmCached.append(cached)
                    if let server { r.serverWarm.append(try await server.complete(tokens: prefix + suffixes[rep + 1], predict: 1).seconds) }
                    ctx.progress.advance()
                }
            } catch {
                await server?.stop()
                throw error
            }
            await server?.stop()
            for rep in 0..<o.prefixRepetitions {
                let suffix = suffixes[rep + 1]
                r.cold.append(try await ttft(try Engine(model: ctx.model, parameters: parameters), suffix).0)
                ctx.progress.advance()
                let prefill = try await Engine(model: ctx.model, parameters: parameters).warmPrefix(.tokens(prefix), store: nil)
                r.prefill.append(prefill.seconds)
                ctx.progress.advance()
                let fresh = try Engine(model: ctx.model, parameters: parameters)
                let restored = try await fresh.warmPrefix(.tokens(prefix), store: store)
                guard restored.source == .disk else {
                    throw BenchError.toolOutputUnreadable(name: "PromptStateStore", reason: "the saved prefix state was not restored (source: \(restored.source.rawValue))")
                }
                r.restore.append(restored.seconds)
                r.restored.append(restored.seconds + (try await ttft(fresh, suffix).0))
                ctx.progress.advance()
            }
        }
        if serverMissing {
            report.notes.append("This llama.cpp build has no llama-server (the GPU host build leaves it out), so its column is empty.")
        }
    }

    /// Median over alternating pairs of llama-server's warm TTFT ÷ Tandem's (> 1: Tandem faster);
    /// pairs cancel most of the drift a shared machine adds to both sides' medians.
    private static func pairedWarm(_ r: LengthResult) -> Double? {
        let pairs = zip(r.serverWarm, r.warm).filter { $0.1 > 0 }.map { $0.0 / $0.1 }
        return pairs.isEmpty ? nil : median(pairs)
    }

    private static func record(_ report: inout SuiteReport, _ results: [LengthResult]) {
        var table = MarkdownTable(title: "Prefix reuse: time to first token (median of repetitions)",
                                  headers: ["prefix tokens", "cold", "warm", "restored from disk", "re-prefill / restore", "warm vs cold", "llama-server warm",
                                            "server warm ÷ Tandem warm (paired median)"])
        var details: [JSONValue] = []
        for r in results {
            let cold = median(r.cold), warm = median(r.warm), prefill = median(r.prefill), restore = median(r.restore)
            table.rows.append([String(r.length), millis(cold), millis(warm), millis(median(r.restored)),
                               "\(millis(prefill)) / \(millis(restore)) = \(fixed(ratio(prefill, restore), 1))×",
                               "\(fixed(ratio(cold, warm), 1))×", millis(median(r.serverWarm)), fixed(pairedWarm(r), 3)])
            func list(_ v: [Double]) -> JSONValue { .array(v.map { .number($0) }) }
            details.append([
                "prefix_tokens": .number(Double(r.length)),
                "cold_ttft_s": list(r.cold), "warm_ttft_s": list(r.warm),
                "warm_cached_tokens": .array(r.warmCached.map { .number(Double($0)) }),
                "prefill_s": list(r.prefill), "restore_s": list(r.restore), "restored_ttft_s": list(r.restored),
                "llama_server_cold_s": r.serverCold.map { .number($0) } ?? .null, "llama_server_warm_s": list(r.serverWarm),
                "warm_vs_cold": ratio(cold, warm).map { .number($0) } ?? .null,
                "restore_vs_prefill": ratio(prefill, restore).map { .number($0) } ?? .null,
                "warm_vs_llama_server_warm": ratio(median(r.serverWarm), warm).map { .number($0) } ?? .null,
                "warm_vs_llama_server_warm_paired_median": pairedWarm(r).map { .number($0) } ?? .null,
            ])
        }
        report.set("lengths", .array(details))
        report.tables = [table]
        // The headline uses the length closest to the issue's 1,000-token reference.
        if let r = results.min(by: { abs($0.length - 1000) < abs($1.length - 1000) }) {
            report.headline("prefix_warm_vs_cold", ratio(median(r.cold), median(r.warm)))
            report.headline("prefix_restore_vs_prefill", ratio(median(r.prefill), median(r.restore)))
        }
        report.notes = ["TTFT counts from submission to the first sampled token (maxTokens 1); llama-server's is the wall time of a /completion request for the same token ids with n_predict 1 and cache_prompt. Medians; warm requests repeat 3× as often as cold ones and alternate with llama-server's, one request at a time. Restore = a fresh engine loading the prefix's saved KV state from disk (PromptStateStore); re-prefill = a fresh engine decoding the prefix."]
    }

    /// Medians, not means: one request delayed by another process on a shared machine would
    /// otherwise move a 100 ms figure by tens of percent.
    private static func median(_ v: [Double]) -> Double? { v.isEmpty ? nil : Statistics(v).median }
}
