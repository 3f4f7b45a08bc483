import Foundation
import TandemCore
import TandemRuntime
import TandemWorkers

/// Schema-constrained extraction with and without fast-forward (`GenerationRequest.fastForward`):
/// the pipeline's line-item request (receipt first, then the question, under the schema bounded
/// by the receipt) for each fixture receipt, one sequence, the two arms alternating which goes
/// first. Generated tokens/s counts every token of the answer, forced or sampled, over the time
/// from the first token to the end, so it is what a caller waits for per token of JSON.
/// Headline: `extract_fast_forward_speedup` (tokens/s with ÷ without), `extract_forced_share`
/// and `extract_same_output` (answers equal between the arms).
enum ExtractSuite {
    struct Arm {
        var generated = 0, forced = 0, steps = 0, answers = 0, validJSON = 0
        var seconds = 0.0, decodeSeconds = 0.0, samplingSeconds = 0.0
        var cutAtMaxTokens = 0
        /// Tokens after each answer's first, over the time after its first token.
        var tokensPerSecond: Double { seconds > 0 ? Double(generated - answers) / seconds : 0 }

        mutating func add(_ c: Completion) {
            generated += c.usage.generatedTokens; forced += c.usage.forcedTokens; steps += c.usage.breakdown.steps
            seconds += c.usage.generationSeconds; answers += 1
            decodeSeconds += c.usage.breakdown.decodeSeconds; samplingSeconds += c.usage.breakdown.samplingSeconds
            if c.finishReason == .maxTokens { cutAtMaxTokens += 1 }
            if (try? JSONParser.parse(c.text)) != nil { validJSON += 1 }
        }
    }

    static func run(_ ctx: BenchContext, _ report: inout SuiteReport) async throws {
        let o = ctx.options
        guard let receipts = try PipelineSuite.receipts(ctx, &report) else { return }
        let scored = FixtureFolder.spread(receipts, limit: o.limit ?? 24)
        let engine = try Engine(model: ctx.model, parameters: ctx.parameters(contextLength: 4096, sequences: 1))
        var arms = [Arm(), Arm()]  // [with, without]
        var same = 0
        ctx.progress.begin("extract: line items with and without fast-forward", total: scored.count)
        for (index, row) in scored.enumerated() {
            let text = row.value["text"]?.stringValue ?? ""
            let bounded = LineItemsTool.requestSchema(for: text)
            let user = ReceiptPrompt.user(document: ReceiptPrompt.document(text).text, question: LineItemsTool.question)
            var answers: [String?] = [nil, nil]
            // Alternate which arm goes first: the second finds the prompt in the cache either way.
            for arm in index.isMultiple(of: 2) ? [0, 1] : [1, 0] {
                var request = GenerationRequest(.messages([.system(ReceiptPrompt.system), .user(user)]),
                                                maxTokens: bounded.maxTokens, constraint: .jsonSchema(bounded.schema))
                request.fastForward = arm == 0
                let c = try await engine.complete(request)
                arms[arm].add(c)
                answers[arm] = c.text
            }
            if answers[0] == answers[1] { same += 1 }
            ctx.progress.advance()
        }
        record(&report, arms: arms, same: same, receipts: scored.count)
    }

    private static func record(_ report: inout SuiteReport, arms: [Arm], same: Int, receipts: Int) {
        let names = ["fast-forward on (default)", "fast-forward off (every token sampled)"]
        var table = MarkdownTable(title: "line-item extraction, \(receipts) fixture receipts, one sequence",
                                  headers: ["arm", "generated tokens", "forced", "decode steps", "generation s", "in llama_decode",
                                            "sampling + probes", "tokens/s", "valid JSON", "cut at max tokens"])
        var json: [(String, JSONValue)] = []
        for (name, a) in zip(names, arms) {
            table.rows.append([name, "\(a.generated)", "\(a.forced)", "\(a.steps)", String(format: "%.1f", a.seconds),
                               String(format: "%.1f", a.decodeSeconds), String(format: "%.1f", a.samplingSeconds),
                               String(format: "%.2f", a.tokensPerSecond), "\(a.validJSON)/\(a.answers)", "\(a.cutAtMaxTokens)"])
            json.append((name, ["generated_tokens": .number(Double(a.generated)), "forced_tokens": .number(Double(a.forced)),
                                "decode_steps": .number(Double(a.steps)), "generation_s": .number(a.seconds),
                                "decode_s": .number(a.decodeSeconds), "sampling_s": .number(a.samplingSeconds),
                                "cut_at_max_tokens": .number(Double(a.cutAtMaxTokens)),
                                "tokens_per_s": .number(a.tokensPerSecond), "valid_json": .number(Double(a.validJSON))]))
        }
        report.tables.append(table)
        report.set("arms", .object(json))
        report.set("same_output", .number(Double(same)))
        let on = arms[0], off = arms[1]
        report.headline("extract_fast_forward_speedup", off.tokensPerSecond > 0 ? on.tokensPerSecond / off.tokensPerSecond : nil)
        report.headline("extract_forced_share", on.generated > 0 ? Double(on.forced) / Double(on.generated) : nil)
        report.headline("extract_same_output", receipts > 0 ? Double(same) / Double(receipts) : nil)
        report.notes.append("Forced tokens are the ones the grammar admitted alone (keys, quotes, braces, fixed literals): appended without sampling and decoded with the next sampled token in one batch; the end is taken without a decode once the grammar admits nothing else. Answers can differ between the arms where the forced text is tokenized differently from how the model would have split it.")
    }
}
