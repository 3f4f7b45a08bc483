import Foundation
import TandemCloud
import TandemCore
import TandemOrchestrator
import TandemPlanner
import TandemRuntime
import TandemWorkers

/// The main job end to end: the receipt plan (`examples/receipts/plan.json`, or `--pipeline-plan`)
/// over the fixture folder's receipts with the local model on (in-process, one engine, records
/// `--pipeline-concurrency` at a time), with the rules alone, and with every local-model call
/// sent over HTTP to `llama-server` (same build, model and threads: one request per step, as a
/// pipeline built around a local model server does). Headline: `pipeline_records_per_s`,
/// `pipeline_vs_server`, `acc_receipts_pipeline` (all four fields right, model on; the receipt
/// memory is taught from the other folds or `--train`).
enum PipelineSuite {
    /// The fixture folder's receipts; nil (the suite marked skipped) when it has none.
    static func receipts(_ ctx: BenchContext, _ report: inout SuiteReport) throws -> [FixtureFolder.Row]? {
        let folder = try FixtureFolder(directory: ctx.options.resolvedFixtures)
        guard folder.tasks.contains(.receipts) else {
            report.status = .skipped
            report.notes.append("skipped: \(folder.directory) has no receipts.jsonl")
            return nil
        }
        let read = try folder.rows(.receipts)
        if !read.problems.isEmpty { report.notes.append("\(read.problems.count) receipt line(s) skipped: " + read.problems.prefix(5).joined(separator: "; ")) }
        return read.rows
    }

    static func run(_ ctx: BenchContext, _ report: inout SuiteReport) async throws {
        let o = ctx.options
        guard let receipts = try receipts(ctx, &report) else { return }
        let scored = FixtureFolder.spread(receipts, limit: o.limit)
        let train = try o.accuracy.trainDirectory.map { try FixtureFolder(directory: $0).rows(.receipts).rows }
        let teaching = ReceiptTeaching(all: receipts, train: train, folds: o.accuracy.taught.folds, groupBy: o.accuracy.receiptFoldGroup)
        var run = ReceiptPipelineRun(rows: scored, teaching: teaching,
                                     planText: try String(contentsOfFile: o.pipelinePlan, encoding: .utf8),
                                     rules: try KeywordRuleBook(directory: o.configDirectory), concurrency: o.pipelineConcurrency)
        report.set("workload", ["receipts": .number(Double(scored.count)), "plan": .string(o.pipelinePlan),
                                "concurrency": .number(Double(o.pipelineConcurrency)), "model": .string(ctx.model.path),
                                "memory": .string(teaching.description)])

        ctx.progress.begin("pipeline: rules only", total: scored.count)
        let rules = try await run.run(model: Optional<any LocalModelClient>.none, progress: ctx.progress)
        // A fresh engine for the gate's measurement and for each timed round: no round finds
        // another's prompts in the prompt cache.
        let engineClient = {
            EngineModelClient(engine: try Engine(model: ctx.model, parameters: ctx.parameters(contextLength: 2048 * o.pipelineConcurrency,
                                                                                               sequences: o.pipelineConcurrency)))
        }
        let client = try engineClient()
        if o.choiceGate {
            ctx.progress.begin("pipeline: the model's choices on the teaching receipts (gate)", total: teaching.pool.count)
            let start = Date()
            run.gateObservations = try await run.observeChoices(model: client, progress: ctx.progress)
            let seconds = Date().timeIntervalSince(start)
            let observed = run.gateObservations?.values.filter { !$0.isEmpty } ?? []
            let choices = observed.map(\.count).reduce(0, +)
            report.set("choice_gate", ["seconds": .number(seconds), "receipts_asked": .number(Double(observed.count)),
                                       "choices": .number(Double(choices))])
            report.notes.append(String(format: "Choice gate: the model's choices on %d teaching receipts (%d choices) took %.0f s before the timed runs; "
                + "every fold's gate is learned from its own teaching receipts' share, and the llama-server side uses the same gates.",
                observed.count, choices, seconds))
        }
        var tandem = try await ReceiptPipelineRun.rounds(o.pipelineRounds) { round in
            ctx.progress.begin("pipeline: local model in-process" + PipelineServerSide.roundName(round, of: o.pipelineRounds), total: scored.count)
            return try await run.run(model: try engineClient(), progress: ctx.progress)
        }
        for (fold, gate) in tandem.gates.enumerated() { report.notes.append("Fold \(fold + 1) gate: " + gate.joined(separator: "; ")) }
        tandem.rejectedChoices = try await run.rejectedChoices(tandem, model: client)
        var sides: [(String, ReceiptPipelineRun.Outcome)] = [("rules only (--no-local-model)", rules), ("Tandem, model in-process", tandem)]
        do {
            sides.append(("llama-server over HTTP, one request per step", try await PipelineServerSide.run(ctx, run: run)))
        } catch {
            report.notes.append("llama-server side not run: \(error)")
        }
        record(&report, sides: sides)
    }

    private static func record(_ report: inout SuiteReport, sides: [(String, ReceiptPipelineRun.Outcome)]) {
        var table = MarkdownTable(title: "receipt pipeline", headers: ["side", "records/s", "all fields", "company", "date", "address",
                                                                       "total", "items add up", "model calls", "prompt tokens", "cached", "generated"])
        var json: [(String, JSONValue)] = []
        for (name, o) in sides {
            let s = o.summary
            let field = { (f: String) in s.fields.first { $0.field == f }.map { String(format: "%.3f", $0.accuracy) } ?? "-" }
            let cached = s.usage.promptTokens > 0 ? String(format: "%.0f%%", 100 * Double(s.usage.cachedPromptTokens) / Double(s.usage.promptTokens)) : "-"
            table.rows.append([name, String(format: "%.2f", o.recordsPerSecond), String(format: "%.3f", o.accuracy), field("company"),
                               field("date"), field("address"), field("total"), "\(o.itemsAddUp)/\(s.records)", "\(s.modelCalls)", "\(s.usage.promptTokens)", cached,
                               "\(s.usage.generatedTokens)"])
            json.append((name, ["records_per_s": .number(o.recordsPerSecond), "round_records_per_s": .array(o.roundRates.map { .number($0) }), "all_fields": .number(o.accuracy), "seconds": .number(o.seconds),
                                "items_add_up": .number(Double(o.itemsAddUp)), "method_scores": methodScores(o),
                                "summary": s.json(prices: .defaults)]))
        }
        report.tables.append(table)
        let rounds = sides.filter { $0.1.roundRates.count > 1 }
        if !rounds.isEmpty {
            report.notes.append("Records/s is the median of \(rounds[0].1.roundRates.count) timed runs per model side: "
                + rounds.map { "\($0.0): " + $0.1.roundRates.map { String(format: "%.2f", $0) }.joined(separator: ", ") }.joined(separator: "; ") + ".")
        }
        var decided = MarkdownTable(title: "who decided each field (model in-process)", headers: ["step", "part", "methods"])
        if let tandem = sides.first(where: { $0.0.hasPrefix("Tandem") })?.1 {
            for step in tandem.summary.steps where !step.decisions.isEmpty {
                for (part, methods) in step.decisions.sorted(by: { $0.key < $1.key }) {
                    decided.rows.append([step.stepID, part, methods.sorted { $0.value > $1.value }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")])
                }
            }
            decided.rows += tandem.summary.steps.filter { $0.usage.promptTokens > 0 }.map {
                [$0.stepID, "prompt tokens", "\($0.usage.promptTokens), \($0.usage.cachedPromptTokens) from the prompt cache"]
            }
            report.tables.append(decided)
            report.tables.append(methodTable(tandem))
            report.headline("pipeline_records_per_s", tandem.recordsPerSecond)
            report.headline("acc_receipts_pipeline", tandem.accuracy)
        }
        if let rules = sides.first?.1 {
            report.headline("acc_receipts_pipeline_rules", rules.accuracy)
            // What a perfect chooser would reach from the rules and the memory: the bound on what
            // any model's choices can add in this plan.
            report.headline("acc_receipts_choice_ceiling", rules.ceiling)
            report.headline("pipeline_rules_records_per_s", rules.recordsPerSecond)
        }
        if let server = sides.first(where: { $0.0.hasPrefix("llama-server") })?.1, let tandem = sides.first(where: { $0.0.hasPrefix("Tandem") })?.1,
           server.recordsPerSecond > 0 {
            report.headline("pipeline_vs_server", tandem.recordsPerSecond / server.recordsPerSecond)
        }
        report.set("sides", .object(json))
    }
}

extension PipelineSuite {
    /// Per field and method, how often the method decided and how often it was right: whether
    /// each method earns the fields it is given.
    static func methodTable(_ outcome: ReceiptPipelineRun.Outcome) -> MarkdownTable {
        var table = MarkdownTable(title: "which method was right (model in-process)", headers: ["field", "method", "decided", "right", "accuracy"])
        for field in ReceiptFieldsTool.fieldNames {
            var rows = (outcome.methodScores[field] ?? [:]).sorted(by: { $0.value.decided > $1.value.decided }).map { ($0.key, $0.value) }
            if let n = outcome.overruledRules[field] { rows.append(("(the rules' value where the model's choice was used)", n)) }
            if let n = outcome.rejectedChoices[field] { rows.append(("(the model's choice where the rules were kept or gated; not used)", n)) }
            table.rows += rows.map { [field, $0.0, "\($0.1.decided)", "\($0.1.right)", String(format: "%.2f", $0.1.accuracy)] }
        }
        return table
    }

    static func methodScores(_ outcome: ReceiptPipelineRun.Outcome) -> JSONValue {
        .object(outcome.methodScores.sorted { $0.key < $1.key }.map { field, methods in
            var pairs = methods.sorted { $0.key < $1.key }.map { ($0.key, $0.value.json) }
            if let n = outcome.overruledRules[field] { pairs.append(("rules where the model's choice was used", n.json)) }
            if let n = outcome.rejectedChoices[field] { pairs.append(("model choice where the rules were kept (not used)", n.json)) }
            return (field, .object(pairs))
        })
    }
}

/// The server side of the pipeline suite: llama-server started with the same model, threads and
/// slots as the in-process engine (afresh for each timed round), each local-model call of the
/// plan sent to it over HTTP.
enum PipelineServerSide {
    static func run(_ ctx: BenchContext, run: ReceiptPipelineRun) async throws -> ReceiptPipelineRun.Outcome {
        let o = ctx.options
        return try await ReceiptPipelineRun.rounds(o.pipelineRounds) { round in
            let server = try await LlamaServer.start(.init(model: ctx.model.path, threads: o.threads, slots: o.pipelineConcurrency,
                                                           contextLength: 2048 * o.pipelineConcurrency, port: o.port), toolchain: ctx.tools())
            // The client `tandem run` uses for a server model: one /v1/chat/completions per call,
            // the schema as response_format, a choice as an enum schema scored by its logprobs.
            let client = RemoteModelClient(baseURL: "http://127.0.0.1:\(server.port)", model: URL(fileURLWithPath: ctx.model.path).lastPathComponent,
                                           timeout: .seconds(600), egress: EgressPolicy(offline: true))
            ctx.progress.begin("pipeline: llama-server over HTTP" + roundName(round, of: o.pipelineRounds), total: run.rows.count)
            do {
                let outcome = try await run.run(model: client, progress: ctx.progress)
                await server.stop()
                return outcome
            } catch {
                await server.stop()
                throw error
            }
        }
    }

    /// ` (round R of N)` when there are several rounds.
    static func roundName(_ round: Int, of rounds: Int) -> String { rounds > 1 ? " (round \(round) of \(rounds))" : "" }
}
