import Foundation
import Testing
import TandemCloud
import TandemCore

/// `tandem run --config`: local-model steps run on the first `primary` model that loads, the
/// built binary on the real test model (its two slots in one shared KV pool); its calls land in
/// a private ledger.
@Test(.timeLimit(.minutes(60))) func runFallsBackToTheSecondPrimaryModelAndRecordsItsCalls() async throws {
    let fixture = try TemporaryModelConfig()
    defer { fixture.remove() }
    let model = try testModelPath()
    let missing = fixture.path("no-such-model.gguf")
    let config = try fixture.write([("first", missing), ("second", model)])
    let input = fixture.path("texts.jsonl")
    try "{\"text\": \"I loved it, great food\"}\n{\"text\": \"Terrible service, never again\"}\n"
        .write(toFile: input, atomically: true, encoding: .utf8)
    let ledger = fixture.path("ledger.jsonl")
    let (status, output) = try await runToCompletion(try tandemBinary(), [
        "run", "examples/plans/sentiment.json", "--input", input, "--config", config, "--out", fixture.path("out.jsonl"),
        "--json", "--concurrency", "2", "--kv-pool", "--timeout-ms", slowMachineStepTimeout], timeout: .seconds(1800), environment: ["TANDEM_COST_LEDGER": ledger])
    #expect(status == 0, "\(output.suffix(2000))")
    #expect(output.contains("primary model 'first' skipped: model file not found: \(missing)"), "\(output.suffix(2000))")
    #expect(output.contains("local model 'second' (\(model)): role primary, choice 2 of 2"), "\(output.suffix(2000))")
    #expect(output.contains("\"model_calls\": 2"), "both records went to the model: \(output.suffix(1500))")
    let results = try String(contentsOfFile: fixture.path("out.jsonl"), encoding: .utf8).split(separator: "\n")
    #expect(results.count == 2)

    let summary = try CostLedger.summarize(path: ledger)
    let local = try #require(summary.totals(for: URL(fileURLWithPath: model).lastPathComponent), "no local calls in the ledger")
    #expect(local.requests == 2 && local.failures == 0 && local.costUSD == 0 && local.inputTokens > 0)
}

/// `-m PATH` wins over the config, which is then not consulted for the model at all.
@Test(.timeLimit(.minutes(60))) func modelOptionOverridesTheConfigRoles() async throws {
    let fixture = try TemporaryModelConfig()
    defer { fixture.remove() }
    let model = try testModelPath()
    let config = try fixture.write([("broken", fixture.path("missing.gguf"))])
    let input = fixture.path("texts.jsonl")
    try "{\"text\": \"Lovely\"}\n".write(toFile: input, atomically: true, encoding: .utf8)
    let (status, output) = try await runToCompletion(try tandemBinary(), [
        "run", "examples/plans/sentiment.json", "--input", input, "--config", config, "-m", model, "--out", fixture.path("out.jsonl"),
        "--concurrency", "1", "--timeout-ms", slowMachineStepTimeout], timeout: .seconds(1800), environment: ["TANDEM_COST_LEDGER": fixture.path("ledger.jsonl")])
    #expect(status == 0, "\(output.suffix(2000))")
    #expect(!output.contains("skipped") && !output.contains("role primary"), "\(output.suffix(2000))")
}

/// Half an hour per model step: a step of a second when quiet must not time out under a CPU hog
/// (the 2-minute default is the product's; no test here is about it).
let slowMachineStepTimeout = "1800000"
