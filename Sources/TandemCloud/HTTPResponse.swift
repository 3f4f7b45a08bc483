/// A complete HTTP response: status, headers of the final response, body bytes.
public struct HTTPResponse: Sendable {
    /// The HTTP status code.
    public var status: Int
    /// Header lines of the last response block (after any `100 Continue`), in order.
    public var headers: [HTTPHeader]
    /// The body as received.
    public var body: [UInt8]

    /// A response value (tests and the transport build these).
    public init(status: Int, headers: [HTTPHeader], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The value of the last header named `name` (case-insensitive), or nil.
    public func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        return headers.last { $0.name.lowercased() == wanted }?.value
    }

    /// The body decoded as UTF-8 (invalid sequences replaced).
    public var bodyText: String { String(decoding: body, as: UTF8.self) }

    /// True for 2xx.
    public var isSuccess: Bool { (200..<300).contains(status) }
}
