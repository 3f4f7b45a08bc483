/// One server of a pool that runs the local model (`base_urls`): its figures for `tandem status`
/// and the run summary.
public struct EndpointStatus: Sendable, Equatable {
    /// Its base URL.
    public var url: String
    /// False while its last call failed (or it serves another model).
    public var isUp: Bool
    /// Calls running there now.
    public var inFlight: Int
    /// Calls sent there, failed ones included.
    public var requests: Int
    /// Calls that failed there (each answered by another endpoint).
    public var failures: Int
    /// Median seconds of its successful calls (nil before the first).
    public var p50Seconds: Double?
    /// Why it was last taken out.
    public var lastError: String?

    /// Creates the figures.
    public init(url: String, isUp: Bool, inFlight: Int, requests: Int, failures: Int, p50Seconds: Double?, lastError: String?) {
        self.url = url
        self.isUp = isUp
        self.inFlight = inFlight
        self.requests = requests
        self.failures = failures
        self.p50Seconds = p50Seconds
        self.lastError = lastError
    }
}
