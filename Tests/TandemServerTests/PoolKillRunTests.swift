import Foundation
import Testing
import TandemCore
import TandemTestSupport

/// `tandem run` on a pool of three real servers (two `llama-server`, one `tandem serve`) with one
/// `llama-server` killed mid-run: the run completes, every record is written exactly once, and
/// the summary shows the killed endpoint down with its failures.
@Test(.timeLimit(.minutes(60))) func aRunWhosePoolLosesAnEndpointWritesEveryRecordOnce() async throws {
    let a = try LlamaServerPeer(), b = try LlamaServerPeer()
    defer { a.stop(); b.stop() }
    let model = URL(fileURLWithPath: try TestModelFile.smolLM()).lastPathComponent
    let serve = try await ServeProcess.start(["--slots", "2", "-c", "4096", "--model-id", model])
    try await a.waitUntilHealthy()
    try await b.waitUntilHealthy()

    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-pool-kill-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let config = dir.appendingPathComponent("pool.yaml").path
    try """
        version: 1
        models:
          workers: {backend: openai-compatible, model: \(model), base_urls: ["\(a.baseURL)", "\(b.baseURL)", "\(serve.url)"], max_in_flight: 2, api_key_env: null, timeout_s: 1800}
        roles:
          primary: [workers]
        keywords_dir: \(TestPaths.config)
        """.write(toFile: config, atomically: true, encoding: .utf8)
    let count = 60
    let moods = ["I loved it, great food", "Terrible service, never again", "It was fine, nothing special", "Best purchase this year"]
    let input = dir.appendingPathComponent("texts.jsonl").path
    try (0..<count).map { #"{"id": "r\#($0)", "text": "\#(moods[$0 % moods.count]) (\#($0))"}"# }.joined(separator: "\n")
        .appending("\n").write(toFile: input, atomically: true, encoding: .utf8)
    let out = dir.appendingPathComponent("out.jsonl").path

    // The run in the background; `a` is killed once some records are written and most are not.
    let run = Task {
        try await runProgram(try tandemBinary(), [
            "run", TestPaths.packageRoot.appendingPathComponent("examples/plans/sentiment.json").path, "--input", input,
            "--config", config, "--out", out, "--json", "--concurrency", "6", "--timeout-ms", "1800000"],
            timeout: .seconds(3000))
    }
    func written() -> Int { ((try? String(contentsOfFile: out, encoding: .utf8)) ?? "").split(separator: "\n").count }
    while written() < 3 {
        try await Task.sleep(for: .milliseconds(20))
        if written() >= count { break }
    }
    let writtenAtKill = written()
    a.stop()
    let (status, output) = try await run.value
    #expect(status == 0, "\(output.suffix(3000))")
    #expect(writtenAtKill < count / 2, "the kill came too late to test anything: \(writtenAtKill) of \(count) were written")

    let lines = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n")
    let ids = lines.compactMap { (try? JSONParser.parse(String($0)))?["id"]?.stringValue }
    #expect(ids.count == count, "\(lines.count) lines")
    #expect(Set(ids) == Set((0..<count).map { "r\($0)" }), "every record once")
    // stdout's pretty JSON summary, after stderr's lines (which may hold braces of their own).
    let start = try #require(output.range(of: "{\n  \"records\""), "\(output.suffix(2000))")
    let summary = try JSONParser.parse(String(output[start.lowerBound...]))
    #expect(summary["model_calls"]?.intValue == count, "every record answered by the model: \(output.suffix(1500))")
    let endpoints = try #require(summary["endpoints"]?.arrayValue)
    #expect(endpoints.count == 3)
    let killed = try #require(endpoints.first { $0["url"]?.stringValue == a.baseURL })
    #expect(killed["up"] == .bool(false) && (killed["failures"]?.intValue ?? 0) >= 1, "\(killed)")
    let others = endpoints.filter { $0["url"]?.stringValue != a.baseURL }
    #expect(others.allSatisfy { $0["up"] == .bool(true) && $0["failures"]?.intValue == 0 }, "\(others)")
    let answered = endpoints.reduce(0) { $0 + ($1["requests"]?.intValue ?? 0) - ($1["failures"]?.intValue ?? 0) }
    #expect(answered == count, "each call answered once: \(endpoints)")
}
