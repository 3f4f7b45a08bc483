import Foundation
import TandemCore
import TandemOrchestrator

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
    }

    func run(model: (any LocalModelClient)?, inFlight: Int, progress: ProgressBar?) async -> Answers {
        let start = Date()
        let outputs = await boundedConcurrentMap(rows, limit: model == nil ? 1 : inFlight, progress: progress) { row -> Result<StepOutput, Error> in
            do { return .success(try await ReceiptFieldsTool().run(["text": row.value["text"] ?? ""], model: model)) } catch { return .failure(error) }
        }
        var answers = Answers(fields: [], repaired: 0, failures: [], seconds: Date().timeIntervalSince(start))
        for (row, output) in zip(rows, outputs) {
            switch output {
            case .success(let o):
                answers.fields.append(o.value)
                if model != nil && o.fallbackUnits > 0 { answers.repaired += 1 }
            case .failure(let error):
                answers.fields.append(nil)
                answers.failures.append("receipts.jsonl:\(row.line): \(error)")
            }
        }
        return answers
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
