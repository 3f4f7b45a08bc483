import TandemOrchestrator

/// The local model `tandem run` and `tandem plan` use: an engine with `slots` sequences.
func makeLocalModelClient(modelPath: String, slots: Int) async throws -> any LocalModelClient {
    try EngineModelClient(modelPath: modelPath, slots: slots)
}
