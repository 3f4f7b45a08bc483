import Foundation
import TandemCore

/// The cost of a run's tokens: $0 locally, against what a cloud-only pipeline would pay.
public struct CostTable: Sendable {
    /// One line of the table.
    public struct Row: Sendable {
        /// "local" or a cloud model's name.
        public var model: String
        /// Dollars for this run's tokens.
        public var cost: Double
        /// Dollars per 1,000 records at this run's token use.
        public var costPerThousandRecords: Double
    }

    /// Tokens priced: measured ones, or estimated ones when the model was off.
    public var usage: TokenUsage
    /// True when `usage` is an estimate (about four characters per token) rather than counted.
    public var isEstimate: Bool
    /// Local first, then each cloud model.
    public var rows: [Row]

    /// Prices `summary`'s tokens with `prices`.
    public init(summary: PipelineSummary, prices: PriceTable) {
        isEstimate = summary.usage.isZero
        usage = isEstimate ? summary.estimatedUsage : summary.usage
        let records = Double(max(summary.records, 1))
        rows = [Row(model: "local (this run)", cost: 0, costPerThousandRecords: 0)]
        for price in prices.models {
            let cost = price.cost(usage)
            rows.append(Row(model: price.name, cost: cost, costPerThousandRecords: cost / records * 1000))
        }
    }

    /// `{"tokens": {...}, "estimated": bool, "rows": [{"model", "usd", "usd_per_1000_records"}]}`.
    public var json: JSONValue {
        ["tokens": ["prompt": .number(Double(usage.promptTokens)), "generated": .number(Double(usage.generatedTokens))],
         "estimated": .bool(isEstimate),
         "rows": .array(rows.map { ["model": .string($0.model), "usd": .number(Self.round($0.cost)),
                                    "usd_per_1000_records": .number(Self.round($0.costPerThousandRecords))] })]
    }

    static func round(_ x: Double) -> Double { (x * 1e6).rounded() / 1e6 }
}
