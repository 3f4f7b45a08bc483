import Foundation
import TandemCore

/// A model that answers with JSON matching a schema: what Tandem's planner needs from the cloud.
///
/// `OpenAIClient` (json_schema response format) and `AnthropicClient` (a forced tool whose input
/// schema is the schema) implement it; both check the answer against the schema before returning.
public protocol PlanningModelClient: Sendable {
    /// Sends `system` and `user`, and returns the model's JSON, which matches `schema`.
    /// `schemaName` names the schema (or tool) on the wire: letters, digits, `_` and `-`, 1-64.
    func completeJSON(system: String, user: String, schema: JSONValue, schemaName: String) async throws -> CloudCompletion
}

/// A structured answer from a cloud model, with what it cost.
public struct CloudCompletion: Sendable {
    /// The JSON the model produced; it matched the schema.
    public var value: JSONValue
    /// Tokens of the successful request.
    public var usage: TokenUsage
    /// Tokens of every request made for this answer (rejected answers included).
    public var totalUsage: TokenUsage
    /// The model name the server reported (may differ from the configured one, e.g. a dated snapshot).
    public var model: String
    /// Which API produced it.
    public var provider: CloudProvider
    /// Requests made for this answer (one, unless unusable answers were retried).
    public var requests: Int
    /// Dollars for all of those requests, or nil when the model has no price.
    public var costUSD: Double?

    /// A completion value.
    public init(value: JSONValue, usage: TokenUsage, totalUsage: TokenUsage, model: String, provider: CloudProvider,
                requests: Int, costUSD: Double?) {
        self.value = value
        self.usage = usage
        self.totalUsage = totalUsage
        self.model = model
        self.provider = provider
        self.requests = requests
        self.costUSD = costUSD
    }
}

/// Builds the client a config asks for.
public enum PlanningModelClients {
    /// An `OpenAIClient` or `AnthropicClient` for `config`; fails early when the key variable is unset.
    /// `egress` adds to offline mode from the environment and `--offline`; it cannot lift it.
    public static func make(config: CloudModelConfig, ledger: CostLedger? = nil, retry: RetryPolicy? = nil,
                            egress: EgressPolicy = EgressPolicy(),
                            environment: [String: String] = ProcessInfo.processInfo.environment) throws(CloudError) -> any PlanningModelClient {
        switch config.provider {
        case .openai: try OpenAIClient(config: config, ledger: ledger, retry: retry, egress: egress, environment: environment)
        case .anthropic: try AnthropicClient(config: config, ledger: ledger, retry: retry, egress: egress, environment: environment)
        }
    }
}
