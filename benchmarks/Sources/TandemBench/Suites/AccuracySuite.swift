import Foundation
import TandemClassifier
import TandemCore
import TandemOrchestrator
import TandemWorkers
import TandemRuntime

/// Each fixture task up to three ways: the local model with constrained output (JSON schema or a
/// choice of labels) through the orchestrator's tools, the deterministic keyword/regex baseline,
/// and classifiers taught from labelled rows (labelling tasks only; never scored on a row they
/// were taught with). Runs unchanged on any folder of the same schema: labels come from the data,
/// instructions are per task, keyword rules come from `config/<task>.keywords.json` (labels
/// without rules fall back to the words of their own name).
enum AccuracySuite {
    /// One task's rows: every usable row of its file, the scored (possibly limited) subset, labels.
    struct Input: Sendable {
        let task: AccuracyTask
        let all: [FixtureFolder.Row]
        let scored: [FixtureFolder.Row]
        let labels: [String]
    }

    /// What one method scored on one task, for the table.
    struct Cell: Sendable {
        var score: Double
        var macroF1: Double?
        var itemsPerSecond: Double
    }

    static func run(_ ctx: BenchContext, _ report: inout SuiteReport) async throws {
        let o = ctx.options
        let methods = o.accuracy.methods
        let folder: FixtureFolder
        do { folder = try FixtureFolder(directory: o.resolvedFixtures) } catch {
            // Only a folder someone asked for is an error; the default one may simply be absent.
            guard o.fixturesExplicit || o.suitesExplicit else {
                report.status = .skipped
                report.notes.append("skipped: \(error)")
                return
            }
            throw error
        }
        report.set("fixtures", .string(folder.directory))
        report.set("methods", .array(methods.map { .string($0.rawValue) }))
        let trainFolder = try o.accuracy.trainDirectory.flatMap { methods.contains(.taught) ? try FixtureFolder(directory: $0) : nil }
        var config: KeywordRuleBook?
        do { config = try KeywordRuleBook(directory: o.configDirectory) } catch {
            report.notes.append("keyword rules: \(error); every label falls back to the words of its own name")
        }

        let (inputs, problems) = try readInputs(folder, limit: o.limit, notes: &report.notes)
        if !problems.isEmpty {
            report.set("input_problems", .array(problems.map { .string($0) }))
            report.fail("\(problems.count) fixture line(s) skipped: " + problems.prefix(10).joined(separator: "; ") + (problems.count > 10 ? "; …" : ""))
        }
        let rules = ClassificationRun.ruleBook(config: config, tasks: inputs.map { ($0.task, $0.labels) })
        // Taught receipts also run retrieval few-shot on the model, like the prompted taught methods.
        let needsEngine = methods.contains(.model) || (methods.contains(.taught)
            && (o.accuracy.taught.methods.contains(where: \.isPrompted) || inputs.contains { $0.task == .receipts }))
        let engine = needsEngine ? try Engine(model: ctx.model, parameters: ctx.parameters(contextLength: 2048, sequences: o.accuracySlots)) : nil
        let embedder = methods.contains(.taught) ? try TextEmbedder(model: ctx.model, maxTokensPerText: 256, threads: o.threads) : nil
        let tasks = AccuracyTaskRunner(ctx: ctx, rules: rules, client: engine.map { EngineModelClient(engine: $0) }, engine: engine,
                               embedder: embedder, trainFolder: trainFolder)

        var table = MarkdownTable(title: "Accuracy: " + methods.map(\.rawValue).joined(separator: " vs "),
                                  headers: ["task", "rows", "metric"] + methods.map(\.rawValue) + methods.map { "\($0.rawValue) macro-F1" }
                                      + methods.map { "\($0.rawValue) items/s" } + (methods.contains(.model) ? ["model fell back"] : []))
        let taughtMethods = o.accuracy.taught.methods
        var taughtTable = MarkdownTable(title: "Taught classifiers: accuracy per method (\(o.accuracy.evaluation))",
                                        headers: ["task", "rows"] + taughtMethods.map(\.rawValue) + ["taught (picked)", "taught items/s"])
        var trailing: [String] = []
        var fieldTables: [MarkdownTable] = []
        var scoredRows: [JSONValue] = []
        var combinedNotes: [String] = []
        defer { if let path = o.rowsPath { writeRows(scoredRows, to: path, report: &report) } }
        for input in inputs {
            let task = input.task
            guard !input.scored.isEmpty else { report.fail("\(task.file): no usable rows"); continue }
            if task == .receipts && methods.isEmpty { continue }
            var out = TaskOutcome(task: task, rows: input.scored)
            if task == .receipts {
                await tasks.receipts(input, methods: methods, into: &out)
                fieldTables += out.extraTables
            } else {
                try await tasks.classification(input, methods: methods, into: &out)
                if let taught = out.taught {
                    taughtTable.rows.append(TaughtRun.tableRow(task: task, taught, methods: taughtMethods))
                }
            }
            for f in out.failures { report.fail(f) }
            report.set(task.rawValue, out.json)
            for m in methods { if let cell = out.cells[m] { report.headline("acc_\(task.rawValue)_\(m.rawValue)", cell.score) } }
            if let c = out.combined {
                report.headline("acc_\(task.rawValue)_combined", c.score)
                combinedNotes.append("\(task.rawValue) \(fixed(c.score, 3)) (macro-F1 \(fixed(c.macroF1, 3)))")
            }
            scoredRows += out.rowRecords
            let metric = task == .receipts ? "all fields correct" : "accuracy"
            table.rows.append([task.rawValue, String(input.scored.count), metric] + methods.map { fixed(out.cells[$0]?.score, 3) }
                              + methods.map { fixed(out.cells[$0]?.macroF1, 3) } + methods.map { fixed(out.cells[$0]?.itemsPerSecond, 1) }
                              + (methods.contains(.model) ? [out.fellBack] : []))
            if let m = out.cells[.model]?.score, let k = out.cells[.keyword]?.score, m <= k {
                trailing.append("\(task.rawValue) (\(fixed(m, 3)) vs \(fixed(k, 3))\(out.why.map { "; " + $0 } ?? ""))")
            }
            report.tables = [table] + (taughtTable.rows.isEmpty ? [] : [taughtTable]) + fieldTables
        }
        let rowsNote = o.limit.map { "at most \($0) per task, spread evenly over each file" } ?? "all"
        report.notes.append("Rows: \(rowsNote)." + (methods.contains(.model) ? " Model: \(URL(fileURLWithPath: ctx.model.path).lastPathComponent), \(o.accuracySlots) sequences, \(o.accuracyInFlight) rows in flight." : "")
                            + (methods.contains(.keyword) ? " Keyword baseline: one row at a time." : ""))
        if methods.contains(.taught) {
            report.notes.append("Taught: \(o.accuracy.evaluation); every classifier fits its heads, calibration, ensemble weights and its own method (by an inner \(o.accuracy.taught.innerFolds)-fold cross-validation) on its training rows only; `taught` is the method it picked."
                + (o.accuracy.taught.methods.contains(where: \.isPrompted) ? " Prompted methods (fewshot: \(o.accuracy.taught.fewShotCount) nearest examples) on \(o.accuracy.taught.promptedRowLimit.map { "at most \($0)" } ?? "all") scored rows per task." : "")
                + " items/s = embedding + the method, \(o.threads) threads.")
            if inputs.contains(where: { $0.task == .receipts }) {
                report.notes.append("Taught receipts: `taught` = the rules with a memory of the teaching receipts (company names and addresses found in the OCR text, read in the taught spelling, each field only as close as a closeness learned on the teaching receipts themselves allows; `tandem run --receipt-examples`); `taught few-shot` = the model with the \(ReceiptFewShotRun.examples) nearest teaching receipts (by embedding) and their fields as chat turns, unusable fields repaired by the rules.")
            }
        }
        if !combinedNotes.isEmpty {
            report.notes.append("Combined (what `categorize_items` does with keyword rules and a taught classifier: the likelier right by calibrated accuracy, keyword accuracy measured on the training rows; the model where both are under the classifier's 0.4 threshold"
                + (methods.contains(.model) ? "" : ", here their better guess since the model method did not run") + "): "
                + combinedNotes.joined(separator: ", ") + ".")
        }
        if !trailing.isEmpty { report.notes.append("The model does not beat the keyword baseline on: \(trailing.joined(separator: ", ")).") }
    }

    /// Reads every task file first: labels come from the whole file, scoring from the (limited) rows.
    private static func readInputs(_ folder: FixtureFolder, limit: Int?, notes: inout [String]) throws -> ([Input], [String]) {
        var inputs: [Input] = []
        var problems: [String] = []
        for task in folder.tasks {
            let read = try folder.rows(task)
            problems += read.problems
            var labels: [String] = []
            if task == .lineItems {
                let (fromFile, problem) = folder.lineItemLabels()
                if let problem { notes.append(problem) }
                labels = fromFile ?? []
            }
            if task != .receipts {
                for row in read.rows { if let l = row.value[task.labelKey]?.stringValue, !labels.contains(l) { labels.append(l) } }
            }
            inputs.append(Input(task: task, all: read.rows, scored: FixtureFolder.spread(read.rows, limit: limit), labels: labels))
        }
        return (inputs, problems)
    }

    private static func writeRows(_ rows: [JSONValue], to path: String, report: inout SuiteReport) {
        let text = rows.map { JSONWriter.compact($0) }.joined(separator: "\n") + "\n"
        do { try OutputFile.write(text, to: path) } catch {
            report.fail(BenchError.writeFailed(path: path, reason: error.localizedDescription).description)
        }
    }
}
