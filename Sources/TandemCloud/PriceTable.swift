import Foundation
import TandemCore

/// What one model costs, in US dollars per million tokens.
public struct ModelPrice: Sendable, Equatable {
    /// Dollars per 1M input (prompt) tokens.
    public var inputPerMillion: Double
    /// Dollars per 1M output (completion) tokens.
    public var outputPerMillion: Double

    /// A price.
    public init(inputPerMillion: Double, outputPerMillion: Double) {
        self.inputPerMillion = inputPerMillion
        self.outputPerMillion = outputPerMillion
    }

    /// The dollar cost of `usage`.
    public func cost(of usage: TokenUsage) -> Double {
        (Double(usage.inputTokens) * inputPerMillion + Double(usage.outputTokens) * outputPerMillion) / 1_000_000
    }
}

/// Prices per model, from config on top of built-in defaults.
///
/// Config JSON: `{"gpt-4o-mini": {"input_per_1m": 0.15, "output_per_1m": 0.60}, ...}`. A model
/// is priced by its exact name, else by the longest entry `E` such that the name starts with
/// `E-` (so `gpt-4o-mini-2024-07-18` gets `gpt-4o-mini`'s price). Unknown models are unpriced:
/// the ledger still counts their tokens and says the price is missing.
public struct PriceTable: Sendable, Equatable {
    /// Prices by model name.
    public var prices: [String: ModelPrice]

    /// A table of exactly `prices`.
    public init(prices: [String: ModelPrice]) { self.prices = prices }

    /// List prices published by OpenAI and Anthropic (USD per 1M tokens, standard tier, checked
    /// 2025); they change, so set current ones in config. Cache discounts are not modelled.
    public static let defaults = PriceTable(prices: [
        "gpt-4o": ModelPrice(inputPerMillion: 2.50, outputPerMillion: 10.00),
        "gpt-4o-mini": ModelPrice(inputPerMillion: 0.15, outputPerMillion: 0.60),
        "gpt-4.1": ModelPrice(inputPerMillion: 2.00, outputPerMillion: 8.00),
        "gpt-4.1-mini": ModelPrice(inputPerMillion: 0.40, outputPerMillion: 1.60),
        "gpt-4.1-nano": ModelPrice(inputPerMillion: 0.10, outputPerMillion: 0.40),
        "claude-3-5-haiku": ModelPrice(inputPerMillion: 0.80, outputPerMillion: 4.00),
        "claude-3-7-sonnet": ModelPrice(inputPerMillion: 3.00, outputPerMillion: 15.00),
        "claude-sonnet-4": ModelPrice(inputPerMillion: 3.00, outputPerMillion: 15.00),
        "claude-sonnet-4-5": ModelPrice(inputPerMillion: 3.00, outputPerMillion: 15.00),
        "claude-haiku-4-5": ModelPrice(inputPerMillion: 1.00, outputPerMillion: 5.00),
        "claude-opus-4": ModelPrice(inputPerMillion: 15.00, outputPerMillion: 75.00),
        "claude-opus-4-1": ModelPrice(inputPerMillion: 15.00, outputPerMillion: 75.00),
    ])

    /// `base` with the entries of a config object added or replaced.
    public init(json: JSONValue, base: PriceTable = .defaults) throws(CloudError) {
        // Parsed in a static function: Swift 6.3.1 -O over-releases an owned init parameter when
        // an init binds an array payload of it (`guard let pairs = json.objectValue`) and throws.
        self = try Self.merged(json, into: base)
    }

    private static func merged(_ json: JSONValue, into base: PriceTable) throws(CloudError) -> PriceTable {
        guard let pairs = json.objectValue else { throw .invalidConfig("prices must be an object of model names") }
        var prices = base.prices
        for (model, entry) in pairs {
            guard let input = entry["input_per_1m"]?.doubleValue, let output = entry["output_per_1m"]?.doubleValue,
                  input >= 0, output >= 0 else {
                throw .invalidConfig("prices.\(model) needs non-negative numbers input_per_1m and output_per_1m")
            }
            prices[model] = ModelPrice(inputPerMillion: input, outputPerMillion: output)
        }
        return PriceTable(prices: prices)
    }

    /// The price for `model`, or nil when it is not in the table.
    public func price(for model: String) -> ModelPrice? {
        if let exact = prices[model] { return exact }
        let family = prices.keys.filter { model.hasPrefix($0 + "-") }.max { $0.count < $1.count }
        return family.flatMap { prices[$0] }
    }
}
