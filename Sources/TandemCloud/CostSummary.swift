/// Ledger totals for one model (or for all of them).
public struct ModelCostTotals: Sendable, Equatable {
    /// The model name (`total` for the grand total).
    public var model: String
    /// Requests recorded.
    public var requests: Int = 0
    /// Requests whose outcome was not `ok` (a local call that threw, a remote answer of the wrong shape).
    public var failures: Int = 0
    /// Input tokens, summed.
    public var inputTokens: Int = 0
    /// Output tokens, summed.
    public var outputTokens: Int = 0
    /// Dollars, summed over priced requests.
    public var costUSD: Double = 0
    /// Requests whose model had no price (their cost is not in `costUSD`).
    public var unpricedRequests: Int = 0

    /// Empty totals for `model`.
    public init(model: String) { self.model = model }

    /// Adds one entry.
    public mutating func add(_ entry: CostLedgerEntry) {
        requests += 1
        if entry.isFailure { failures += 1 }
        inputTokens += entry.usage.inputTokens
        outputTokens += entry.usage.outputTokens
        if let cost = entry.costUSD { costUSD += cost } else { unpricedRequests += 1 }
    }
}

/// What `tandem cost` prints: totals per model, the grand total, and lines it could not read.
public struct CostSummary: Sendable, Equatable {
    /// Per-model totals, sorted by model name.
    public var models: [ModelCostTotals]
    /// All models together.
    public var total: ModelCostTotals
    /// Lines that were not ledger entries (kept out of the totals, counted here).
    public var skippedLines: Int
    /// Per pool server (entries that name an `endpoint`), keyed by its URL in `model`.
    public var endpoints: [ModelCostTotals]

    /// Totals over `entries`.
    public init(entries: [CostLedgerEntry], skippedLines: Int = 0) {
        var byModel: [String: ModelCostTotals] = [:]
        var byEndpoint: [String: ModelCostTotals] = [:]
        var total = ModelCostTotals(model: "total")
        for entry in entries {
            byModel[entry.model, default: ModelCostTotals(model: entry.model)].add(entry)
            if let url = entry.endpoint { byEndpoint[url, default: ModelCostTotals(model: url)].add(entry) }
            total.add(entry)
        }
        self.models = byModel.values.sorted { $0.model < $1.model }
        self.endpoints = byEndpoint.values.sorted { $0.model < $1.model }
        self.total = total
        self.skippedLines = skippedLines
    }

    /// The totals of `model` (nil when the ledger never saw it).
    public func totals(for model: String) -> ModelCostTotals? { models.first { $0.model == model } }

    /// The totals of the pool server at `url` (nil when the ledger never saw it answer).
    public func totals(forEndpoint url: String) -> ModelCostTotals? { endpoints.first { $0.model == url } }
}
