import Foundation
import Testing
import TandemCloud

struct RetryPolicyTests {
    let policy = RetryPolicy(maxRetries: 3, baseDelay: .milliseconds(500), maxDelay: .seconds(4), maxRetryAfter: .seconds(60))

    @Test func retryableStatuses() {
        for status in [408, 429, 500, 502, 503, 504, 599] { #expect(RetryPolicy.isRetryable(status: status), "\(status)") }
        for status in [200, 301, 400, 401, 403, 404, 409, 413, 422] { #expect(!RetryPolicy.isRetryable(status: status), "\(status)") }
    }

    @Test func backoffDoublesWithinJitterBoundsAndIsCapped() {
        #expect(policy.backoff(afterAttempt: 1, jitter: 0) == .milliseconds(250))
        #expect(policy.backoff(afterAttempt: 1, jitter: 1) == .milliseconds(500))
        #expect(policy.backoff(afterAttempt: 2, jitter: 1) == .seconds(1))
        #expect(policy.backoff(afterAttempt: 3, jitter: 0.5) == .milliseconds(1500))
        #expect(policy.backoff(afterAttempt: 10, jitter: 1) == .seconds(4))
        #expect(policy.backoff(afterAttempt: 1000, jitter: 0) == .seconds(2))
        #expect(policy.backoff(afterAttempt: 2, jitter: 7) == .seconds(1), "jitter is clamped to 0...1")
    }

    @Test func decisions() {
        #expect(policy.decide(afterAttempt: 1, retryable: false, retryAfter: nil, jitter: 0) == .notRetryable)
        #expect(policy.decide(afterAttempt: 4, retryable: true, retryAfter: nil, jitter: 0) == .attemptsExhausted)
        #expect(policy.decide(afterAttempt: 1, retryable: true, retryAfter: nil, jitter: 0) == .retry(after: .milliseconds(250)))
        #expect(policy.decide(afterAttempt: 1, retryable: true, retryAfter: .seconds(7), jitter: 1) == .retry(after: .seconds(7)),
                "Retry-After is honoured as sent, even above maxDelay")
        #expect(policy.decide(afterAttempt: 1, retryable: true, retryAfter: .seconds(61), jitter: 0) == .retryAfterTooLong(.seconds(61)))
        #expect(RetryPolicy(maxRetries: 0).decide(afterAttempt: 1, retryable: true, retryAfter: nil, jitter: 0) == .attemptsExhausted)
    }

    @Test func retryAfterSeconds() {
        #expect(RetryAfter.parse("0") == .zero)
        #expect(RetryAfter.parse(" 120 ") == .seconds(120))
        #expect(RetryAfter.parse("-5") == nil)
        #expect(RetryAfter.parse("1.5") == nil)
        #expect(RetryAfter.parse("soon") == nil)
        #expect(RetryAfter.parse("") == nil)
    }

    @Test func retryAfterHTTPDate() {
        let now = Date(timeIntervalSince1970: 1_445_412_470)  // Wed, 21 Oct 2015 07:27:50 GMT
        #expect(RetryAfter.parse("Wed, 21 Oct 2015 07:28:00 GMT", now: now) == .seconds(10))
        #expect(RetryAfter.parse("Wed, 21 Oct 2015 07:27:00 GMT", now: now) == .zero, "a past date means now")
        #expect(RetryAfter.parse("Sun, 06 Nov 1994 08:49:37 GMT", now: Date(timeIntervalSince1970: 784_111_777)) == .zero)
        #expect(RetryAfter.parse("Thu, 29 Feb 2024 00:00:01 GMT", now: Date(timeIntervalSince1970: 1_709_164_800)) == .seconds(1))
        #expect(RetryAfter.parse("Wed, 21 Oct 2015 07:28:00 PST", now: now) == nil)
        #expect(RetryAfter.parse("Wednesday, 21-Oct-15 07:28:00 GMT", now: now) == nil)
        #expect(RetryAfter.parse("Wed, 32 Oct 2015 07:28:00 GMT", now: now) == nil)
    }
}
