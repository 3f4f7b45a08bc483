import Foundation
import Testing
import TandemCloud
import TandemCore
import TandemTestSupport

/// `tandem status --load` on the built binary: one real local model, one missing, and the local
/// calls a ledger holds for them.
@Test(.timeLimit(.minutes(60))) func statusLoadLoadsEachLocalModelAndCountsItsLedgerCalls() async throws {
    let fixture = try TemporaryModelConfig()
    defer { fixture.remove() }
    let model = try testModelPath()
    let config = try fixture.write([("good", model), ("gone", fixture.path("gone.gguf"))])
    let ledgerPath = fixture.path("ledger.jsonl")
    let ledger = CostLedger(path: ledgerPath)
    let file = URL(fileURLWithPath: model).lastPathComponent
    try await ledger.recordLocal(model: file, usage: TokenUsage(inputTokens: 30, outputTokens: 5), outcome: "ok")
    try await ledger.recordLocal(model: file, usage: TokenUsage(inputTokens: 30, outputTokens: 5), outcome: "ok")
    try await ledger.recordLocal(model: file, usage: .zero, outcome: "failed")

    let loadedRows = try await statusRows(["--config", config, "--ledger", ledgerPath, "--load", "--json"])
    let good = try #require(loadedRows.first { $0["name"] == "good" })
    #expect(good["loaded"] == true && good["load_error"] == .null)
    #expect(good["runtime_backend"] == "cpu" && good["gpu_layers"] == 0)
    #expect(good["runtime_device"]?.stringValue?.hasPrefix("CPU") == true)
    #expect((good["memory_bytes"]?.doubleValue ?? 0) > 0 && good["memory_source"] == "llama_model_size")
    #expect((good["load_ms"]?.doubleValue ?? -1) >= 0 && (good["layers"]?.doubleValue ?? 0) > 0)
    #expect(good["requests"] == 3 && good["failures"] == 1 && good["cost_usd"] == 0)
    let gone = try #require(loadedRows.first { $0["name"] == "gone" })
    #expect(gone["loaded"] == false && gone["runtime_backend"] == .null && gone["memory_bytes"] == .null)
    #expect(gone["load_error"]?.stringValue?.contains("gone.gguf") == true, "the error names the file: \(gone)")
    #expect(gone["requests"] == 0)

    // Without --load nothing is loaded, and the rows say so.
    let cheapRows = try await statusRows(["--config", config, "--ledger", ledgerPath, "--json"])
    #expect(cheapRows.count == 2)
    #expect(cheapRows.allSatisfy { $0["loaded"] == .null && $0["memory_source"] == "file size (not loaded)" })
    #expect(cheapRows.first { $0["name"] == "good" }?["requests"] == 3)
}

/// The `models` rows of `tandem --offline status ARGS` (stdout and stderr share the log).
private func statusRows(_ arguments: [String]) async throws -> [JSONValue] {
    let (code, output) = try await runToCompletion(try tandemBinary(), ["--offline", "status"] + arguments, timeout: .seconds(1800))
    #expect(code == 0, "\(output.suffix(2000))")
    guard let start = output.firstIndex(of: "{") else { throw PeerError(description: "no JSON in: \(output.suffix(2000))") }
    return try JSONParser.parse(String(output[start...]))["models"]?.arrayValue ?? []
}
