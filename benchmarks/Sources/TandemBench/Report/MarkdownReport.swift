import Foundation
import TandemCore

/// The human-readable report: where it ran, the headline, then each suite's tables and notes.
enum MarkdownReport {
    static func render(_ run: BenchRun) -> String {
        var out = "# tandem-bench\(run.options.quick ? " (quick smoke run: figures not meaningful)" : "")\n\n"
        let m = run.machine
        let gpu = m["gpu"]?.arrayValue?.compactMap { $0["description"]?.stringValue }.joined(separator: ", ")
        var build = "unknown"
        if case .success(let t) = run.toolchain {
            let info = t.buildInfo()
            build = "\(info["source"]?.stringValue ?? "?") (cuda \(info["cuda"]?.stringValue ?? "?")) at \(t.prefix)"
        }
        out += "- machine: \(m["cpu_model"]?.stringValue ?? "?"), \(m["cores"]?.intValue ?? 0) cores, \(run.options.threads) threads"
        out += gpu.map { $0.isEmpty ? ", no GPU" : ", GPU: \($0)" } ?? ", no GPU"
        if let load = run.loadAverageAtStart { out += String(format: " (load average %.1f at start)", load) }
        out += "\n- llama.cpp: \(build); Tandem's OpenMP workers: \(m["openmp_spin"]?.stringValue ?? "?")\n"
        if let info = run.modelInfo {
            out += "- model: \(URL(fileURLWithPath: info.path).lastPathComponent) (\(info.description)), sha256 \(run.modelSHA256?.prefix(16) ?? "?")…, backend \(info.backend.rawValue)\n"
        }
        out += "- Tandem commit: \(run.tandemCommit); \(ISO8601DateFormatter().string(from: run.started)); \(String(format: "%.0f", run.seconds)) s\n\n"
        if let error = run.setupError { out += "**Not run:** \(error)\n\n" }
        if !run.headline.isEmpty {
            var table = MarkdownTable(title: "Headline (ratios > 1: Tandem faster; accuracies 0..1)", headers: ["key", "value"])
            table.rows = run.headline.map { [$0.0, fixed($0.1, 3)] }
            out += table.render() + "\n"
        }
        for suite in run.suites {
            out += "## \(suite.suite.rawValue)\(suite.status == .ok ? "" : " (\(suite.status.rawValue))")\n\n"
            for table in suite.tables { out += table.render() + "\n" }
            for note in suite.notes { out += "- \(note)\n" }
            for error in suite.errors { out += "- **error:** \(error.replacingOccurrences(of: "\n", with: " / "))\n" }
            out += "\n"
        }
        return out
    }
}
