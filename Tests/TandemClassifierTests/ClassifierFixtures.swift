import Foundation
import TandemClassifier
import TandemCore
import TandemRuntime
import TandemTestSupport

/// Real models and the shared labelled fixtures. A missing one fails the test with how to get it.
enum ClassifierFixtures {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    struct Missing: Error, CustomStringConvertible {
        let what: String, fix: String
        var description: String { "test prerequisite missing: \(what); \(fix)" }
    }

    static var smolLMPath: String { get throws { try TestModelFile.smolLM() } }

    /// A tiny random-weight model: a different file (different sha256) with the same API.
    static var tinyModelPath: String {
        get throws {
            let prefix = ProcessInfo.processInfo.environment["TANDEM_LLAMA_PREFIX"]
                ?? packageRoot.appendingPathComponent("vendor-build/prefix").path
            let path = prefix + "/share/tandem/fixtures/tiny-llama.gguf"
            guard FileManager.default.fileExists(atPath: path) else { throw Missing(what: path, fix: "run `make fixtures`") }
            return path
        }
    }

    static func smolLM() throws -> LlamaModel { try LlamaModel.load(path: smolLMPath, backend: .cpu) }

    /// One embedder for the whole run, so every test reuses embeddings of rows seen before.
    static let sharedEmbedder: Result<TextEmbedder, any Error> = Result {
        try TextEmbedder(model: try smolLM(), maxTokensPerText: 128, threads: 2)
    }

    static func embedder() throws -> TextEmbedder { try sharedEmbedder.get() }

    static func engine() throws -> Engine {
        try Engine(model: smolLM(), parameters: ContextParameters(contextLength: 2048, sequences: 4, threads: 2))
    }

    /// `perLabel` rows of each label from a file in the shared fixtures folder (file order: seeded shuffle).
    static func examples(_ file: String, textField: String, labelField: String, perLabel: Int) throws -> [LabelledExample] {
        let folder = ProcessInfo.processInfo.environment["TANDEM_FIXTURES"]
            ?? packageRoot.deletingLastPathComponent().appendingPathComponent("shared/fixtures").path
        let path = folder + "/" + file
        guard FileManager.default.fileExists(atPath: path) else {
            throw Missing(what: path, fix: "set TANDEM_FIXTURES to the fixtures folder")
        }
        let all = try LabelledExample.read(path: path, textField: textField, labelField: labelField)
        var taken: [String: Int] = [:]
        return all.filter { e in
            taken[e.label, default: 0] += 1
            return taken[e.label]! <= perLabel
        }
    }

    static func temporaryPath(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("tandem-classifier-\(UUID().uuidString)-\(name)").path
    }
}
