import Testing
import TandemSandbox

/// Prints the sandbox's cost per run; timing is reported, never asserted (CI machines vary).
@Suite struct SandboxOverheadBenchmarkTests {
    @Test func measuresNoOpOverhead() async throws {
        let report = try await SandboxOverheadBenchmark.measure(runs: 5)
        print(report)
        #expect(report.sandboxedPythonMs > 0 && report.directPythonMs > 0)
        #expect(report.sandboxedShMs > 0 && report.directShMs > 0)
    }
}
