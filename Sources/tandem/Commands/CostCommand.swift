import Foundation
import TandemCloud
import TandemCore

/// `tandem cost`: totals of the cost ledger (cloud requests and local model calls), per model.
enum CostCommand: Command {
    static let name = "cost"
    static let summary = "Show what model requests have cost: requests, failures, tokens and dollars per model"
    static let help = """
        Usage: tandem cost [--ledger FILE] [--json]

        Totals the cost ledger that every cloud model request appends to (one JSON line per
        request, failed answers that used tokens included), and every local model call of
        `tandem run` and `tandem ask` (provider "local", the GGUF file name as the model, $0):
        requests, failures, input and output tokens and US dollars, per model. Dollars are
        priced when the request is made, from the price
        table in the config (USD per 1M input/output tokens) or the built-in list; a model with
        no price shows "-" and its requests are counted as unpriced. Lines that cannot be read
        are skipped and counted, never fatal.

        Options:
          --ledger FILE   the ledger to read (default: $TANDEM_COST_LEDGER, else
                          ${XDG_CACHE_HOME:-~/.cache}/tandem/cost-ledger.jsonl)
          --json          print one JSON object (for scripts) instead of a table
          -h, --help      show this help

        Examples:
          tandem cost
          tandem cost --json --ledger runs/2026-11/cost-ledger.jsonl
        """

    static func run(_ arguments: inout Arguments) async throws -> Int32 {
        if arguments.wantsHelp() {
            print(help)
            return 0
        }
        let asJSON = arguments.flag("--json")
        let path = try arguments.option("--ledger") ?? CostLedger.defaultPath()
        try arguments.finish()
        let summary = try CostLedger.summarize(path: path)
        print(asJSON ? JSONWriter.pretty(json(summary, path: path)) : table(summary, path: path))
        return 0
    }

    private static func json(_ summary: CostSummary, path: String) -> JSONValue {
        func row(_ totals: ModelCostTotals) -> JSONValue {
            [
                "model": .string(totals.model), "requests": .number(Double(totals.requests)),
                "failures": .number(Double(totals.failures)),
                "input_tokens": .number(Double(totals.inputTokens)), "output_tokens": .number(Double(totals.outputTokens)),
                "cost_usd": .number(totals.costUSD), "unpriced_requests": .number(Double(totals.unpricedRequests)),
            ]
        }
        return [
            "ledger": .string(path),
            "models": .array(summary.models.map(row)),
            "total": row(summary.total),
            "skipped_lines": .number(Double(summary.skippedLines)),
        ]
    }

    private static func table(_ summary: CostSummary, path: String) -> String {
        var lines = ["Cost ledger: \(path)"]
        if summary.total.requests == 0 {
            lines.append("No model requests recorded yet (each cloud request and local model call appends a line here).")
        } else {
            let header = ["model", "requests", "failures", "input tokens", "output tokens", "cost (USD)"]
            let rows = (summary.models + [summary.total]).map { totals in
                [totals.model, grouped(totals.requests), grouped(totals.failures), grouped(totals.inputTokens), grouped(totals.outputTokens),
                 totals.unpricedRequests == totals.requests ? "-" : String(format: "$%.6f", totals.costUSD)]
            }
            let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
            for (index, cells) in ([header] + rows).enumerated() {
                if index == rows.count { lines.append(widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")) }
                lines.append(cells.enumerated().map { column, cell in
                    let pad = String(repeating: " ", count: widths[column] - cell.count)
                    return column == 0 ? cell + pad : pad + cell
                }.joined(separator: "  "))
            }
        }
        if summary.total.unpricedRequests > 0 {
            lines.append("\(summary.total.unpricedRequests) request(s) had no price and are not in the dollar totals; "
                         + "add the model under \"prices\" in the config (input_per_1m, output_per_1m).")
        }
        if summary.skippedLines > 0 {
            lines.append("\(summary.skippedLines) line(s) of the ledger could not be read and were skipped.")
        }
        return lines.joined(separator: "\n")
    }

    /// 1234567 as "1,234,567".
    private static func grouped(_ n: Int) -> String {
        let digits = String(n.magnitude)
        let groups = stride(from: digits.count, to: 0, by: -3).reversed().map { end in
            String(digits.dropFirst(max(0, end - 3)).prefix(end - max(0, end - 3)))
        }
        return (n < 0 ? "-" : "") + groups.joined(separator: ",")
    }
}
