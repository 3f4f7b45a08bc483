import Foundation
import Testing
import TandemCore
import TandemOrchestrator
import TandemTestSupport

/// The pipeline reads its input as it goes and keeps results in input order, in bounded memory.
@Suite struct PipelineStreamingTests {
    static let plan = """
        {"version": 1, "inputs": {"text": {"type": "string"}},
         "steps": [{"id": "d", "kind": "function", "tool": "normalize_date", "args": {"text": "{{input:text}}"}}],
         "output": {"iso": "{{step:d.iso}}"}}
        """

    @Test(.timeLimit(.minutes(120))) func aMalformedLineInTheMiddleOf100000RecordsIsReportedAndTheRestRun() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("stream-\(UUID().uuidString).jsonl").path
        defer { unlink(path) }
        let count = 100_000, bad = 50_001
        var text = ""
        text.reserveCapacity(count * 40)
        for i in 1...count { text += i == bad ? "{\"id\": \"r\(i)\", \"text\": \n" : "{\"id\": \"r\(i)\", \"text\": \"2018-12-\(i % 28 + 1)\"}\n" }
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let registry = try standardRegistry()
        let plan = try PlanValidator(registry: registry).compile(text: Self.plan)
        let runner = PipelineRunner(plan: plan, executor: DAGExecutor(registry: registry), options: PipelineOptions(concurrency: 8))
        var nextLine = 1, maxAhead = 0, failedLines: [Int] = []
        let summary = try await runner.run(try JSONLStream(path: path), onResult: { result in
            #expect(result.line == nextLine, "results come in input order")
            nextLine += 1
            if result.status == "failed" { failedLines.append(result.line) }
        }, onProgress: { maxAhead = max(maxAhead, $0.done - nextLine + 1) })
        #expect(summary.records == count && summary.succeeded == count - 1 && summary.failed == 1)
        #expect(failedLines == [bad])
        #expect(summary.errors.first?.hasPrefix("line \(bad):") == true, "\(summary.errors)")
        #expect(maxAhead <= runner.options.window, "finished records waiting to be written stay within the window")
    }

    @Test func latencyPercentilesStayWithinOnePercentPastTheExactLimit() {
        var histogram = LatencyHistogram()
        var values: [Double] = []
        for i in 0..<20_000 {
            let v = Double((i * 7919) % 10_000) / 10 + 0.5
            values.append(v)
            histogram.add(v)
        }
        let sorted = values.sorted()
        for p in [0.5, 0.95, 0.99] {
            let exact = sorted[Int((p * Double(values.count)).rounded(.up)) - 1]
            #expect(abs(histogram.percentile(p) - exact) / exact < 0.01, "p\(Int(p * 100)): \(histogram.percentile(p)) vs \(exact)")
        }
        var small = LatencyHistogram()
        for v in [3.0, 1.0, 2.0] { small.add(v) }
        #expect(small.percentile(0.5) == 2.0, "exact below the limit")
    }
}
