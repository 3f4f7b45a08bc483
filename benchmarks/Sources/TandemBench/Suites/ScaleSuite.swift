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
/// that answers at once (`benchmarks/instant_server.py`, one asyncio loop with keep-alive), with
/// the CPU each side spent: they share the cores, so the figure is a lower bound of what one
/// coordinator can drive. `--scale-endpoints none` runs this part alone.
enum ScaleSuite {
    static func run(_ ctx: BenchContext, _ report: inout SuiteReport) async throws {
        if !ctx.options.scaleEndpoints.isEmpty { try await endpointRuns(ctx, &report) }
        do {
            let stub = ctx.options.scaleStub ?? defaultStub
            let r = try await coordinatorRun(calls: ctx.options.scaleCalls, stub: stub)
            report.headline("scale_coordinator_calls_per_s", r.callsPerSecond)
            func share(_ cpu: Double?) -> String { cpu.map { String(format: "%.2f (%.0f%% of a core)", $0, 100 * $0 / r.seconds) } ?? "-" }
            report.tables.append(MarkdownTable(title: "coordinator against an instant-answer HTTP server (\(URL(fileURLWithPath: stub).lastPathComponent))",
                                               headers: ["calls", "seconds", "calls/s", "bench CPU s", "stub CPU s"],
                                               rows: [["\(r.calls)", String(format: "%.2f", r.seconds), String(format: "%.0f", r.callsPerSecond),
                                                       share(r.benchCPUSeconds), share(r.stubCPUSeconds)]]))
            report.notes.append("Coordinator run: 64 calls in flight through a one-endpoint pool; bench CPU is this whole process during the run, stub CPU the stub's process. They share the \(ProcessInfo.processInfo.activeProcessorCount) cores, so the rate is a lower bound of the coordinator's own.")
            report.set("coordinator", ["calls": .number(Double(r.calls)), "seconds": .number(r.seconds), "stub": .string(stub),
                                       "bench_cpu_s": .number(r.benchCPUSeconds), "stub_cpu_s": r.stubCPUSeconds.map { .number($0) } ?? .null])
        } catch {
            report.notes.append("coordinator run not made: \(error)")
        }
    }

    /// The receipt plan over pools of `--scale-endpoints` llama-server endpoints.
    private static func endpointRuns(_ ctx: BenchContext, _ report: inout SuiteReport) async throws {
        let o = ctx.options
        guard let receipts = try PipelineSuite.receipts(ctx, &report) else { return }
        let scored = FixtureFolder.spread(receipts, limit: o.limit)
        let run = ReceiptPipelineRun(rows: scored, teaching: ReceiptTeaching(all: receipts, train: nil, folds: o.accuracy.taught.folds, groupBy: o.accuracy.receiptFoldGroup),
                                     planText: try String(contentsOfFile: o.pipelinePlan, encoding: .utf8),
                                     rules: try KeywordRuleBook(directory: o.configDirectory), concurrency: o.pipelineConcurrency)
        let cores = ProcessInfo.processInfo.activeProcessorCount
        var table = MarkdownTable(title: "receipt plan over a pool of llama-server endpoints (1 thread each, \(cores) cores)",
                                  headers: ["endpoints", "records/s", "model calls", "model calls/s", "efficiency", "failed calls"])
        var rates: [Int: Double] = [:]
        var json: [(String, JSONValue)] = []
        for n in o.scaleEndpoints {
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

    /// What the coordinator run measured: its rate, and the CPU each side spent (they share the cores).
    struct CoordinatorOutcome {
        let calls: Int
        let seconds: Double
        let benchCPUSeconds: Double
        let stubCPUSeconds: Double?
        var callsPerSecond: Double { Double(calls) / seconds }
    }

    /// `calls` JSON calls through a pool of one instant-answer endpoint (the `stub` script), 64 in flight.
    private static func coordinatorRun(calls: Int, stub script: String) async throws -> CoordinatorOutcome {
        guard FileManager.default.fileExists(atPath: script) else {
            throw BenchError.toolMissing(name: "the instant-answer stub", path: script)
        }
        // The script quits when its stdin closes: the pipe is held open until the run ends.
        let input = Pipe()
        let port = try ServerProcess.port(nil)
        let stub = try ServerProcess(name: "instant-stub", binary: "/usr/bin/env", arguments: ["python3", script, String(port)], port: port,
                                     input: input.fileHandleForReading)
        defer { try? input.fileHandleForWriting.close(); Task { await stub.stop() } }
        try await stub.waitUntilHealthy(timeout: 60)
        // `/ok/...` is the fault server's good-answer scenario; the instant server answers any path.
        let pool = EndpointPool([RemoteModelClient(baseURL: "http://127.0.0.1:\(port)/ok/scale", model: "fault-model", timeout: .seconds(60),
                                                   egress: EgressPolicy(offline: true))], maxInFlight: 64)
        let request = LocalJSONRequest(system: "s", user: "u", schema: ["type": "object"], maxTokens: 8)
        let (stubCPU, benchCPU, start) = (ProcessCPU.seconds(pid: stub.pid), ProcessCPU.ownSeconds, Date())
        try await withThrowingTaskGroup(of: Void.self) { group in
            var next = 0
            func add() { next += 1; group.addTask { _ = try await pool.generateJSON(request) } }
            while next < min(64, calls) { add() }
            while try await group.next() != nil { if next < calls { add() } }
        }
        let seconds = Date().timeIntervalSince(start)
        let stubSpent = stubCPU.flatMap { before in ProcessCPU.seconds(pid: stub.pid).map { $0 - before } }
        return CoordinatorOutcome(calls: calls, seconds: seconds, benchCPUSeconds: ProcessCPU.ownSeconds - benchCPU, stubCPUSeconds: stubSpent)
    }

    /// The instant-answer server beside this file's package (benchmarks/instant_server.py).
    static var defaultStub: String {
        var root = URL(fileURLWithPath: #filePath)  // benchmarks/Sources/TandemBench/Suites/ScaleSuite.swift
        for _ in 0..<4 { root.deleteLastPathComponent() }
        return root.appendingPathComponent("instant_server.py").path
    }
}
