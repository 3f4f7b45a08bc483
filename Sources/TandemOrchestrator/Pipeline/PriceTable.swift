import Foundation
import TandemCore

/// What a cloud model charges, in US dollars per million tokens.
public struct ModelPrice: Sendable, Equatable {
    /// The model's name.
    public var name: String
    /// Dollars per million prompt tokens.
    public var inputPerMillion: Double
    /// Dollars per million generated tokens.
    public var outputPerMillion: Double

    /// Creates a price.
    public init(name: String, inputPerMillion: Double, outputPerMillion: Double) {
        self.name = name
        self.inputPerMillion = inputPerMillion
        self.outputPerMillion = outputPerMillion
    }

    /// The dollar cost of `usage`.
    public func cost(_ usage: TokenUsage) -> Double {
        Double(usage.promptTokens) * inputPerMillion / 1e6 + Double(usage.generatedTokens) * outputPerMillion / 1e6
    }
}

/// Cloud prices to compare a local run against: `{"models": [{"name", "input_per_million",
/// "output_per_million"}]}`. List prices change: edit `config/prices.json` or pass `--prices`.
public struct PriceTable: Sendable, Equatable {
    /// The models, in display order.
    public var models: [ModelPrice]

    /// Creates a table.
    public init(models: [ModelPrice]) { self.models = models }

    /// List prices of a few common models (USD per 1M tokens, as published in 2025).
    public static let defaults = PriceTable(models: [
        ModelPrice(name: "gpt-4o-mini", inputPerMillion: 0.15, outputPerMillion: 0.60),
        ModelPrice(name: "gpt-4.1-mini", inputPerMillion: 0.40, outputPerMillion: 1.60),
        ModelPrice(name: "gpt-4o", inputPerMillion: 2.50, outputPerMillion: 10.00),
        ModelPrice(name: "claude-3-5-haiku", inputPerMillion: 0.80, outputPerMillion: 4.00),
        ModelPrice(name: "claude-sonnet-4", inputPerMillion: 3.00, outputPerMillion: 15.00),
    ])

    /// Reads a price file.
    public static func load(path: String) throws(PipelineError) -> PriceTable {
        let json: JSONValue
        do { json = try JSONParser.parse(bytes: Array(try Data(contentsOf: URL(fileURLWithPath: path)))) } catch {
            throw .io(path, "cannot read the price table: \(error)")
        }
        return try parse(json, source: path)
    }

    /// Parses a price table's JSON.
    public static func parse(_ json: JSONValue, source: String) throws(PipelineError) -> PriceTable {
        guard let list = json["models"]?.arrayValue, !list.isEmpty else {
            throw .io(source, "a price table is {\"models\": [{\"name\", \"input_per_million\", \"output_per_million\"}, ...]}")
        }
        var models: [ModelPrice] = []
        for (i, entry) in list.enumerated() {
            guard let name = entry["name"]?.stringValue, let input = entry["input_per_million"]?.doubleValue,
                  let output = entry["output_per_million"]?.doubleValue, input >= 0, output >= 0 else {
                throw .io(source, "models[\(i)] needs a name and non-negative input_per_million and output_per_million")
            }
            models.append(ModelPrice(name: name, inputPerMillion: input, outputPerMillion: output))
        }
        return PriceTable(models: models)
    }
}
