import Foundation
import TandemRuntime
import TandemTestSupport

/// The real models the tests run on. A missing model fails the test with how to get it.
enum TestModels {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// SmolLM2-135M-Instruct Q4_1 (`make models`).
    static var smolLMPath: String { get throws { try TestModelFile.smolLM() } }

    /// The vendor-build prefix (libllama, tools, gguf-py, tiny fixtures).
    static var llamaPrefix: String {
        get throws {
            if let p = ProcessInfo.processInfo.environment["TANDEM_LLAMA_PREFIX"] { return p }
            let process = Process()
            process.executableURL = packageRoot.appendingPathComponent("vendor-build/prefix.sh")
            let pipe = Pipe()
            process.standardOutput = pipe
            try process.run()
            process.waitUntilExit()
            return String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                .trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }

    /// A tiny random-weight model of `arch` (`phi3` or `llama`) on a real tokenizer (`make fixtures`).
    static func tinyPath(_ arch: String) throws -> String {
        let path = try llamaPrefix + "/share/tandem/fixtures/tiny-\(arch).gguf"
        guard FileManager.default.fileExists(atPath: path) else { throw Missing(what: path, fix: "run `make fixtures` (or `make test`)") }
        return path
    }

    /// SmolLM loaded once for the whole run (loading is shared per process anyway).
    static func smolLM() throws -> LlamaModel { try LlamaModel.load(path: smolLMPath, backend: .cpu) }

    /// A small engine on SmolLM for tests: 2 threads, `sequences` slots.
    static func engine(sequences: Int = 4, context: Int = 4096) throws -> Engine {
        try Engine(model: smolLM(), parameters: ContextParameters(contextLength: context, sequences: sequences, threads: 2))
    }

    struct Missing: Error, CustomStringConvertible {
        let what: String
        let fix: String
        var description: String { "test prerequisite missing: \(what); \(fix)" }
    }
}
