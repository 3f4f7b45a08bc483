import Foundation
import TandemCore
import TandemOrchestrator

/// Local-model calls spread over several OpenAI-compatible servers that serve the same model:
/// each call goes to the endpoint with the fewest calls in flight (at most `maxInFlight` per
/// endpoint; more wait), an endpoint whose call fails is taken out for a back-off that doubles
/// with each failure in a row (1 s, 2 s, … 60 s), and the failed call is sent again to another
/// endpoint, so a record's step is answered once however many endpoints die. Every call is
/// independent (no server keeps state a later call needs), which is what makes the re-send safe.
public actor EndpointPool: LocalModelClient {
    /// One endpoint's figures, for `tandem status` and the run summary.
    public typealias EndpointStatus = TandemOrchestrator.EndpointStatus

    private struct Endpoint {
        let client: any PoolMember
        var inFlight = 0
        var requests = 0
        var failures = 0
        var failuresInARow = 0
        var downUntil: Double = 0
        var lastError: String?
        var seconds: [Double] = []
    }

    private var endpoints: [Endpoint]
    /// Most calls in flight at one endpoint.
    public let maxInFlight: Int
    /// Longest back-off after failures in a row.
    public let maxBackoffSeconds: Double
    private var waiters: [CheckedContinuation<Void, Never>] = []
    public nonisolated let modelName: String

    /// A pool over `clients` (at least one): servers, and at most one in-process model.
    public init(_ clients: [any PoolMember], maxInFlight: Int = 4, maxBackoffSeconds: Double = 60) {
        precondition(!clients.isEmpty, "an endpoint pool needs an endpoint")
        endpoints = clients.map { Endpoint(client: $0) }
        self.maxInFlight = max(1, maxInFlight)
        self.maxBackoffSeconds = maxBackoffSeconds
        // The configured name alone: the ledger records calls under it, and `tandem status`
        // looks them up by it (each call's endpoint is on its own line of the ledger).
        modelName = clients[0].model
    }

    /// Asks every endpoint for its models: one serving another model is refused for good (an
    /// error naming it), one that does not answer starts out down. Returns the refusals.
    public func checkHealth() async -> [RemoteEndpointError] {
        var refused: [RemoteEndpointError] = []
        for i in endpoints.indices {
            let client = endpoints[i].client
            do {
                let served = try await client.servedModels()
                if !Self.serves(served, client.model) {
                    let error = RemoteEndpointError.wrongModel(url: client.baseURL, configured: client.model, served: served)
                    endpoints[i].downUntil = .infinity
                    endpoints[i].lastError = error.description
                    refused.append(error)
                }
            } catch {
                markFailed(i, error)
            }
        }
        return refused
    }

    /// A served id matches the configured name exactly, or by file name (llama-server lists the
    /// model's path unless started with `--alias`).
    static func serves(_ served: [String], _ model: String) -> Bool {
        let name = (model as NSString).lastPathComponent
        return served.contains { $0 == model || ($0 as NSString).lastPathComponent == name }
    }

    public nonisolated func generateJSON(_ request: LocalJSONRequest) async throws -> LocalJSONReply {
        let (reply, url) = try await route { try await $0.generateJSON(request) }
        var served = reply
        served.servedBy = url
        return served
    }

    public nonisolated func choose(_ request: LocalChoiceRequest) async throws -> LocalChoiceReply {
        let (reply, url) = try await route { try await $0.choose(request) }
        var served = reply
        served.servedBy = url
        return served
    }

    /// Every endpoint's figures, in configured order.
    public func status() -> [EndpointStatus] {
        endpoints.map { e in
            let sorted = e.seconds.sorted()
            // Down: its last call failed (it is retried once its back-off ends), or it was refused.
            return EndpointStatus(url: e.client.baseURL, isUp: e.failuresInARow == 0 && e.downUntil.isFinite, inFlight: e.inFlight,
                                  requests: e.requests, failures: e.failures, p50Seconds: sorted.isEmpty ? nil : sorted[sorted.count / 2],
                                  lastError: e.lastError)
        }
    }

    /// Runs `call` on an endpoint, and again on another while endpoints fail, until one answers
    /// or every endpoint has failed this call (then the last error, as `noEndpoint`). Returns the
    /// answer and the URL of the endpoint that gave it.
    private nonisolated func route<T: Sendable>(_ call: @Sendable (any PoolMember) async throws -> T) async throws -> (T, String) {
        var tried = Set<Int>()
        var last = "none answered"
        while true {
            try Task.checkCancellation()
            guard let (i, client) = await acquire(excluding: tried) else {
                throw RemoteEndpointError.noEndpoint(tried: tried.count, last: last)
            }
            let start = Self.now()
            do {
                let value = try await call(client)
                await release(i, seconds: Self.now() - start, error: nil)
                return (value, client.baseURL)
            } catch let error as RemoteEndpointError {
                // The endpoint failed (down, error status, not a chat completion): another one gets the call.
                await release(i, seconds: 0, error: error)
                if Task.isCancelled { throw CancellationError() }
                tried.insert(i)
                last = error.description
            } catch {
                // Cancelled, or the model's own answer was unusable: nothing another endpoint would fix.
                await release(i, seconds: 0, error: nil)
                throw error
            }
        }
    }

    /// The up endpoint with the fewest calls in flight that this call has not tried, waiting
    /// while all such are at `maxInFlight`; nil when none is left (all tried or down).
    private func acquire(excluding tried: Set<Int>) async -> (Int, any PoolMember)? {
        while true {
            let now = Self.now()
            var candidates = endpoints.indices.filter { !tried.contains($0) && endpoints[$0].downUntil <= now }
            // All the untried ones are down: the one back soonest gets this call (a pool whose
            // endpoints all failed once is not given up on while back-offs are short).
            if candidates.isEmpty, let soonest = endpoints.indices.filter({ !tried.contains($0) && endpoints[$0].downUntil.isFinite })
                .min(by: { endpoints[$0].downUntil < endpoints[$1].downUntil }) {
                let wait = endpoints[soonest].downUntil - now
                guard wait <= maxBackoffSeconds else { return nil }
                try? await Task.sleep(for: .milliseconds(Int(wait * 1000) + 1))
                continue
            }
            guard !candidates.isEmpty else { return nil }
            // Fewest in flight for its capacity: an in-process member with 8 slots and 4 calls is
            // as busy as a server with 2 of 4.
            candidates.sort { load($0) < load($1) }
            let best = candidates[0]
            if endpoints[best].inFlight < capacity(best) {
                endpoints[best].inFlight += 1
                endpoints[best].requests += 1
                return (best, endpoints[best].client)
            }
            await withCheckedContinuation { waiters.append($0) }
        }
    }

    private func capacity(_ i: Int) -> Int { endpoints[i].client.capacity ?? maxInFlight }

    private func load(_ i: Int) -> Double { Double(endpoints[i].inFlight) / Double(capacity(i)) }

    private func release(_ i: Int, seconds: Double, error: Error?) {
        endpoints[i].inFlight -= 1
        if let error, !(error is CancellationError) {
            markFailed(i, error)
        } else if seconds > 0 {
            endpoints[i].failuresInARow = 0
            if endpoints[i].seconds.count < 4096 { endpoints[i].seconds.append(seconds) }
        }
        for w in waiters { w.resume() }
        waiters.removeAll()
    }

    private static func now() -> Double { ProcessInfo.processInfo.systemUptime }

    private func markFailed(_ i: Int, _ error: Error) {
        endpoints[i].failures += 1
        endpoints[i].failuresInARow += 1
        endpoints[i].lastError = "\(error)"
        let backoff = min(maxBackoffSeconds, pow(2, Double(endpoints[i].failuresInARow - 1)))
        endpoints[i].downUntil = Self.now() + backoff
        Log.warning("local model endpoint \(endpoints[i].client.baseURL) taken out for \(String(format: "%g", backoff)) s: \(error)")
    }
}
