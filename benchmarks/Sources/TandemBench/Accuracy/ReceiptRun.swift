import Foundation
import TandemCore
import TandemOrchestrator
import TandemWorkers

/// Receipts through `extract_receipt_fields`: on the model (JSON-schema-constrained, unusable
/// fields repaired by the rules, as the tool does in production) and on the regex/rule
/// extractor alone. Scored per field with `FieldScorer` (trimmed, case-folded, totals as
/// numbers, dates as calendar days).
struct ReceiptRun: Sendable {
    let rows: [FixtureFolder.Row]

    /// Per row: predicted fields, or nil when the call failed.
    struct Answers: Sendable {
        var fields: [JSONValue?]
        /// Rows where the rules filled at least one field the model left unusable.
        var repaired: Int
        var failures: [String]
        var seconds: Double
        var itemsPerSecond: Double { seconds > 0 ? Double(fields.count) / seconds : 0 }

        /// One answer per row from each row's outcome (fields, and whether the rules repaired
        /// any); a failed row is named with its file line, `label` added to the message.
        init(rows: [FixtureFolder.Row], outcomes: [Result<(value: JSONValue, repaired: Bool), Error>], since start: Date,
             label: String = "") {
            fields = []; repaired = 0; failures = []; seconds = Date().timeIntervalSince(start)
            for (row, outcome) in zip(rows, outcomes) {
                switch outcome {
                case .success(let answer):
                    fields.append(answer.value)
                    if answer.repaired { repaired += 1 }
                case .failure(let error):
                    fields.append(nil)
                    failures.append("receipts.jsonl:\(row.line)\(label): \(error)")
                }
            }
        }
    }

    func run(model: (any LocalModelClient)?, inFlight: Int, progress: ProgressBar?) async -> Answers {
        let start = Date()
        let outcomes = await boundedConcurrentMap(rows, limit: model == nil ? 1 : inFlight, progress: progress) {
            row -> Result<(value: JSONValue, repaired: Bool), Error> in
            do {
                let output = try await ReceiptFieldsTool().run(["text": row.value["text"] ?? ""], model: model)
                return .success((output.value, model != nil && output.fallbackUnits > 0))
            } catch { return .failure(error) }
        }
        return Answers(rows: rows, outcomes: outcomes, since: start)
    }

    /// Field names to score: the gold `fields` keys, in first-seen order.
    var fieldNames: [String] {
        var names: [String] = []
        for row in rows { for (k, _) in row.value["fields"]?.objectValue ?? [] where !names.contains(k) { names.append(k) } }
        return names
    }

    /// Per-field exact-match rate and the all-fields-correct rate.
    func score(_ answers: Answers) -> (perField: [(String, Double)], allCorrect: Double) {
        let names = fieldNames
        var correct = [Int](repeating: 0, count: names.count)
        var all = 0
        for (row, predicted) in zip(rows, answers.fields) {
            guard let gold = row.value["fields"] else { continue }
            var rowOK = true
            for (i, name) in names.enumerated() {
                guard let expected = gold[name] else { continue }
                if FieldScorer.matches(field: name, predicted: predicted?[name], expected: expected) { correct[i] += 1 } else { rowOK = false }
            }
            if rowOK { all += 1 }
        }
        let n = Double(max(rows.count, 1))
        return (zip(names, correct).map { ($0, Double($1) / n) }, Double(all) / n)
    }
}
