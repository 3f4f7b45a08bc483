import Foundation
import Testing
import TandemTestSupport

/// The receipt pipeline in a network namespace with no interfaces but loopback: proof that
/// offline runs need nothing from the network. `unshare -n` needs root (or user namespaces).
/// The pipeline runs on its rule fallbacks here: with SmolLM2 on every step it takes many
/// minutes on 2 cores (grammar-constrained decoding); the local model's own offline run is
/// `localModelGeneratesInsideUnshareNet` below.
@Test(.timeLimit(.minutes(60)), arguments: [true])
func receiptPipelineRunsInsideUnshareNet(noLocalModel: Bool) async throws {
    guard FileManager.default.isExecutableFile(atPath: "/usr/bin/unshare") else {
        throw PeerError(description: "/usr/bin/unshare is missing; install util-linux")
    }
    let binary = try tandemBinary()
    var arguments = ["-n", binary, "--offline", "run", "examples/receipts/plan.json", "--input", "examples/receipts/sample.jsonl",
                     "--out", "/dev/null", "--json", "--concurrency", "2"]
    if noLocalModel { arguments.append("--no-local-model") }
    let (status, output) = try await runToCompletion("/usr/bin/unshare", arguments, timeout: .seconds(1800))
    #expect(status == 0, "tandem run in unshare -n failed: \(output.suffix(2000))")
    #expect(output.contains("\"records\": 10") || output.contains("\"records\":10"), "summary missing: \(output.suffix(1500))")
}

@Test(.timeLimit(.minutes(60))) func askFallsBackToATemplateInsideUnshareNet() async throws {
    let binary = try tandemBinary()
    let (status, output) = try await runToCompletion("/usr/bin/unshare", [
        "-n", binary, "--offline", "ask", "categorize the items in these receipts and total them by category",
        "--input", "examples/receipts/sample.jsonl", "--no-local-model", "--out", "/dev/null"], timeout: .seconds(1800))
    #expect(status == 0, "\(output.suffix(2000))")
    #expect(output.contains("plan made by template(categorize_total)"))
}

@Test(.timeLimit(.minutes(60))) func localModelGeneratesInsideUnshareNet() async throws {
    let binary = try tandemBinary()
    let (status, output) = try await runToCompletion("/usr/bin/unshare", [
        "-n", binary, "--offline", "generate", "-p", "Name three colours.", "-n", "16", "--json"], timeout: .seconds(1800))
    #expect(status == 0, "\(output.suffix(2000))")
    #expect(output.contains("\"generated_tokens\""), "\(output.suffix(1500))")
}
