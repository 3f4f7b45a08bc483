import TandemCore

/// HTTP over libcurl with the offline check, retries and secret scrubbing: the one way
/// TandemCloud reaches the network.
///
/// `send` checks the host against `EgressPolicy` first (refused hosts never reach curl), then
/// tries up to `retry.maxAttempts` times, waiting as `RetryPolicy` says between attempts. A 2xx
/// comes back as a response; any other final outcome is a `CloudError` whose text has been
/// through the redactor, as has every log line written here.
public struct CloudHTTPClient: Sendable {
    /// The retry rules.
    public var retry: RetryPolicy
    /// Offline mode for this client (the environment and `--offline` apply as well).
    public var egress: EgressPolicy
    /// Scrubs API keys from everything that leaves as text.
    public var redactor: SecretRedactor
    /// Names the peer in log lines ("openai", "anthropic").
    public var label: String

    /// A client with the given rules.
    public init(retry: RetryPolicy = RetryPolicy(), egress: EgressPolicy = EgressPolicy(),
                redactor: SecretRedactor = SecretRedactor(secrets: []), label: String = "http") {
        self.retry = retry
        self.egress = egress
        self.redactor = redactor
        self.label = label
    }

    /// Sends `request` until it gets a 2xx, a non-retryable answer or runs out of attempts.
    public func send(_ request: HTTPRequest) async throws(CloudError) -> HTTPResponse {
        let host: String
        do { host = try egress.check(url: request.url) } catch { throw scrubbed(error) }
        let scope = egress.socketScope(host: host)
        let shownURL = redactor.scrub((try? CurlURL(request.url).displayText) ?? request.url)
        var attempt = 0
        while true {
            attempt += 1
            if Task.isCancelled { throw .cancelled }
            let outcome = await CurlRequest.send(request, scope: scope)
            let failure: CloudError
            let retryable: Bool
            var retryAfter: Duration?
            switch outcome {
            case .success(let response) where response.isSuccess:
                return response
            case .success(let response):
                failure = .httpStatus(status: response.status, url: shownURL, attempts: attempt,
                                      excerpt: redactor.excerpt(response.bodyText))
                retryable = RetryPolicy.isRetryable(status: response.status)
                retryAfter = response.header("Retry-After").flatMap { RetryAfter.parse($0) }
            case .failure(let curl):
                failure = translate(curl, request: request, url: shownURL, host: host, attempts: attempt)
                retryable = curl.isRetryable
            }
            let decision = retry.decide(afterAttempt: attempt, retryable: retryable, retryAfter: retryAfter,
                                        jitter: Double.random(in: 0...1))
            switch decision {
            case .retry(let wait):
                Log.info("\(label): attempt \(attempt)/\(retry.maxAttempts) failed (\(failure)); retrying in \((Self.seconds(wait) * 1000).rounded() / 1000) s")
                do { try await Task.sleep(for: wait) } catch { throw .cancelled }
            case .retryAfterTooLong(let wait):
                throw .retryAfterTooLong(url: shownURL, seconds: Self.seconds(wait), limitSeconds: Self.seconds(retry.maxRetryAfter))
            case .notRetryable, .attemptsExhausted:
                Log.debug("\(label): giving up: \(failure)")  // the caller reports the error itself
                throw failure
            }
        }
    }

    private func translate(_ curl: CurlFailure, request: HTTPRequest, url: String, host: String, attempts: Int) -> CloudError {
        switch curl.kind {
        case .cancelled: .cancelled
        case .loopbackRefused: .offlineBlocked(host: redactor.scrub(host) + " (it resolved to an address offline mode does not allow)")
        case .tooLarge: .responseTooLarge(url: url, limitBytes: request.maxResponseBytes)
        case .timedOut: .timedOut(url: url, seconds: Self.seconds(request.timeout), attempts: attempts)
        case .connection, .other:
            .connectionFailed(url: url, curlCode: curl.code, message: redactor.scrub(curl.message), attempts: attempts)
        }
    }

    private func scrubbed(_ error: CloudError) -> CloudError {
        switch error {
        case .invalidURL(let url, let reason): .invalidURL(url: redactor.scrub(url), reason: redactor.scrub(reason))
        case .offlineBlocked(let host): .offlineBlocked(host: redactor.scrub(host))
        default: error
        }
    }

    static func seconds(_ d: Duration) -> Double {
        let (s, atto) = d.components
        return Double(s) + Double(atto) / 1e18
    }
}
