import Foundation
import TandemCore
import TandemRuntime

/// The orchestrator's local model over Tandem's batching `Engine`: concurrent calls share the
/// engine's slots and decode together, and calls with the same system prompt reuse its KV cells.
public struct EngineModelClient: LocalModelClient {
    public let engine: Engine
    public let modelName: String

    /// Wraps an engine; `modelName` defaults to the model file's name.
    public init(engine: Engine, modelName: String? = nil) {
        self.engine = engine
        self.modelName = modelName ?? URL(fileURLWithPath: engine.model.path).lastPathComponent
    }

    /// Loads a model and creates an engine with `slots` sequences for it.
    ///
    /// The sequences share one KV pool (`unifiedKV`) unless `sharedKVPool` is false: the
    /// orchestrator's calls are many short ones behind the same system prompt, which the pool
    /// holds once and decodes about 30 % faster than per-sequence streams (benchmarks/, bulk
    /// suite), at the cost of a near-tie token sometimes differing from the same call alone.
    public init(modelPath: String, slots: Int, backend: Backend = .auto, contextLength: Int = 2048,
                sharedKVPool: Bool = true) throws {
        let engine = try Engine(modelPath: modelPath, backend: backend,
                                parameters: ContextParameters(contextLength: contextLength, sequences: slots,
                                                              unifiedKV: sharedKVPool))
        self.init(engine: engine)
    }

    public func generateJSON(_ request: LocalJSONRequest) async throws -> LocalJSONReply {
        let completion = try await engine.complete(GenerationRequest(
            .messages([.system(request.system), .user(request.user)]), maxTokens: request.maxTokens,
            constraint: .jsonSchema(request.schema)))
        return LocalJSONReply(text: completion.text, usage: TokenUsage(completion.usage))
    }

    public func choose(_ request: LocalChoiceRequest) async throws -> LocalChoiceReply {
        let completion = try await engine.complete(GenerationRequest(
            .messages([.system(request.system), .user(request.user)]), maxTokens: 64, constraint: .choice(request.labels)))
        guard let choice = completion.choice else { throw RuntimeError.invalidParameter(name: "labels", reason: "no label chosen") }
        return LocalChoiceReply(label: choice.label, probability: choice.probability, usage: TokenUsage(completion.usage))
    }
}

extension TokenUsage {
    /// The orchestrator's token counts from the runtime's usage.
    public init(_ usage: GenerationUsage) {
        self.init(promptTokens: usage.promptTokens, cachedPromptTokens: usage.cachedPromptTokens,
                  generatedTokens: usage.generatedTokens)
    }
}
