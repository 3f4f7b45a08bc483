import Foundation
import TandemCore
import TandemRuntime

/// Aggregate decode tokens/s with 1, 2, 4, … sequences decoding together, through Tandem's
/// scheduler and through `llama-batched-bench` on the same build and threads.
///
/// Each sequence gets a random `npp`-token prompt and generates `ntg` tokens (end-of-generation
/// ignored). Tandem's figure is Σ(tokens after the first) / (last token − first token across all
/// sequences), llama-batched-bench's is its S_TG column (its `ntg` decode steps of `npl` tokens);
/// Tandem also samples every token, which llama-batched-bench does not.
enum BatchedSuite {
    static func run(_ ctx: BenchContext, _ report: inout SuiteReport) async throws {
        let o = ctx.options
        let counts = o.sequenceCounts
        var rng = SeededRandom(seed: 0xBA7C_4ED5)
        var tandem: [Int: (tg: Double, pp: Double)] = [:]
        var llama: [Int: BatchedBenchTable.Row] = [:]
        var tool: (binary: String, tools: LlamaToolchain)?
        do {
            let tools = try ctx.tools()
            tool = (try tools.tool("llama-batched-bench"), tools)
        } catch { report.fail("llama-batched-bench: \(error)") }
        ctx.progress.begin("batched", total: counts.count * 2)
        // One sequence count at a time, Tandem then llama-batched-bench, so load drift hits both.
        for n in counts {
            tandem[n] = try await measureTandem(ctx, sequences: n, rng: &rng)
            ctx.progress.advance()
            if let t = tool {
                do { llama[n] = try await measureLlama(ctx, sequences: n, binary: t.binary, tools: t.tools) } catch {
                    report.fail("llama-batched-bench: \(error)")
                    tool = nil
                }
            }
            ctx.progress.advance()
            record(&report, counts: counts, tandem: tandem, llama: llama)
        }
        report.notes.append("Each sequence: \(o.batchedPrompt) random prompt tokens, \(o.batchedGenerated) generated; Tandem's tokens/s counts decode steps after the first token and includes sampling, llama-batched-bench's S_TG does not sample.")
    }

    /// n sequences through one engine: Σ(tokens after the first) / (last token − first token).
    private static func measureTandem(_ ctx: BenchContext, sequences n: Int, rng: inout SeededRandom) async throws -> (tg: Double, pp: Double) {
        let o = ctx.options
        let vocabulary = ctx.model.info.vocabularySize
        let engine = try Engine(model: ctx.model, parameters: ctx.parameters(contextLength: roundUp(o.batchedPrompt + o.batchedGenerated + 1, to: 64), sequences: n))
        _ = try await engine.complete(GenerationRequest(.tokens(BenchContext.randomTokens(16, vocabulary: vocabulary, using: &rng)),
                                                        maxTokens: 2, ignoreEndOfGeneration: true))
        let prompts = (0..<n).map { _ in BenchContext.randomTokens(o.batchedPrompt, vocabulary: vocabulary, using: &rng) }
        let start = Date()
        let finished = try await withThrowingTaskGroup(of: (GenerationUsage, Date).self) { group in
            for prompt in prompts {
                group.addTask {
                    let c = try await engine.complete(GenerationRequest(.tokens(prompt), maxTokens: o.batchedGenerated, ignoreEndOfGeneration: true))
                    return (c.usage, Date())
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let firstToken = finished.map { $0.1.addingTimeInterval(-$0.0.generationSeconds) }.min()!
        let lastToken = finished.map(\.1).max()!
        let generated = finished.reduce(0) { $0 + max($1.0.generatedTokens - 1, 0) }
        return (Double(generated) / lastToken.timeIntervalSince(firstToken), Double(n * o.batchedPrompt) / firstToken.timeIntervalSince(start))
    }

    /// `llama-batched-bench -npl n` with the same sizes, threads and batching.
    private static func measureLlama(_ ctx: BenchContext, sequences n: Int, binary: String, tools: LlamaToolchain) async throws -> BatchedBenchTable.Row {
        let o = ctx.options
        let args = ["-m", ctx.model.path, "-c", String(n * (o.batchedPrompt + o.batchedGenerated) + 64),
                    "-b", String(o.batchSize), "-ub", String(o.microBatchSize), "-npp", String(o.batchedPrompt),
                    "-ntg", String(o.batchedGenerated), "-npl", String(n), "-t", String(o.threads)] + ctx.gpuLayerArguments
        let output = try await ToolProcess.run(binary, args, environment: tools.environment)
        guard let row = BatchedBenchTable.parse(output.stdout + "\n" + output.stderr).first(where: { $0.sequences == n }) else {
            throw BenchError.toolOutputUnreadable(name: "llama-batched-bench", reason: "no result row for \(n) sequences in: \(output.tail(6))")
        }
        return row
    }

    private static func record(_ report: inout SuiteReport, counts: [Int], tandem: [Int: (tg: Double, pp: Double)], llama: [Int: BatchedBenchTable.Row]) {
        var table = MarkdownTable(title: "Aggregate decode tokens/s by sequences", headers: ["sequences", "Tandem", "llama-batched-bench", "Tandem / llama"])
        var points: [JSONValue] = []
        for n in counts where tandem[n] != nil || llama[n] != nil {
            let t = tandem[n], l = llama[n]
            let r = ratio(t?.tg, l?.generationSpeed)
            table.rows.append([String(n), fixed(t?.tg, 1), fixed(l?.generationSpeed, 1), fixed(r, 3)])
            points.append([
                "sequences": .number(Double(n)),
                "tandem_ts": t.map { .number($0.tg) } ?? .null,
                "tandem_prompt_ts": t.map { .number($0.pp) } ?? .null,
                "llama_batched_bench_ts": l.map { .number($0.generationSpeed) } ?? .null,
                "llama_batched_bench_prompt_ts": l.map { .number($0.promptSpeed) } ?? .null,
                "ratio": r.map { .number($0) } ?? .null,
            ])
        }
        report.set("points", .array(points))
        report.tables = [table]
    }
}

/// Reads `llama-batched-bench`'s result table:
/// `|  PP |  TG |  B | N_KV | T_PP s | S_PP t/s | T_TG s | S_TG t/s | T s | S t/s |`.
enum BatchedBenchTable {
    struct Row: Sendable, Equatable {
        let prompt: Int
        let generated: Int
        let sequences: Int
        let promptSpeed: Double
        let generationSpeed: Double
    }

    static func parse(_ text: String) -> [Row] {
        text.split(separator: "\n").compactMap { line in
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            guard cells.count >= 10, let pp = Int(cells[0]), let tg = Int(cells[1]), let b = Int(cells[2]),
                  let spp = Double(cells[5]), let stg = Double(cells[7]) else { return nil }
            return Row(prompt: pp, generated: tg, sequences: b, promptSpeed: spp, generationSpeed: stg)
        }
    }
}
