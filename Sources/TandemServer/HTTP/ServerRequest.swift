/// One HTTP request as the handlers see it: read in full, headers lower-cased.
public struct ServerRequest: Sendable {
    /// `GET`, `POST`, ...
    public let method: String
    /// The path without the query string, e.g. `/v1/chat/completions`.
    public let path: String
    /// Header names lower-cased; a repeated header keeps its last value.
    public let headers: [String: String]
    /// The body bytes (at most the server's body limit).
    public let body: [UInt8]

    /// Creates a request.
    public init(method: String, path: String, headers: [String: String], body: [UInt8]) {
        self.method = method; self.path = path; self.headers = headers; self.body = body
    }
}

/// Status and headers of a response.
public struct ResponseHead: Sendable {
    /// The HTTP status code.
    public var status: Int
    /// Header name and value pairs, in order.
    public var headers: [(name: String, value: String)]

    /// Creates a head.
    public init(status: Int, headers: [(name: String, value: String)] = []) {
        self.status = status; self.headers = headers
    }
}

/// A response sent in one piece.
public struct ServerResponse: Sendable {
    /// Status and headers.
    public var head: ResponseHead
    /// The whole body.
    public var body: [UInt8]

    /// Creates a response.
    public init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        head = ResponseHead(status: status, headers: headers)
        self.body = body
    }
}

/// Where a handler sends its answer: once in full, or as a head followed by streamed bytes.
/// Everything after the client has gone is dropped (`isClosed` says so).
public protocol ResponseSink: Sendable {
    /// Sends a whole response; only the first answer of a request counts.
    func send(_ response: ServerResponse)
    /// Sends the head of a streamed response (chunked transfer).
    func startStream(_ head: ResponseHead)
    /// Queues bytes of the streamed body.
    func write(_ bytes: [UInt8])
    /// Ends the streamed body.
    func finishStream()
    /// True once the client has disconnected or the response has been sent.
    var isClosed: Bool { get }
}
