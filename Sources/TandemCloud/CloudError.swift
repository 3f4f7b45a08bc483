/// Everything that can go wrong talking to a cloud (or OpenAI-compatible) model.
///
/// Every string a case carries has been through `SecretRedactor`, and API keys are never a
/// payload: a description can be printed, logged or put in a trace as it is.
public enum CloudError: Error, CustomStringConvertible, Sendable, Equatable {
    /// Offline mode refused a connection to `host` before it was made.
    case offlineBlocked(host: String)
    /// The base URL could not be used.
    case invalidURL(url: String, reason: String)
    /// The environment variable that should hold the API key is unset or empty.
    case missingAPIKey(variable: String)
    /// A configuration value is missing or wrong.
    case invalidConfig(String)
    /// The server answered with a non-2xx status and no retry is left (or none applies).
    case httpStatus(status: Int, url: String, attempts: Int, excerpt: String)
    /// The server asked to wait longer than the policy allows before retrying.
    case retryAfterTooLong(url: String, seconds: Double, limitSeconds: Double)
    /// No complete response within the timeout, on every attempt.
    case timedOut(url: String, seconds: Double, attempts: Int)
    /// The connection failed (refused, reset, truncated body) on every attempt.
    case connectionFailed(url: String, curlCode: Int, message: String, attempts: Int)
    /// The task was cancelled; the transfer was aborted.
    case cancelled
    /// The response body passed the size limit.
    case responseTooLarge(url: String, limitBytes: Int)
    /// The response is not the provider's JSON envelope.
    case invalidResponse(provider: String, reason: String, excerpt: String)
    /// The model's answer is not JSON.
    case invalidOutput(reason: String, excerpt: String)
    /// The model's JSON does not match the schema.
    case schemaMismatch(path: String, reason: String, attempts: Int)
    /// The reply has no structured answer (no tool call, no content), e.g. it hit the token limit.
    case noStructuredOutput(provider: String, stopReason: String, excerpt: String)
    /// The model declined to answer.
    case refused(message: String)
    /// The cost ledger could not be read or written.
    case ledgerUnavailable(path: String, reason: String)

    public var description: String {
        switch self {
        case .offlineBlocked(let host):
            "offline mode blocked a connection to \(host); only loopback hosts (127.0.0.1, ::1, localhost) "
                + "are allowed: unset TANDEM_OFFLINE / drop --offline, or point base_url at a local server"
        case .invalidURL(let url, let reason):
            "cannot use URL '\(url)': \(reason); set base_url to an http(s) URL such as https://api.openai.com"
        case .missingAPIKey(let variable):
            "the API key variable \(variable) is not set; export \(variable)=... or change api_key_env in the config"
        case .invalidConfig(let reason):
            "invalid cloud config: \(reason)"
        case .httpStatus(let status, let url, let attempts, let excerpt):
            "\(url) answered HTTP \(status) after \(attempts) attempt(s)\(Self.quoted(excerpt)); \(Self.advice(status))"
        case .retryAfterTooLong(let url, let seconds, let limit):
            "\(url) asked to retry after \(Self.seconds(seconds)), more than the \(Self.seconds(limit)) allowed; "
                + "try again later or use another model"
        case .timedOut(let url, let seconds, let attempts):
            "\(url) gave no complete answer within \(Self.seconds(seconds)) on \(attempts) attempt(s); "
                + "raise timeout_s or check that the server is up"
        case .connectionFailed(let url, let code, let message, let attempts):
            "connection to \(url) failed on \(attempts) attempt(s) (curl \(code): \(message)); "
                + "check base_url, the network and the server"
        case .cancelled:
            "the request was cancelled"
        case .responseTooLarge(let url, let limit):
            "\(url) sent more than \(limit) bytes; the server is misbehaving or base_url points at the wrong thing"
        case .invalidResponse(let provider, let reason, let excerpt):
            "the \(provider) response is not what the API returns: \(reason)\(Self.quoted(excerpt)); "
                + "check that base_url points at a \(provider)-compatible server"
        case .invalidOutput(let reason, let excerpt):
            "the model's answer is not valid JSON: \(reason)\(Self.quoted(excerpt)); retry or use a stronger model"
        case .schemaMismatch(let path, let reason, let attempts):
            "the model's JSON does not match the schema at \(path): \(reason) (\(attempts) attempt(s)); "
                + "retry, simplify the schema or use a stronger model"
        case .noStructuredOutput(let provider, let stop, let excerpt):
            "the \(provider) reply has no structured answer (stop reason: \(stop))\(Self.quoted(excerpt)); "
                + "raise max_tokens or use a model that supports structured output"
        case .refused(let message):
            "the model refused: \(message)"
        case .ledgerUnavailable(let path, let reason):
            "cost ledger \(path): \(reason); check the path and its permissions (--ledger FILE)"
        }
    }

    /// True for failures another attempt may fix (used by the output-retry loop).
    var isOutputProblem: Bool {
        switch self {
        case .invalidResponse, .invalidOutput, .schemaMismatch, .noStructuredOutput: true
        default: false
        }
    }

    private static func advice(_ status: Int) -> String {
        switch status {
        case 401, 403: "check the API key in the variable named by api_key_env"
        case 404: "check base_url (the client appends /v1/...) and the model name"
        case 400, 413, 422: "the server rejected the request; check the model name, schema and max_tokens"
        case 408, 429: "the server is rate limiting; wait and try again, or raise max_retries"
        case 500...599: "the server failed; try again later or raise max_retries"
        default: "see the server's message"
        }
    }

    private static func quoted(_ excerpt: String) -> String { excerpt.isEmpty ? "" : ": \"\(excerpt)\"" }

    private static func seconds(_ s: Double) -> String {
        s == s.rounded() ? "\(Int(s)) s" : "\((s * 10).rounded() / 10) s"
    }
}
