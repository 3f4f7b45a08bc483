import TandemCore

/// What a provider's parser made of one HTTP response.
struct ProviderReply: Sendable {
    /// Usage when the server reported it (recorded in the ledger even if the answer is rejected).
    var usage: TokenUsage?
    /// The model name the server reported.
    var model: String?
    /// The JSON answer, or why there is none.
    var result: Result<JSONValue, CloudError>
}

/// The part both clients share: send, parse, check against the schema, record the cost, and ask
/// again (up to `outputRetries` times) when the answer is unusable.
struct StructuredCompletionLoop: Sendable {
    let provider: CloudProvider
    let config: CloudModelConfig
    let http: CloudHTTPClient
    let ledger: CostLedger?
    /// The API key, read once when the client is made; nil when the config names none.
    let key: APIKey?

    /// The loop a client of `provider` sends through: its key read from `environment` (throws
    /// when `api_key_env` names an unset variable) and redacted from every log line, its retry
    /// policy (`retry`, else the config's) and egress policy.
    init(provider: CloudProvider, config: CloudModelConfig, ledger: CostLedger?, retry: RetryPolicy?, egress: EgressPolicy,
         environment: [String: String]) throws(CloudError) {
        let key = try config.apiKeyVariable.map { (name) throws(CloudError) in try APIKey(variable: name, environment: environment) }
        self.provider = provider
        self.config = config
        self.ledger = ledger
        self.key = key
        http = CloudHTTPClient(retry: retry ?? config.retryPolicy, egress: egress,
                               redactor: SecretRedactor(secrets: [key?.value].compactMap { $0 }), label: provider.rawValue)
    }

    func run(_ request: HTTPRequest, schema: JSONValue,
             parse: (HTTPResponse) -> ProviderReply) async throws(CloudError) -> CloudCompletion {
        let validator = JSONSchemaValidator(schema: schema)
        let requests = max(0, config.outputRetries) + 1
        var total = TokenUsage.zero
        var cost: Double?
        var lastError = CloudError.cancelled
        for attempt in 1...requests {
            let response = try await http.send(request)
            var reply = parse(response)
            if case .success(let value) = reply.result, let violation = validator.firstViolation(in: value) {
                reply.result = .failure(.schemaMismatch(path: violation.path, reason: http.redactor.scrub(violation.reason),
                                                        attempts: attempt))
            }
            if let usage = reply.usage {
                total.inputTokens += usage.inputTokens
                total.outputTokens += usage.outputTokens
                if let spent = await record(usage, outcome: Self.outcome(reply.result)) { cost = (cost ?? 0) + spent }
            }
            switch reply.result {
            case .success(let value):
                return CloudCompletion(value: value, usage: reply.usage ?? .zero, totalUsage: total,
                                       model: reply.model ?? config.model, provider: provider,
                                       requests: attempt, costUSD: cost)
            case .failure(let error):
                lastError = error
                guard error.isOutputProblem else { throw error }
                if attempt < requests {
                    Log.warning("\(provider.rawValue): unusable answer (\(error)); asking again (\(attempt + 1)/\(requests))")
                }
            }
        }
        throw lastError
    }

    /// Appends to the ledger; a ledger that cannot be written is a warning, never a lost answer.
    private func record(_ usage: TokenUsage, outcome: String) async -> Double? {
        guard let ledger else { return PriceTable.defaults.price(for: config.model)?.cost(of: usage) }
        do {
            return try await ledger.record(provider: provider.rawValue, model: config.model, usage: usage, outcome: outcome).costUSD
        } catch {
            Log.warning(http.redactor.scrub(error.description))
            return ledger.prices.price(for: config.model)?.cost(of: usage)
        }
    }

    private static func outcome(_ result: Result<JSONValue, CloudError>) -> String {
        switch result {
        case .success: "ok"
        case .failure(.schemaMismatch): "schema_mismatch"
        case .failure(.invalidOutput): "invalid_output"
        case .failure(.noStructuredOutput): "no_structured_output"
        case .failure(.refused): "refused"
        case .failure: "invalid_response"
        }
    }
}
