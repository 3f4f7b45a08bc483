import TandemCore

/// An error answered in OpenAI's shape, `{"error": {"message", "type", "param", "code"}}`, with
/// its HTTP status. Messages say what was wrong and what to send instead.
public struct APIError: Error, Sendable, CustomStringConvertible {
    /// The HTTP status.
    public let status: Int
    /// What went wrong and how to fix it.
    public let message: String
    /// `invalid_request_error`, `authentication_error` or `server_error`.
    public let type: String
    /// The request field at fault, when one is.
    public let param: String?
    /// A stable machine-readable code (`model_not_found`, `queue_full`, ...).
    public let code: String?
    /// Extra headers (`Retry-After` on 503).
    public var headers: [(name: String, value: String)] = []

    /// Creates an error.
    public init(status: Int, message: String, type: String = "invalid_request_error", param: String? = nil, code: String? = nil) {
        self.status = status; self.message = message; self.type = type; self.param = param; self.code = code
    }

    public var description: String { "HTTP \(status): \(message)" }

    /// The error object.
    public var json: JSONValue {
        ["error": ["message": .string(message), "type": .string(type), "param": param.map { .string($0) } ?? .null,
                   "code": code.map { .string($0) } ?? .null]]
    }

    /// The whole response.
    public var response: ServerResponse {
        ServerResponse(status: status, headers: [("Content-Type", "application/json")] + headers,
                       body: Array((JSONWriter.compact(json) + "\n").utf8))
    }

    /// 400 for a field: `param` names it.
    public static func invalid(_ param: String?, _ message: String, code: String? = nil) -> APIError {
        APIError(status: 400, message: message, param: param, code: code)
    }

    static func bodyTooLarge(limit: Int) -> APIError {
        APIError(status: 413, message: "the request body is over the server's limit of \(limit) bytes; send less, or start "
                 + "the server with a larger --max-body-bytes", code: "request_too_large")
    }

    static let missingKey = APIError(status: 401, message: "this server needs an API key: send the header "
                                     + "'Authorization: Bearer <key>'", type: "authentication_error", code: "invalid_api_key")
    static let wrongKey = APIError(status: 401, message: "the API key in 'Authorization: Bearer ...' is not this server's key",
                                   type: "authentication_error", code: "invalid_api_key")

    static func queueFull(retryAfterSeconds: Int) -> APIError {
        var e = APIError(status: 503, message: "every slot is busy and the queue is full; retry after \(retryAfterSeconds) s, "
                         + "or start the server with a larger --queue", type: "server_error", code: "queue_full")
        e.headers = [("Retry-After", String(retryAfterSeconds))]
        return e
    }

    static let shuttingDown: APIError = {
        var e = APIError(status: 503, message: "the server is shutting down; send the request to another server or retry later",
                         type: "server_error", code: "shutting_down")
        e.headers = [("Retry-After", "5"), ("Connection", "close")]
        return e
    }()
}

/// Why `tandem serve` could not start.
public enum ServeError: Error, Sendable, CustomStringConvertible {
    case invalidOption(String)
    case bindFailed(address: String, reason: String)
    case missingAPIKey(variable: String)

    public var description: String {
        switch self {
        case .invalidOption(let m): m
        case .bindFailed(let a, let r): "cannot listen on \(a): \(r); pick another --port or stop what holds it"
        case .missingAPIKey(let v): "--api-key-env \(v): the variable is not set or empty; export \(v)=<key> first"
        }
    }
}
