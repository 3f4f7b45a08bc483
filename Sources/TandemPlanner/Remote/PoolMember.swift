import Foundation
import TandemOrchestrator

/// One member of an `EndpointPool`: an OpenAI-compatible server, or the model running in this
/// process (a mixed pool).
public protocol PoolMember: LocalModelClient {
    /// Where it runs: a server's base URL, or `in-process (FILE)`.
    var baseURL: String { get }
    /// The model name its calls are checked against.
    var model: String { get }
    /// Calls it takes at once; nil means the pool's `max_in_flight`.
    var capacity: Int? { get }
    /// The model ids it serves (a server's `/v1/models`); throws when it does not answer.
    func servedModels() async throws -> [String]
}

extension RemoteModelClient: PoolMember {
    public var capacity: Int? { nil }
}

/// The model of this process as one member of a pool: it takes as many calls at once as it has
/// sequence slots, is always up (its failures are the model's, answered by the tools' fallbacks
/// like any in-process failure, not an endpoint's), and serves the pool's model by definition.
public struct InProcessMember: PoolMember {
    /// The in-process model.
    public let base: any LocalModelClient
    /// The pool's model name.
    public let model: String
    public let capacity: Int?

    /// `base` (its file named in `baseURL`) taking at most `slots` calls at once.
    public init(_ base: any LocalModelClient, model: String, slots: Int) {
        self.base = base
        self.model = model
        capacity = max(1, slots)
    }

    public var baseURL: String { "in-process (\(base.modelName))" }
    public var modelName: String { base.modelName }
    public func servedModels() async throws -> [String] { [model] }
    public func generateJSON(_ request: LocalJSONRequest) async throws -> LocalJSONReply { try await base.generateJSON(request) }
    public func choose(_ request: LocalChoiceRequest) async throws -> LocalChoiceReply { try await base.choose(request) }
}
