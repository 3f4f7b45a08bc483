import Foundation
import TandemCore

extension PipelineSummary {
    /// The summary as JSON (`tandem run --json`).
    public func json(prices: PriceTable) -> JSONValue {
        let stepList: [JSONValue] = steps.map {
            ["step": .string($0.stepID), "tool": .string($0.tool), "runs": .number(Double($0.latencies.count)),
             "p50_ms": .number(Self.round3($0.p50)), "p95_ms": .number(Self.round3($0.p95)),
             "failures": .number(Double($0.failures)), "skipped": .number(Double($0.skipped)),
             "units": .number(Double($0.units)), "fallback_units": .number(Double($0.fallbackUnits)),
             "fallback_rate": .number(Self.round3($0.fallbackRate)),
             "prompt_tokens": .number(Double($0.usage.promptTokens)), "cached_prompt_tokens": .number(Double($0.usage.cachedPromptTokens)),
             "generated_tokens": .number(Double($0.usage.generatedTokens)),
             "decided_by": .object($0.decisions.sorted { $0.key < $1.key }.map { part, methods in
                 (part, .object(methods.sorted { $0.value > $1.value }.map { ($0.key, .number(Double($0.value))) }))
             })]
        }
        let accuracy: [(String, JSONValue)] = fields.map {
            ($0.field, ["correct": .number(Double($0.correct)), "total": .number(Double($0.total)), "accuracy": .number(Self.round3($0.accuracy))])
        }
        return ["records": .number(Double(records)), "resumed_records": .number(Double(resumed)), "ok": .number(Double(succeeded)), "partial": .number(Double(partial)),
                "failed": .number(Double(failed)), "elapsed_s": .number(Self.round3(elapsedSeconds)),
                "records_per_s": .number(Self.round3(recordsPerSecond)),
                "record_p50_ms": .number(Self.round3(recordLatencies.percentile(0.5))),
                "record_p95_ms": .number(Self.round3(recordLatencies.percentile(0.95))),
                "fallback_rate": .number(Self.round3(fallbackRate)), "model_calls": .number(Double(modelCalls)),
                "cache_hits": .number(Double(cacheHits)), "steps": .array(stepList), "accuracy": .object(accuracy),
                "cost": CostTable(summary: self, prices: prices).json, "errors": .array(errors.map { .string($0) }),
                "notes": .array(notes.map { .string($0) }),
                "endpoints": .array(endpoints.map { e in
                    ["url": .string(e.url), "up": .bool(e.isUp), "requests": .number(Double(e.requests)),
                     "failures": .number(Double(e.failures)), "p50_ms": e.p50Seconds.map { .number(Self.round3($0 * 1000)) } ?? .null,
                     "last_error": e.lastError.map(JSONValue.string) ?? .null]
                })]
    }

    /// The summary for people: throughput, step latencies, fallbacks, accuracy, cost.
    public func text(prices: PriceTable) -> String {
        var out = resumed == 0
            ? "\(records) records in \(Self.fixed(elapsedSeconds, 2)) s: \(Self.fixed(recordsPerSecond, 1)) records/s"
            : "\(records) records: \(resumed) done by the earlier run, \(records - resumed) now in \(Self.fixed(elapsedSeconds, 2)) s "
                + "(\(Self.fixed(recordsPerSecond, 1)) records/s; the timings below are of these)"
        out += " (\(succeeded) ok, \(partial) partial, \(failed) failed)\n"
        out += "record latency: p50 \(Self.fixed(recordLatencies.percentile(0.5), 1)) ms, p95 \(Self.fixed(recordLatencies.percentile(0.95), 1)) ms\n\n"
        let idWidth = max(4, steps.map(\.stepID.count).max() ?? 4)
        let toolWidth = max(4, steps.map(\.tool.count).max() ?? 4)
        let tokens = steps.contains { $0.usage.promptTokens > 0 }
        out += Self.pad("step", idWidth) + "  " + Self.pad("tool", toolWidth) + "   p50 ms   p95 ms  fallback  failed"
        out += tokens ? "   prompt tok   cached\n" : "\n"
        for s in steps {
            out += Self.pad(s.stepID, idWidth) + "  " + Self.pad(s.tool, toolWidth)
            out += Self.left(Self.fixed(s.p50, 2), 9) + Self.left(Self.fixed(s.p95, 2), 9)
            out += Self.left(s.units == 0 ? "-" : Self.percent(s.fallbackRate), 10) + Self.left("\(s.failures)", 8)
            if tokens {
                let cached = s.usage.promptTokens == 0 ? "-" : Self.percent(Double(s.usage.cachedPromptTokens) / Double(s.usage.promptTokens))
                out += Self.left("\(s.usage.promptTokens)", 13) + Self.left(cached, 9)
            }
            out += "\n"
        }
        out += decisionsText()
        out += "\nfallback rate (local-model work answered by keyword/rule fallbacks): \(Self.percent(fallbackRate))"
        out += modelCalls == 0 ? " (local model off)\n" : " (\(modelCalls) model calls, \(cacheHits) prompt-cache hits)\n"
        if !fields.isEmpty {
            out += "\naccuracy against labels:\n"
            for f in fields {
                out += "  " + Self.pad(f.field, 10) + Self.left("\(f.correct)/\(f.total)", 9) + Self.left(Self.percent(f.accuracy), 9) + "\n"
            }
        }
        out += endpointsText()
        let cost = CostTable(summary: self, prices: prices)
        out += "\ncost of this run's tokens, \(cost.usage.promptTokens) prompt + \(cost.usage.generatedTokens) generated"
        out += cost.isEstimate ? " (estimated at ~4 characters/token: the local model was off):\n" : " (measured):\n"
        for row in cost.rows {
            out += "  " + Self.pad(row.model, 20) + Self.left(String(format: "$%.4f", row.cost), 10)
            out += row.model.hasPrefix("local") ? "  (runs on this machine)\n" : String(format: "   $%.3f per 1,000 records\n", row.costPerThousandRecords)
        }
        if !notes.isEmpty {
            out += "\nnotes:\n" + notes.map { "  \($0)" }.joined(separator: "\n") + "\n"
        }
        if !errors.isEmpty {
            out += "\nrecords that could not run:\n" + errors.map { "  \($0)" }.joined(separator: "\n") + "\n"
        }
        return out
    }

    /// One line per server of the model's pool: up or down, calls, failures, median latency.
    private func endpointsText() -> String {
        guard !endpoints.isEmpty else { return "" }
        let width = max(8, endpoints.map(\.url.count).max() ?? 8)
        var out = "\nmodel endpoints:\n  " + Self.pad("url", width) + "  state  requests  failures   p50 ms\n"
        for e in endpoints {
            out += "  " + Self.pad(e.url, width) + "  " + Self.pad(e.isUp ? "up" : "down", 5)
            out += Self.left("\(e.requests)", 10) + Self.left("\(e.failures)", 10)
            out += Self.left(e.p50Seconds.map { Self.fixed($0 * 1000, 1) } ?? "-", 9)
            if !e.isUp, let error = e.lastError { out += "  (\(error))" }
            out += "\n"
        }
        return out
    }

    /// Per step and part, which method decided how often: "company  rules 112, model choice 5".
    private func decisionsText() -> String {
        var out = ""
        for s in steps where !s.decisions.isEmpty {
            out += "\nwho decided (\(s.stepID)):\n"
            let width = max(8, s.decisions.keys.map(\.count).max() ?? 8)
            for (part, methods) in s.decisions.sorted(by: { $0.key < $1.key }) {
                out += "  " + Self.pad(part, width) + "  "
                out += methods.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.map { "\($0.key) \($0.value)" }
                    .joined(separator: ", ") + "\n"
            }
        }
        return out
    }

    static func round3(_ x: Double) -> Double { (x * 1000).rounded() / 1000 }
    static func fixed(_ x: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", x) }
    static func percent(_ x: Double) -> String { String(format: "%.1f%%", x * 100) }
    static func pad(_ s: String, _ width: Int) -> String { s.count >= width ? s : s + String(repeating: " ", count: width - s.count) }
    static func left(_ s: String, _ width: Int) -> String { s.count >= width ? " " + s : String(repeating: " ", count: width - s.count) + s }
}
