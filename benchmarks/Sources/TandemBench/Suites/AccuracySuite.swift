import Foundation
import TandemCore
import TandemOrchestrator
import TandemRuntime

/// Each fixture task twice: the local model with constrained output (JSON schema or a choice of
/// labels) through the orchestrator's tools, and the deterministic keyword/regex baseline. Runs
/// unchanged on any folder of the same schema: labels come from the data, instructions are per
/// task, keyword rules come from `config/<task>.keywords.json` (labels without rules fall back to
/// the words of their own name).
enum AccuracySuite {
    static func run(_ ctx: BenchContext, _ report: inout SuiteReport) async throws {
        let o = ctx.options
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
        var config: KeywordRuleBook?
        do { config = try KeywordRuleBook(directory: o.configDirectory) } catch {
            report.notes.append("keyword rules: \(error); every label falls back to the words of its own name")
        }

        // Read every file first: labels come from the whole file, scoring from the (limited) rows.
        var inputs: [(AccuracyTask, [FixtureFolder.Row], [String])] = []
        var problems: [String] = []
        for task in folder.tasks {
            let read = try folder.rows(task)
            problems += read.problems
            var labels: [String] = []
            if task == .lineItems {
                let (fromFile, problem) = folder.lineItemLabels()
                if let problem { report.notes.append(problem) }
                labels = fromFile ?? []
            }
            if task != .receipts {
                for row in read.rows { if let l = row.value[task.labelKey]?.stringValue, !labels.contains(l) { labels.append(l) } }
            }
            inputs.append((task, FixtureFolder.spread(read.rows, limit: o.limit), labels))
        }
        if !problems.isEmpty {
            report.set("input_problems", .array(problems.map { .string($0) }))
            report.fail("\(problems.count) fixture line(s) skipped: " + problems.prefix(10).joined(separator: "; ") + (problems.count > 10 ? "; …" : ""))
        }
        let rules = ClassificationRun.ruleBook(config: config, tasks: inputs.map { ($0.0, $0.2) })
        let engine = try Engine(model: ctx.model, parameters: ctx.parameters(contextLength: 2048, sequences: o.accuracySlots))
        let client = EngineModelClient(engine: engine)

        var table = MarkdownTable(title: "Accuracy: constrained local model vs keyword baseline",
                                  headers: ["task", "rows", "metric", "model", "keyword", "model macro-F1", "keyword macro-F1",
                                            "model items/s", "keyword items/s", "model fell back"])
        var trailing: [String] = []
        var why: [AccuracyTask: String] = [:]
        var fieldTables: [MarkdownTable] = []
        var scoredRows: [JSONValue] = []
        defer { if let path = o.rowsPath { writeRows(scoredRows, to: path, report: &report) } }
        for (task, rows, labels) in inputs {
            guard !rows.isEmpty else { report.fail("\(task.file): no usable rows"); continue }
            ctx.progress.begin("accuracy: \(task.rawValue)", total: rows.count * 2)
            var taskJSON: JSONValue = ["rows": .number(Double(rows.count))]
            let modelScore: Double, keywordScore: Double
            if task == .receipts {
                let run = ReceiptRun(rows: rows)
                let m = await run.run(model: client, inFlight: o.accuracyInFlight, progress: ctx.progress)
                let k = await run.run(model: nil, inFlight: 1, progress: ctx.progress)
                let ms = run.score(m), ks = run.score(k)
                modelScore = ms.allCorrect
                keywordScore = ks.allCorrect
                var fields = MarkdownTable(title: "Receipts: per-field exact match (normalised)", headers: ["field", "model", "keyword"])
                for ((name, mv), (_, kv)) in zip(ms.perField, ks.perField) { fields.rows.append([name, fixed(mv, 3), fixed(kv, 3)]) }
                fields.rows.append(["all fields correct", fixed(ms.allCorrect, 3), fixed(ks.allCorrect, 3)])
                fieldTables.append(fields)
                taskJSON = taskJSON.setting("model", receiptJSON(ms, m)).setting("keyword", receiptJSON(ks, k))
                if let worst = zip(ms.perField, ks.perField).max(by: { ($0.1.1 - $0.0.1) < ($1.1.1 - $1.0.1) }) {
                    why[task] = "widest gap on \(worst.0.0): \(fixed(worst.0.1, 2)) vs \(fixed(worst.1.1, 2))"
                }
                for (i, row) in rows.enumerated() {
                    scoredRows.append(["task": .string(task.rawValue), "line": .number(Double(row.line)), "id": row.value["id"] ?? .null,
                                       "gold": row.value["fields"] ?? .null, "model": m.fields[i] ?? .null, "keyword": k.fields[i] ?? .null])
                }
                table.rows.append([task.rawValue, String(rows.count), "all fields correct", fixed(modelScore, 3), fixed(keywordScore, 3),
                                   "–", "–", fixed(m.itemsPerSecond, 2), fixed(k.itemsPerSecond, 1), "\(m.repaired) rows repaired by rules"])
                for f in m.failures + k.failures { report.fail(f) }
            } else {
                let run = ClassificationRun(task: task, rows: rows, labels: labels, rules: rules)
                let m = await run.run(model: client, inFlight: o.accuracyInFlight, progress: ctx.progress)
                let k = await run.run(model: nil, inFlight: 1, progress: ctx.progress)
                let ms = run.score(m), ks = run.score(k)
                modelScore = ms.accuracy
                keywordScore = ks.accuracy
                why[task] = Self.dominantAnswer(m.predictions)
                taskJSON = taskJSON.setting("labels", .array(labels.map { .string($0) }))
                    .setting("model", methodJSON(ms, m)).setting("keyword", methodJSON(ks, k))
                for (i, row) in rows.enumerated() {
                    scoredRows.append(["task": .string(task.rawValue), "line": .number(Double(row.line)), "id": row.value["id"] ?? .null,
                                       "gold": row.value[task.labelKey] ?? .null, "model": m.predictions[i].map { .string($0) } ?? .null,
                                       "keyword": k.predictions[i].map { .string($0) } ?? .null])
                }
                table.rows.append([task.rawValue, String(rows.count), "accuracy", fixed(modelScore, 3), fixed(keywordScore, 3),
                                   fixed(ms.macroF1, 3), fixed(ks.macroF1, 3), fixed(m.itemsPerSecond, 2), fixed(k.itemsPerSecond, 1), String(m.fallbacks)])
                for f in m.failures + k.failures { report.fail(f) }
            }
            report.set(task.rawValue, taskJSON)
            report.headline("acc_\(task.rawValue)_model", modelScore)
            report.headline("acc_\(task.rawValue)_keyword", keywordScore)
            if modelScore <= keywordScore {
                trailing.append("\(task.rawValue) (\(fixed(modelScore, 3)) vs \(fixed(keywordScore, 3))\(why[task].map { "; " + $0 } ?? ""))")
            }
            report.tables = [table] + fieldTables
        }
        report.notes.append("Model: \(URL(fileURLWithPath: ctx.model.path).lastPathComponent), \(o.accuracySlots) sequences, \(o.accuracyInFlight) rows in flight; keyword baseline one row at a time. Rows: \(o.limit.map { "at most \($0) per task, spread evenly over each file" } ?? "all").")
        if !trailing.isEmpty { report.notes.append("The model does not beat the keyword baseline on: \(trailing.joined(separator: ", ")).") }
    }

    /// "answers X for N% of rows": a small model's pull towards one label, the usual reason it
    /// trails the keyword rules on a labelling task.
    private static func dominantAnswer(_ predictions: [String?]) -> String? {
        let answered = predictions.compactMap { $0 }
        guard !answered.isEmpty else { return nil }
        let counts = Dictionary(answered.map { ($0, 1) }, uniquingKeysWith: +)
        guard let top = counts.max(by: { $0.value < $1.value }) else { return nil }
        return "the model answers '\(top.key)' for \(Int((Double(top.value) / Double(predictions.count) * 100).rounded()))% of rows"
    }

    private static func writeRows(_ rows: [JSONValue], to path: String, report: inout SuiteReport) {
        let text = rows.map { JSONWriter.compact($0) }.joined(separator: "\n") + "\n"
        do { try OutputFile.write(text, to: path) } catch {
            report.fail(BenchError.writeFailed(path: path, reason: error.localizedDescription).description)
        }
    }

    private static func methodJSON(_ s: ClassificationScore, _ r: MethodRun) -> JSONValue {
        s.json.setting("items_per_s", .number(r.itemsPerSecond)).setting("seconds", .number(r.seconds))
            .setting("fallback_rows", .number(Double(r.fallbacks))).setting("failed_rows", .number(Double(r.failures.count)))
    }

    private static func receiptJSON(_ s: (perField: [(String, Double)], allCorrect: Double), _ a: ReceiptRun.Answers) -> JSONValue {
        ["per_field_exact": .object(s.perField.map { ($0.0, .number($0.1)) }), "all_fields_correct": .number(s.allCorrect),
         "items_per_s": .number(a.itemsPerSecond), "seconds": .number(a.seconds),
         "rows_repaired_by_rules": .number(Double(a.repaired)), "failed_rows": .number(Double(a.failures.count))]
    }
}

private extension JSONValue {
    func setting(_ key: String, _ value: JSONValue) -> JSONValue { setting(key, to: value) }
}
