import Foundation
import TandemCloud
import TandemCore
import TandemOrchestrator
import TandemPlanner
import TandemWorkers

/// Scale-out over a pool of endpoints: the receipt plan (as in the pipeline suite) with every
/// local-model call sent through `EndpointPool` to 1, 2 and 4 `llama-server` endpoints, each
/// limited to one thread so that endpoints do not share threads (on a machine with fewer cores
/// than endpoints they still share cores, and the table says so). Headline
/// `scale_2_endpoints_efficiency` = model calls/s with 2 ÷ (2 × model calls/s with 1).
///
/// Then the coordinator alone: `--scale-calls` calls through the pool to an HTTP server process
/// that answers at once (the test suite's fault server, Python's threading HTTP server), so the
/// figure is a lower bound of what one coordinator can drive: the stub itself may be the limit.
enum ScaleSuite {
    static let endpointCounts = [1, 2, 4]

    static func run(_ ctx: BenchContext, _ report: inout SuiteReport) async throws {
        let o = ctx.options
        guard let receipts = try PipelineSuite.receipts(ctx, &report) else { return }
        let scored = FixtureFolder.spread(receipts, limit: o.limit)
        let run = ReceiptPipelineRun(rows: scored, teaching: ReceiptTeaching(all: receipts, train: nil, folds: o.accuracy.taught.folds),
                                     planText: try String(contentsOfFile: o.pipelinePlan, encoding: .utf8),
                                     rules: try KeywordRuleBook(directory: o.configDirectory), concurrency: o.pipelineConcurrency)
        let cores = ProcessInfo.processInfo.activeProcessorCount
        var table = MarkdownTable(title: "receipt plan over a pool of llama-server endpoints (1 thread each, \(cores) cores)",
                                  headers: ["endpoints", "records/s", "model calls", "model calls/s", "efficiency", "failed calls"])
        var rates: [Int: Double] = [:]
        var json: [(String, JSONValue)] = []
        for n in endpointCounts {
            let (outcome, failures) = try await poolRun(ctx, run: run, endpoints: n)
            let calls = outcome.summary.modelCalls
            let rate = outcome.seconds > 0 ? Double(calls) / outcome.seconds : 0
            rates[n] = rate
            let efficiency = rates[1].flatMap { $0 > 0 ? rate / (Double(n) * $0) : nil }
            table.rows.append(["\(n)" + (n > cores ? " (more than the cores)" : ""), String(format: "%.2f", outcome.recordsPerSecond),
                               "\(calls)", String(format: "%.2f", rate), efficiency.map { String(format: "%.2f", $0) } ?? "-", "\(failures)"])
            json.append(("\(n)", ["records_per_s": .number(outcome.recordsPerSecond), "model_calls": .number(Double(calls)),
                                  "model_calls_per_s": .number(rate), "seconds": .number(outcome.seconds),
                                  "failed_calls": .number(Double(failures)), "efficiency": efficiency.map { .number($0) } ?? .null]))
        }
        if let one = rates[1], let two = rates[2], one > 0 { report.headline("scale_2_endpoints_efficiency", two / (2 * one)) }
        report.tables.append(table)
        report.set("endpoints", .object(json))
        report.set("workload", ["receipts": .number(Double(scored.count)), "plan": .string(o.pipelinePlan),
                                "records_in_flight": .number(Double(o.pipelineConcurrency)), "max_in_flight_per_endpoint": 2])
        do {
            let (calls, seconds) = try await coordinatorRun(calls: o.scaleCalls)
            report.headline("scale_coordinator_calls_per_s", Double(calls) / seconds)
            report.tables.append(MarkdownTable(title: "coordinator against an instant-answer HTTP server (Python stub)",
                                               headers: ["calls", "seconds", "calls/s"],
                                               rows: [["\(calls)", String(format: "%.2f", seconds), String(format: "%.0f", Double(calls) / seconds)]]))
        } catch {
            report.notes.append("coordinator run not made: \(error)")
        }
        report.notes.append("Each endpoint: llama-server -t 1 -np 2, the same model file; the pool sends at most 2 calls to each at once, \(o.pipelineConcurrency) records in flight. Efficiency = calls/s ÷ (endpoints × calls/s with 1).")
    }

    /// The plan with its model calls through a pool of `endpoints` one-thread servers.
    private static func poolRun(_ ctx: BenchContext, run: ReceiptPipelineRun, endpoints n: Int) async throws -> (ReceiptPipelineRun.Outcome, Int) {
        var servers: [LlamaServer] = []
        do {
            for _ in 0..<n {
                servers.append(try await LlamaServer.start(.init(model: ctx.model.path, threads: 1, slots: 2, contextLength: 8192),
                                                           toolchain: ctx.tools()))
            }
            let result = try await measure(ctx, run: run, ports: servers.map(\.port))
            for server in servers { await server.stop() }
            return result
        } catch {
            for server in servers { await server.stop() }
            throw error
        }
    }

    /// The plan through a pool over the servers on `ports`; the calls that failed at an endpoint.
    private static func measure(_ ctx: BenchContext, run: ReceiptPipelineRun, ports: [Int]) async throws -> (ReceiptPipelineRun.Outcome, Int) {
        let name = URL(fileURLWithPath: ctx.model.path).lastPathComponent
        let pool = EndpointPool(ports.map { RemoteModelClient(baseURL: "http://127.0.0.1:\($0)", model: name, timeout: .seconds(3600),
                                                             egress: EgressPolicy(offline: true)) }, maxInFlight: 2)
        let refused = await pool.checkHealth()
        guard refused.isEmpty else { throw BenchError.http("endpoint refused: \(refused)") }
        ctx.progress.begin("scale: \(ports.count) endpoint\(ports.count == 1 ? "" : "s")", total: run.rows.count)
        let outcome = try await run.run(model: pool, progress: ctx.progress)
        return (outcome, await pool.status().reduce(0) { $0 + $1.failures })
    }

    /// `calls` JSON calls through a pool of one instant-answer endpoint, 64 in flight.
    private static func coordinatorRun(calls: Int) async throws -> (Int, Double) {
        // The test suite's fault server, found from this file (benchmarks/Sources/TandemBench/Suites/).
        var root = URL(fileURLWithPath: #filePath)
        for _ in 0..<5 { root.deleteLastPathComponent() }
        let script = root.appendingPathComponent("Tests/TandemTestSupport/Fixtures/fault_server.py").path
        guard FileManager.default.fileExists(atPath: script) else {
            throw BenchError.toolMissing(name: "the instant-answer stub (fault_server.py)", path: script)
        }
        // The script quits when its stdin closes: the pipe is held open until the run ends.
        let input = Pipe()
        let port = try ServerProcess.port(nil)
        let stub = try ServerProcess(name: "instant-stub", binary: "/usr/bin/env", arguments: ["python3", script, String(port)], port: port,
                                     input: input.fileHandleForReading)
        defer { try? input.fileHandleForWriting.close(); Task { await stub.stop() } }
        try await stub.waitUntilHealthy(timeout: 60)
        let pool = EndpointPool([RemoteModelClient(baseURL: "http://127.0.0.1:\(port)/ok/scale", model: "fault-model", timeout: .seconds(60),
                                                   egress: EgressPolicy(offline: true))], maxInFlight: 64)
        let request = LocalJSONRequest(system: "s", user: "u", schema: ["type": "object"], maxTokens: 8)
        let start = Date()
        try await withThrowingTaskGroup(of: Void.self) { group in
            var next = 0
            func add() { next += 1; group.addTask { _ = try await pool.generateJSON(request) } }
            while next < min(64, calls) { add() }
            while try await group.next() != nil { if next < calls { add() } }
        }
        return (calls, Date().timeIntervalSince(start))
    }
}
