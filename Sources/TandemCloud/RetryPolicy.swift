/// When and how long to wait before another attempt. Pure: randomness comes in as an argument.
///
/// Retries: 408, 429 and every 5xx, plus connection failures and timeouts. Never other 4xx:
/// a bad key or an invalid request fails the same way every time. The wait is exponential
/// backoff with "equal jitter" (half fixed, half random), unless the server sent `Retry-After`,
/// which is honoured as given; a `Retry-After` longer than `maxRetryAfter` ends the retries
/// rather than leaving the caller hanging.
public struct RetryPolicy: Sendable, Equatable {
    /// Attempts in all, the first included (`maxRetries + 1`).
    public var maxAttempts: Int
    /// The backoff before the second attempt; doubles each time.
    public var baseDelay: Duration
    /// The longest backoff.
    public var maxDelay: Duration
    /// The longest `Retry-After` that is waited out.
    public var maxRetryAfter: Duration

    /// A policy with `maxRetries` retries after the first attempt.
    public init(maxRetries: Int = 3, baseDelay: Duration = .milliseconds(500), maxDelay: Duration = .seconds(30),
                maxRetryAfter: Duration = .seconds(60)) {
        self.maxAttempts = max(1, maxRetries + 1)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.maxRetryAfter = maxRetryAfter
    }

    /// What to do after a failed attempt.
    public enum Decision: Sendable, Equatable {
        /// Wait this long, then try again.
        case retry(after: Duration)
        /// Stop: this failure is not retried.
        case notRetryable
        /// Stop: every attempt is used.
        case attemptsExhausted
        /// Stop: the server asked for a longer wait than `maxRetryAfter`.
        case retryAfterTooLong(Duration)
    }

    /// True for the statuses worth retrying: 408, 429 and 5xx.
    public static func isRetryable(status: Int) -> Bool {
        status == 408 || status == 429 || (500...599).contains(status)
    }

    /// The backoff after attempt number `attempt` (1-based) for `jitter` in 0...1.
    public func backoff(afterAttempt attempt: Int, jitter: Double) -> Duration {
        let doublings = min(max(attempt - 1, 0), 30)
        let exponential = min(baseDelay * (1 << doublings), maxDelay)
        let unit = min(max(jitter, 0), 1)
        return exponential / 2 + (exponential / 2) * unit
    }

    /// The decision after attempt `attempt` (1-based) failed in a `retryable` way or not.
    public func decide(afterAttempt attempt: Int, retryable: Bool, retryAfter: Duration?, jitter: Double) -> Decision {
        guard retryable else { return .notRetryable }
        guard attempt < maxAttempts else { return .attemptsExhausted }
        if let retryAfter {
            return retryAfter > maxRetryAfter ? .retryAfterTooLong(retryAfter) : .retry(after: max(retryAfter, .zero))
        }
        return .retry(after: backoff(afterAttempt: attempt, jitter: jitter))
    }
}
