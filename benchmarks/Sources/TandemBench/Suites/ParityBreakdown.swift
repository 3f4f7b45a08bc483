import Foundation
import TandemCore
import TandemRuntime

/// Where Tandem's tg time goes per token in the parity suite: `llama_decode`, logits + argmax,
/// token to text, stream delivery, and the scheduler's own rest (`DecodeBreakdown`), averaged over
/// the repetitions of each Tandem arm. The decode column against llama-bench's time per token
/// shows whether llama.cpp itself runs slower inside Tandem, or Tandem's plumbing costs the gap.
enum ParityBreakdown {
    static func record(_ report: inout SuiteReport, usages: [String: [GenerationUsage]]) {
        var table = MarkdownTable(title: "Tandem tg: milliseconds per generated token (mean of repetitions)",
                                  headers: ["arm", "llama_decode", "logits + argmax", "token → text", "stream delivery",
                                            "scheduler rest", "all (generation time)"])
        var json: [(String, JSONValue)] = []
        for (side, label) in [("tandem", "stream consumer in place"), ("tandem_engine", "engine only")] {
            guard let list = usages[side], !list.isEmpty else { continue }
            let parts = perTokenMilliseconds(list)
            json.append((side, .object(parts.map { ($0.0, .number($0.1)) })))
            table.rows.append([label] + parts.map { String(format: "%.3f", $0.1) })
        }
        report.set("tg_per_token_ms", .object(json))
        if !table.rows.isEmpty { report.tables.append(table) }
    }

    /// Mean over requests of each part's milliseconds per decode step.
    static func perTokenMilliseconds(_ usages: [GenerationUsage]) -> [(String, Double)] {
        var sums = [Double](repeating: 0, count: 6)
        for u in usages {
            let b = u.breakdown
            let steps = Double(max(b.steps, 1))
            let values = [b.decodeSeconds, b.samplingSeconds, b.detokenizeSeconds, b.deliverySeconds,
                          b.schedulerSeconds(generationSeconds: u.generationSeconds), u.generationSeconds]
            for i in values.indices { sums[i] += values[i] * 1000 / steps }
        }
        let n = Double(usages.count)
        return zip(["decode", "sampling", "detokenize", "delivery", "scheduler", "total"], sums).map { ($0, $1 / n) }
    }
}
