import Foundation

/// The real model files the tests run on; a missing one is an error saying what to run.
public enum TestModelFile {
    /// SmolLM2-135M-Instruct Q4_1: `TANDEM_TEST_MODEL` when set and not empty, else the
    /// repository's `models/` copy (`make models`, which `make test` runs).
    public static func smolLM() throws -> String {
        let path = ProcessInfo.processInfo.environment["TANDEM_TEST_MODEL"].flatMap { $0.isEmpty ? nil : $0 }
            ?? TestPaths.repositoryRoot.appendingPathComponent("models/SmolLM2-135M-Instruct.Q4_1.gguf").path
        guard FileManager.default.fileExists(atPath: path) else {
            throw PeerError(description: "test model \(path) is missing; run `make test` (it fetches the model)")
        }
        return path
    }
}
