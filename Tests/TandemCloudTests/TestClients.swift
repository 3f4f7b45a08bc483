import Foundation
import TandemCloud
import TandemCore

/// A config for the fault server with the given retry counts. The default timeout is far past any
/// load (no test's subject is how fast the local fault server answers); the timeout tests pass their
/// own against the `slow` scenario, which never answers.
func faultConfig(_ provider: CloudProvider, _ baseURL: String, keyVariable: String? = nil, timeout: Duration = .seconds(300),
                 maxRetries: Int = 2, outputRetries: Int = 1, stream: Bool = false) -> CloudModelConfig {
    CloudModelConfig(provider: provider, model: "fault-model", baseURL: baseURL, apiKeyVariable: .some(keyVariable),
                     timeout: timeout, maxRetries: maxRetries, outputRetries: outputRetries, maxTokens: 64, stream: stream)
}

/// Short waits so retry tests take milliseconds, not seconds (Retry-After still applies as sent).
func fastRetry(_ maxRetries: Int) -> RetryPolicy {
    RetryPolicy(maxRetries: maxRetries, baseDelay: .milliseconds(20), maxDelay: .milliseconds(100), maxRetryAfter: .seconds(5))
}

/// The schema the fault server's good answers match.
let answerSchema: JSONValue = [
    "type": "object",
    "properties": ["answer": ["type": "string"]],
    "required": ["answer"],
    "additionalProperties": false,
]

/// A client for `config` with fast retries.
func faultClient(_ config: CloudModelConfig, ledger: CostLedger? = nil, egress: EgressPolicy = EgressPolicy(),
                 environment: [String: String] = [:]) throws -> any PlanningModelClient {
    switch config.provider {
    case .openai:
        try OpenAIClient(config: config, ledger: ledger, retry: fastRetry(config.maxRetries), egress: egress, environment: environment)
    case .anthropic:
        try AnthropicClient(config: config, ledger: ledger, retry: fastRetry(config.maxRetries), egress: egress, environment: environment)
    }
}

/// The endpoint URL a client of `provider` posts to under `baseURL`.
func endpoint(_ provider: CloudProvider, _ baseURL: String) -> String {
    baseURL + (provider == .openai ? "/v1/chat/completions" : "/v1/messages")
}

/// A fresh ledger path in the temporary directory.
func temporaryLedgerPath() -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("tandem-ledger-\(UUID().uuidString).jsonl").path
}

/// Runs `body`, returning its result and the seconds it took.
func timed<T>(_ body: () async throws -> T) async rethrows -> (T, Double) {
    let clock = ContinuousClock()
    let start = clock.now
    let result = try await body()
    let elapsed = clock.now - start
    return (result, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
}

/// The `CloudError` `body` throws, or nil when it throws nothing (or something else).
func cloudError(_ body: () async throws -> some Any) async -> CloudError? {
    do { _ = try await body(); return nil } catch let error as CloudError { return error } catch { return nil }
}
