import Foundation
import TandemCore
import TandemRuntime

/// Everything one bench invocation measured, with where and on what.
struct BenchRun: Sendable {
    let options: BenchOptions
    let started: Date
    let toolchain: Result<LlamaToolchain, BenchError>
    var machine: JSONValue = .null
    var tandemCommit = "unknown"
    var modelInfo: ModelInfo?
    var modelSHA256: String?
    /// Why no suite could run (e.g. the model is missing).
    var setupError: String?
    var suites: [SuiteReport] = []
    var seconds = 0.0
    /// 1-minute load average when the run started: other work on the machine shows here.
    let loadAverageAtStart = BenchRun.loadAverage()

    init(options: BenchOptions, started: Date, toolchain: Result<LlamaToolchain, BenchError>) {
        self.options = options
        self.started = started
        self.toolchain = toolchain
    }

    /// The flat headline: ratios (> 1: Tandem faster) and accuracies; suites that did not run leave their keys out.
    var headline: [(String, Double)] { suites.flatMap(\.headline) }

    /// The batched suite's chart points, when it ran.
    var chartSeries: [ThroughputChart.Point]? {
        guard let batched = suites.first(where: { $0.suite == .batched }),
              let points = batched.details.first(where: { $0.0 == "points" })?.1.arrayValue else { return nil }
        return points.compactMap { p in
            guard let n = p["sequences"]?.intValue else { return nil }
            return ThroughputChart.Point(sequences: n, tandem: p["tandem_ts"]?.doubleValue, llama: p["llama_batched_bench_ts"]?.doubleValue)
        }
    }

    /// The llama.cpp build: prefix, source revision, CMake options, and the build llama-bench reported.
    var llamaDescription: JSONValue {
        var value: JSONValue
        switch toolchain {
        case .success(let t): value = t.buildInfo()
        case .failure(let e): value = ["error": .string(e.description)]
        }
        if let parity = suites.first(where: { $0.suite == .parity }),
           let info = parity.details.first(where: { $0.0 == "llama_bench_info" })?.1 {
            if let commit = info["build_commit"] { value = value.setting("llama_bench_build_commit", to: commit) }
            if let number = info["build_number"] { value = value.setting("llama_bench_build_number", to: number) }
        }
        return value
    }

    func json(chartFile: String?) -> JSONValue {
        let model: JSONValue = modelInfo.map { i in [
            "path": .string(i.path), "file": .string(URL(fileURLWithPath: i.path).lastPathComponent),
            "sha256": modelSHA256.map { .string($0) } ?? .null, "description": .string(i.description),
            "architecture": .string(i.architecture), "parameters": .number(Double(i.parameterCount)),
            "size_bytes": .number(Double(i.sizeBytes)), "backend": .string(i.backend.rawValue),
        ] } ?? ["path": .string(options.modelPath), "sha256": .null]
        let machineWithLoad = machine.setting("load_average_1m_start", to: loadAverageAtStart.map { .number($0) } ?? .null)
            .setting("load_average_1m_end", to: BenchRun.loadAverage().map { .number($0) } ?? .null)
        var fields: [(String, JSONValue)] = [
            ("schema", "tandem-bench/1"),
            ("created", .string(ISO8601DateFormatter().string(from: started))),
            ("quick", .bool(options.quick)),
            ("seconds", .number(seconds)),
            ("headline", .object(headline.map { ($0.0, .number($0.1)) })),
            ("machine", machineWithLoad),
            ("llama_cpp", llamaDescription),
            ("model", model),
            ("tandem_commit", .string(tandemCommit)),
            ("suites", .object(suites.map { ($0.suite.rawValue, $0.json) })),
        ]
        if let chartFile { fields.append(("chart", .string(URL(fileURLWithPath: chartFile).lastPathComponent))) }
        let errors = (setupError.map { [$0] } ?? []) + suites.flatMap { s in s.errors.map { "\(s.suite.rawValue): \($0)" } }
        fields.append(("errors", .array(errors.map { .string($0) })))
        return .object(fields)
    }

    static func loadAverage() -> Double? {
        guard let text = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8) else { return nil }
        return text.split(separator: " ").first.flatMap { Double($0) }
    }
}
