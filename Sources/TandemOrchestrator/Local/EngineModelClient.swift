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
    /// `sharedKVPool` puts the sequences in one KV pool (`ContextParameters.unifiedKV`): right
    /// for many short calls behind one long instruction (held once, each step one micro-batch:
    /// 1.25-1.28x the items/s of streams on the bulk benchmark), wrong for long distinct inputs,
    /// whose attention then runs over every sequence's cells (the receipt pipeline: 0.75x), and
    /// a near-tie token can differ from the same call alone. Off by default.
    public init(modelPath: String, slots: Int, backend: Backend = .auto, contextLength: Int = 2048,
                sharedKVPool: Bool = false, rpcServers: [String] = []) throws {
        let engine = try Engine(modelPath: modelPath, backend: backend, rpcServers: rpcServers,
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
        var reply = LocalChoiceReply(label: choice.label, probability: choice.probability, usage: TokenUsage(completion.usage))
        reply.distribution = choice.firstStepDistribution
        return reply
    }
}

extension TokenUsage {
    /// The orchestrator's token counts from the runtime's usage.
    public init(_ usage: GenerationUsage) {
        self.init(promptTokens: usage.promptTokens, cachedPromptTokens: usage.cachedPromptTokens,
                  generatedTokens: usage.generatedTokens)
    }
}
