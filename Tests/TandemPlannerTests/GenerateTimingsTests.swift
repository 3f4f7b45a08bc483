import Foundation
import Testing
import TandemCore

/// `tandem generate --json` on the built binary with the real test model: the per-token breakdown
/// of the generation time is there, each part non-negative, and the parts add up to no more than
/// the generation time they split (no timing thresholds: the machine may be loaded).
@Test(.timeLimit(.minutes(3))) func generateJSONSplitsTheGenerationTime() async throws {
    let run = try await runToCompletion(try tandemBinary(), ["generate", "-p", "Count from one to twenty.", "-n", "24", "--json",
                                                             "-m", try testModelPath(), "-c", "512", "-t", "2", "--backend", "cpu"],
                                        timeout: .seconds(120))
    #expect(run.status == 0, "\(run.output)")
    let json = try JSONParser.parse(String(run.output[try #require(run.output.firstIndex(of: "{"))...]))
    let timings = try #require(json["timings"])
    let generation = try #require(timings["generation_s"]?.doubleValue)
    let breakdown = try #require(timings["generation_breakdown"])
    let generated = try #require(json["usage"]?["generated_tokens"]?.doubleValue)
    #expect(generated >= 2, "\(run.output)")
    var sum = 0.0
    for part in ["decode", "sampling", "detokenize", "delivery", "scheduler"] {
        let seconds = try #require(breakdown["\(part)_s"]?.doubleValue, "\(part)_s missing: \(breakdown)")
        let perToken = try #require(breakdown["per_token_ms"]?[part]?.doubleValue, "per_token_ms.\(part) missing")
        #expect(seconds >= 0 && perToken >= 0, "\(part): \(seconds) s, \(perToken) ms")
        sum += seconds
    }
    #expect(sum <= generation + 1e-6, "parts \(sum) s > generation \(generation) s")
    #expect((breakdown["decode_s"]?.doubleValue ?? 0) > 0, "every generated token after the first is decoded")
    // One decode step per token after the first, and one more when an end token was sampled.
    let steps = try #require(breakdown["steps"]?.doubleValue)
    #expect(steps == generated - 1 || (steps == generated && json["finish_reason"] == "eog"), "\(breakdown)")
}
