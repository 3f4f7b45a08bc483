import Foundation
import Testing
import TandemCore

/// `tandem models` on the built binary: the manifest's models with size, sha256 and presence; a
/// missing model file is an error naming the `tandem models fetch` that gets it.
@Suite struct ModelsCommandTests {
    @Test(.timeLimit(.minutes(60))) func listShowsEveryManifestModelWithItsSHA256() async throws {
        let (status, output) = try await runToCompletion(try tandemBinary(), ["models", "list", "--json"], timeout: .seconds(1800))
        #expect(status == 0, "\(output)")
        let rows = try JSONParser.parse(output).arrayValue ?? []
        let names = rows.compactMap { $0["name"]?.stringValue }
        for expected in ["smollm2-135m-instruct-q4_1", "qwen2.5-coder-0.5b-instruct-q4_k_m", "qwen2.5-coder-1.5b-instruct-q4_k_m"] {
            #expect(names.contains(expected), "\(names)")
        }
        let smol = try #require(rows.first { $0["name"] == "smollm2-135m-instruct-q4_1" })
        #expect(smol["present"] == true, "the test model is fetched by make test")
        #expect(smol["sha256"] == "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53")
    }

    @Test(.timeLimit(.minutes(60))) func aMissingManifestModelNamesTheFetchCommand() async throws {
        let dir = try TemporaryModelConfig()
        defer { dir.remove() }
        try FileManager.default.copyItem(atPath: Fixtures.path("models/manifest.tsv"), toPath: dir.path("manifest.tsv"))
        let missing = dir.path("qwen2.5-coder-0.5b-instruct-q4_k_m.gguf")
        let run = try await runToCompletion(try tandemBinary(), ["run", "examples/receipts/plan.json", "--input", "examples/receipts/sample.jsonl",
                                                                 "-m", missing], timeout: .seconds(1800),
                                            environment: ["TANDEM_MODELS_DIR": dir.directory.path])
        #expect(run.status == 1 && run.output.contains("`tandem models fetch qwen2.5-coder-0.5b-instruct-q4_k_m` fetches it"), "\(run.output)")
        let generate = try await runToCompletion(try tandemBinary(), ["generate", "-p", "hi", "-m", dir.path("mine.gguf")], timeout: .seconds(1800),
                                                 environment: ["TANDEM_MODELS_DIR": dir.directory.path])
        #expect(generate.status == 1 && generate.output.contains("is not in models/manifest.tsv"), "\(generate.output)")
    }
}
