/// One HTTP header line.
public struct HTTPHeader: Sendable, Equatable {
    /// The header name as sent (matching is case-insensitive).
    public var name: String
    /// The header value.
    public var value: String

    /// A header `name: value`.
    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

/// An HTTP request for `CloudHTTPClient`: method, URL, headers, body and limits.
///
/// `description` hides credential headers, so logging a request never prints a key.
public struct HTTPRequest: Sendable, CustomStringConvertible {
    /// `GET` or `POST` (anything else is sent as a custom method).
    public var method: String
    /// An absolute http or https URL.
    public var url: String
    /// Request headers, in order.
    public var headers: [HTTPHeader]
    /// The request body (empty for GET).
    public var body: [UInt8]
    /// Limit on the whole transfer, connect to last byte.
    public var timeout: Duration
    /// Limit on establishing the connection.
    public var connectTimeout: Duration
    /// A response body larger than this aborts the transfer (a runaway server cannot fill memory).
    public var maxResponseBytes: Int

    /// A request; defaults suit a planning call to a cloud model.
    public init(method: String = "POST", url: String, headers: [HTTPHeader] = [], body: [UInt8] = [],
                timeout: Duration = .seconds(120), connectTimeout: Duration = .seconds(10),
                maxResponseBytes: Int = 16 << 20) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
        self.connectTimeout = connectTimeout
        self.maxResponseBytes = maxResponseBytes
    }

    /// Names of headers whose values are credentials and never printed.
    static let credentialHeaders: Set<String> = ["authorization", "x-api-key", "api-key", "proxy-authorization"]

    public var description: String {
        let shown = headers.map { header in
            Self.credentialHeaders.contains(header.name.lowercased()) ? "\(header.name): [redacted]"
                                                                       : "\(header.name): \(header.value)"
        }
        return "\(method) \(url) [\(shown.joined(separator: ", "))] \(body.count) bytes"
    }
}
