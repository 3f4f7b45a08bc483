import Foundation
import Synchronization
import TandemCloud
import TandemCore
import TandemOrchestrator

/// A local model that appends every call to the cost ledger (provider `local`, $0, outcome `ok` or
/// `failed`), so `tandem status` can show local requests and failures the way it shows remote ones.
///
/// The ledger is bookkeeping: when it cannot be written the call still succeeds, and one warning
/// says so (a full disk must not fail a pipeline that would otherwise finish).
public struct LedgerRecordingModelClient: LocalModelClient {
    /// The model that answers.
    public let base: any LocalModelClient
    /// Where calls are recorded.
    public let ledger: CostLedger
    private let warned = Warned()

    /// Wraps `base`; its `modelName` (the GGUF file name) is the ledger's `model`.
    public init(base: any LocalModelClient, ledger: CostLedger) {
        self.base = base
        self.ledger = ledger
    }

    /// The wrapped model's name.
    public var modelName: String { base.modelName }

    /// Generates through `base`, then records the call.
    public func generateJSON(_ request: LocalJSONRequest) async throws -> LocalJSONReply {
        try await recorded({ try await base.generateJSON(request) }, usage: \.usage, endpoint: \.servedBy)
    }

    /// Chooses through `base`, then records the call.
    public func choose(_ request: LocalChoiceRequest) async throws -> LocalChoiceReply {
        try await recorded({ try await base.choose(request) }, usage: \.usage, endpoint: \.servedBy)
    }

    /// Runs `call` and records it: its usage when it answers, a failed call when it throws.
    private func recorded<Reply>(_ call: () async throws -> Reply,
                                 usage: KeyPath<Reply, TandemOrchestrator.TokenUsage>,
                                 endpoint: KeyPath<Reply, String?>) async throws -> Reply {
        do {
            let reply = try await call()
            await record(reply[keyPath: usage], outcome: "ok", endpoint: reply[keyPath: endpoint])
            return reply
        } catch {
            await record(.zero, outcome: "failed")
            throw error
        }
    }

    private func record(_ usage: TandemOrchestrator.TokenUsage, outcome: String, endpoint: String? = nil) async {
        let tokens = TandemCloud.TokenUsage(inputTokens: usage.promptTokens, outputTokens: usage.generatedTokens)
        do { try await ledger.recordLocal(model: base.modelName, usage: tokens, outcome: outcome, endpoint: endpoint) } catch {
            if warned.first() { Log.warning("local model calls are not being recorded: \(error)") }
        }
    }
}

/// True once: the ledger warning is printed for the first failed write only.
private final class Warned: Sendable {
    private let done = Atomic<Bool>(false)
    func first() -> Bool { !done.exchange(true, ordering: .relaxed) }
}
