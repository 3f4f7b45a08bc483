import Foundation

/// Requests, failures and the circuit breaker of each model, shared by every client of a run.
///
/// After `failureLimit` consecutive failures a model's circuit opens: it is skipped for
/// `coolDown`, then tried again (one success closes it). Skipping a dead endpoint quickly matters
/// more than retrying it: the fallback list exists so the request still gets an answer.
public actor ModelHealthBoard {
    /// Counters for one model.
    public struct Stats: Sendable, Equatable {
        /// Requests sent (successful or not).
        public var requests = 0
        /// Requests that failed.
        public var failures = 0
        /// Failures since the last success.
        public var consecutiveFailures = 0
        /// Dollars spent through this board, when priced.
        public var costUSD = 0.0
        /// While set and in the future, the model is skipped.
        public var openUntil: Date?
    }

    /// Consecutive failures that open a circuit.
    public let failureLimit: Int
    /// How long an open circuit skips its model.
    public let coolDown: Duration
    private var stats: [String: Stats] = [:]

    /// A board; defaults: 3 failures, 30 s cool-down.
    public init(failureLimit: Int = 3, coolDown: Duration = .seconds(30)) {
        self.failureLimit = max(1, failureLimit)
        self.coolDown = coolDown
    }

    /// True while `model`'s circuit is open.
    public func isOpen(_ model: String, now: Date = Date()) -> Bool {
        guard let until = stats[model]?.openUntil else { return false }
        return until > now
    }

    /// Records a successful request.
    public func recordSuccess(_ model: String, costUSD: Double? = nil) {
        var s = stats[model] ?? Stats()
        s.requests += 1
        s.consecutiveFailures = 0
        s.openUntil = nil
        s.costUSD += costUSD ?? 0
        stats[model] = s
    }

    /// Records a failed request; opens the circuit at the limit.
    public func recordFailure(_ model: String, now: Date = Date()) {
        var s = stats[model] ?? Stats()
        s.requests += 1
        s.failures += 1
        s.consecutiveFailures += 1
        if s.consecutiveFailures >= failureLimit {
            let seconds = Double(coolDown.components.seconds) + Double(coolDown.components.attoseconds) / 1e18
            s.openUntil = now.addingTimeInterval(seconds)
        }
        stats[model] = s
    }

    /// The counters of `model` (zeros when never used).
    public func stats(for model: String) -> Stats { stats[model] ?? Stats() }
}
