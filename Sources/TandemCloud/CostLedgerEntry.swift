import TandemCore

/// One line of the cost ledger: a request that consumed tokens.
///
/// On disk, one compact JSON object per line:
/// `{"time":"2026-11-27T11:41:29Z","provider":"openai","model":"gpt-4o-mini","input_tokens":812,
/// "output_tokens":95,"cost_usd":0.000179,"outcome":"ok"}`; `cost_usd` is null when the model has
/// no price. Failed answers that still used tokens (wrong schema) are recorded with their outcome,
/// because they cost money too. Calls of local models use provider `local`, the GGUF file name as
/// `model`, `cost_usd` 0 and outcome `ok` or `failed` (same keys, so older readers still read them).
public struct CostLedgerEntry: Sendable, Equatable {
    /// The `provider` of calls that ran on a local model.
    public static let localProvider = "local"


    /// ISO 8601 UTC time of the response.
    public var time: String
    /// `openai`, `anthropic`, or `local` for a local model.
    public var provider: String
    /// The model name the request asked for.
    public var model: String
    /// The tokens used.
    public var usage: TokenUsage
    /// Dollars, or nil when the price table has no entry for the model.
    public var costUSD: Double?
    /// `ok`, or what was wrong with the answer (`schema_mismatch`, `invalid_output`, `failed`, ...).
    public var outcome: String

    /// The server of a pool that answered (`base_urls`), nil for in-process and single-URL calls.
    public var endpoint: String?

    /// True unless the outcome is `ok`.
    public var isFailure: Bool { outcome != "ok" }

    /// An entry.
    public init(time: String, provider: String, model: String, usage: TokenUsage, costUSD: Double?, outcome: String) {
        self.time = time
        self.provider = provider
        self.model = model
        self.usage = usage
        self.costUSD = costUSD
        self.outcome = outcome
    }

    /// The entry as a JSON object, in the on-disk key order.
    public var json: JSONValue {
        .object([
            ("time", .string(time)), ("provider", .string(provider)), ("model", .string(model)),
            ("input_tokens", .number(Double(usage.inputTokens))), ("output_tokens", .number(Double(usage.outputTokens))),
            ("cost_usd", costUSD.map(JSONValue.number) ?? .null), ("outcome", .string(outcome)),
        ] + (endpoint.map { [("endpoint", JSONValue.string($0))] } ?? []))
    }

    /// Reads an entry from a ledger line's JSON; nil when fields are missing or of the wrong type.
    public init?(json: JSONValue) {
        guard let model = json["model"]?.stringValue, let input = json["input_tokens"]?.intValue,
              let output = json["output_tokens"]?.intValue, input >= 0, output >= 0 else { return nil }
        self.init(time: json["time"]?.stringValue ?? "", provider: json["provider"]?.stringValue ?? "",
                  model: model, usage: TokenUsage(inputTokens: input, outputTokens: output),
                  costUSD: json["cost_usd"]?.doubleValue, outcome: json["outcome"]?.stringValue ?? "ok")
        endpoint = json["endpoint"]?.stringValue
    }
}
