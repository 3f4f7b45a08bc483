/// How the executor schedules and protects steps.
public struct ExecutionOptions: Sendable {
    /// Most steps running at once.
    public var maxConcurrency: Int
    /// Per-attempt time limit for steps without `timeout_ms`.
    public var defaultTimeoutMs: Int
    /// Retries for steps without `retries`.
    public var defaultRetries: Int
    /// Wait before the first retry; doubles after each.
    public var retryBackoffMs: Int
    /// Most elements of one `map` step in flight at once. High on purpose: concurrent local-model
    /// calls are what the runtime batches into one decode.
    public var mapConcurrency: Int
    /// Largest array a `map` step accepts.
    public var maxMapItems: Int

    /// Creates options.
    public init(maxConcurrency: Int = 8, defaultTimeoutMs: Int = 120_000, defaultRetries: Int = 0,
                retryBackoffMs: Int = 50, mapConcurrency: Int = 64, maxMapItems: Int = 10_000) {
        self.maxConcurrency = max(1, maxConcurrency)
        self.defaultTimeoutMs = max(1, defaultTimeoutMs)
        self.defaultRetries = max(0, defaultRetries)
        self.retryBackoffMs = max(0, retryBackoffMs)
        self.mapConcurrency = max(1, mapConcurrency)
        self.maxMapItems = max(1, maxMapItems)
    }
}
