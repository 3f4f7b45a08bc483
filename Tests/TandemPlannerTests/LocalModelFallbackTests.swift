import Foundation
import Testing
import TandemCloud
import TandemConfig
import TandemPlanner

/// `ModelRouter.loadLocalModel`: down the role's list past a remote model, a file llama.cpp
/// refuses and a missing file, to the real test model, with a reason for each one passed over.
@Test(.timeLimit(.minutes(60))) func routerLoadsTheFirstLocalModelOfTheRoleThatLoads() async throws {
    let model = try testModelPath()
    let junk = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-junk-\(UUID().uuidString).gguf").path
    try Data("this is not a GGUF file".utf8).write(to: URL(fileURLWithPath: junk))
    defer { try? FileManager.default.removeItem(atPath: junk) }
    let missing = "/nonexistent/tandem/missing.gguf"
    let config = TandemConfiguration(models: [
        ModelSpec(name: "cloud", backend: .remote(CloudModelConfig(provider: .openai, model: "gpt-4o-mini"))),
        ModelSpec(name: "junk", backend: .local(LocalModelSpec(path: junk, contextLength: 256, slots: 1, device: "cpu"))),
        ModelSpec(name: "missing", backend: .local(LocalModelSpec(path: missing, device: "cpu"))),
        ModelSpec(name: "real", backend: .local(LocalModelSpec(path: model, contextLength: 256, slots: 1, device: "cpu"))),
    ], roles: ["primary": ["cloud", "junk", "missing", "real"]])
    let router = ModelRouter(configuration: config)

    var skipped: [SkippedModel] = []
    let loaded = await router.loadLocalModel(for: "primary", skipped: &skipped, load: ModelRouter.engineLoader(slots: 1))
    #expect(loaded?.name == "real" && loaded?.position == 3 && loaded?.candidates == 4)
    #expect(loaded?.client.modelName == URL(fileURLWithPath: model).lastPathComponent)
    #expect(skipped.map(\.name) == ["cloud", "junk", "missing"])
    #expect(skipped[0].reason.contains("remote model"))
    #expect(skipped[1].reason.hasPrefix("failed to load \(junk)"), "\(skipped[1])")
    #expect(skipped[2].reason == "model file not found: \(missing)")

    var none: [SkippedModel] = []
    #expect(await router.loadLocalModel(for: "general", skipped: &none, load: ModelRouter.engineLoader(slots: 1)) == nil)
    #expect(none.isEmpty, "a role the config leaves empty passes nothing over")
}
