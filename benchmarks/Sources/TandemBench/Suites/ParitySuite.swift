import Foundation
import TandemCore
import TandemRuntime

/// The llama-bench workload through Tandem's engine and through `llama-bench` itself, alternating
/// one repetition at a time so that load from other processes hits both sides alike.
///
/// Method (mirrors llama-bench): uniform random tokens, fresh each repetition, so nothing comes
/// from the prompt cache; the sequence's KV cells are dropped between repetitions; one untimed
/// warm-up run per side (llama-bench does one per invocation). pp = one P-token prompt, timed
/// from admission to the first sampled token; tg = a 1-token prompt then N−1 generated tokens,
/// i.e. N single-token decodes like llama-bench's, timed from admission to the last token.
///
/// Per tg token llama-bench decodes one token (its logits computed), waits for the backend and
/// takes the next token from `rand()`: no logits read, no sampling, no text. Tandem's tg reads the
/// logits row, takes the argmax, turns the token into text and hands it to the stream, which a
/// consumer task reads (`tg`, the headline); `tg_engine` is the same with the stream consumer
/// removed (`Engine.complete`: only the completion is sent), so the two split engine speed
/// from delivery cost.
enum ParitySuite {
    static let sides = ["tandem", "tandem_engine", "llama"]

    static func run(_ ctx: BenchContext, _ report: inout SuiteReport) async throws {
        let o = ctx.options
        let p = o.promptTokens, n = o.generatedTokens
        let engine = try Engine(model: ctx.model, parameters: ctx.parameters(contextLength: roundUp(p + n + 1, to: 256), sequences: 1))
        var rng = SeededRandom(seed: 0x7A4D_3E11)
        let vocabulary = ctx.model.info.vocabularySize
        var lastFirst: Token = -1
        func freshTokens(_ count: Int) -> [Token] {
            var t = BenchContext.randomTokens(count, vocabulary: vocabulary, using: &rng)
            // A shared first token would let the cache keep one cell; llama-bench clears everything.
            while t[0] == lastFirst { t[0] = Token(Int.random(in: 0..<vocabulary, using: &rng)) }
            lastFirst = t[0]
            return t
        }
        func tandemPP() async throws -> Double {
            let c = try await engine.complete(GenerationRequest(.tokens(freshTokens(p)), maxTokens: 1, ignoreEndOfGeneration: true))
            guard c.usage.cachedPromptTokens == 0 else { throw BenchError.toolOutputUnreadable(name: "tandem", reason: "pp prompt hit the cache") }
            return Double(p) / c.usage.timeToFirstTokenSeconds
        }
        var breakdowns: [String: [GenerationUsage]] = [:]
        /// tg with a consumer reading every text event (as `tandem generate` does), or without one.
        func tandemTG(streamed: Bool) async throws -> Double {
            let request = GenerationRequest(.tokens(freshTokens(1)), maxTokens: n, ignoreEndOfGeneration: true)
            var completion: Completion?
            if streamed {
                var bytes = 0
                for try await event in engine.stream(request) {
                    switch event {
                    case .text(let piece): bytes += piece.utf8.count
                    case .done(let c): completion = c
                    }
                }
            } else {
                completion = try await engine.complete(request)
            }
            guard let u = completion?.usage else { throw RuntimeError.cancelled }
            breakdowns[streamed ? "tandem" : "tandem_engine", default: []].append(u)
            return Double(u.generatedTokens) / (u.timeToFirstTokenSeconds + u.generationSeconds)
        }

        ctx.progress.begin("parity: warm-up")
        _ = try await tandemPP()
        _ = try await engine.complete(GenerationRequest(.tokens(freshTokens(1)), maxTokens: 1, ignoreEndOfGeneration: true))

        var runner: LlamaBenchRunner?
        do {
            let tools = try ctx.tools()
            runner = LlamaBenchRunner(binary: try tools.tool("llama-bench"), toolchain: tools, model: ctx.model.path,
                                      threads: o.threads, batchSize: o.batchSize, microBatchSize: o.microBatchSize,
                                      gpuLayerArguments: ctx.gpuLayerArguments)
        } catch { report.fail("llama-bench: \(error)") }

        var samples: [String: [String: [Double]]] = ["pp": [:], "tg": [:]]
        var info: JSONValue = .null
        ctx.progress.begin("parity pp\(p)/tg\(n)", total: o.repetitions * 5)
        for block in 0..<o.repetitions {
            for test in ["pp", "tg"] {
                // Alternate the order of the sides, so drift in machine load cancels out.
                let order = test == "pp" ? ["tandem", "llama"] : sides
                for side in (block % 2 == 0 ? order : order.reversed()) {
                    defer { ctx.progress.advance() }
                    switch side {
                    case "tandem": samples[test]![side, default: []].append(try await test == "pp" ? tandemPP() : tandemTG(streamed: true))
                    case "tandem_engine": samples[test]![side, default: []].append(try await tandemTG(streamed: false))
                    default:
                        guard let r = runner else { continue }
                        do {
                            let result = try await r.run(prompt: test == "pp" ? p : 0, generate: test == "tg" ? n : 0, repetitions: 1)
                            samples[test]![side, default: []] += result.samples
                            if info == .null { info = result.info }
                        } catch {
                            report.fail("llama-bench: \(error)")
                            runner = nil
                        }
                    }
                }
            }
            record(&report, p: p, n: n, samples: samples, info: info, threads: o.threads)
            ParityBreakdown.record(&report, usages: breakdowns)
        }
        report.notes.append("Alternating repetitions, random tokens, KV dropped between repetitions, one warm-up per side; tg = \(n) single-token decodes from an empty context.")
        report.notes.append("Per tg token, llama-bench decodes one token (logits computed), waits for the backend and takes the next token from rand(): no logits read, no sampling, no text. Tandem (the headline) also reads the logits row, takes the argmax, turns the token into text and streams it to a consumer task that reads every event; \"engine only\" is Tandem with the stream consumer removed (Engine.complete, only the completion is sent).")
    }

    private static func record(_ report: inout SuiteReport, p: Int, n: Int, samples: [String: [String: [Double]]],
                               info: JSONValue, threads: Int) {
        var table = MarkdownTable(title: "Parity with llama-bench (tokens/s, mean ± sd, \(threads) threads)",
                                  headers: ["test", "Tandem", "llama-bench", "Tandem / llama-bench", "median of paired ratios"])
        let rows = [("pp\(p)", "pp", "tandem", "pp\(p)"), ("tg\(n)", "tg", "tandem", "tg\(n) (stream consumer in place)"),
                    ("tg\(n)_engine", "tg", "tandem_engine", "tg\(n) engine only (no stream consumer)")]
        for (name, test, side, label) in rows {
            let t = Statistics(samples[test]![side] ?? []), l = Statistics(samples[test]!["llama"] ?? [])
            let r = ratio(t.samples.isEmpty ? nil : t.mean, l.samples.isEmpty ? nil : l.mean)
            // Each repetition's runs are back to back, so their ratio is robust to load that
            // changes between repetitions (a shared machine); the headline stays the ratio of means.
            let paired = Statistics(zip(t.samples, l.samples).map { $0 / $1 })
            report.set(name, [
                "tandem": ["mean_ts": .number(t.mean), "stddev_ts": .number(t.standardDeviation), "samples_ts": .array(t.samples.map { .number($0) })],
                "llama_bench": ["mean_ts": .number(l.mean), "stddev_ts": .number(l.standardDeviation), "samples_ts": .array(l.samples.map { .number($0) })],
                "ratio": r.map { .number($0) } ?? .null,
                "paired_ratio_median": paired.samples.isEmpty ? .null : .number(paired.median),
            ])
            report.headline("parity_\(name)", r)
            table.rows.append([label, t.samples.isEmpty ? "–" : t.formatted(), l.samples.isEmpty ? "–" : l.formatted(), fixed(r, 3),
                               paired.samples.isEmpty ? "–" : fixed(paired.median, 3)])
        }
        report.set("llama_bench_info", info)
        report.tables = [table]
    }
}
