import Foundation
import TandemCore
import TandemRuntime

/// The bulk workload: one long shared instruction (the system prompt) and many short items,
/// generated deterministically so every side gets exactly the same prompts.
struct BulkWorkload: Sendable {
    let instruction: String
    /// Tokens of the instruction alone, as the model tokenizes it.
    let instructionTokens: Int
    let items: [String]
    let warmupItems: [String]
    let maxTokens: Int

    private static let categories = ["produce", "dairy", "bakery", "meat", "seafood", "frozen", "pantry", "snacks",
                                     "beverages", "household", "personal care", "pets", "baby", "alcohol", "deli", "other"]
    private static let adjectives = ["organic", "fresh", "frozen", "low-fat", "family size", "unsweetened", "smoked", "whole grain",
                                     "sparkling", "gluten-free", "extra large", "mild", "spicy", "vanilla", "roasted", "classic"]
    private static let nouns = ["whole milk", "sourdough loaf", "chicken thighs", "salmon fillet", "green peas", "olive oil",
                                "potato chips", "orange juice", "paper towels", "toothpaste", "dog food", "baby wipes",
                                "red wine", "sliced turkey", "bananas", "greek yogurt", "coffee beans", "dish soap",
                                "cheddar cheese", "pasta sauce", "ice cream", "cat litter", "almond butter", "lager"]
    private static let stores = ["Northside Market", "Corner Grocer", "FreshMart", "Harbor Foods", "Valley Co-op", "City Express"]

    /// A workload with an instruction of about `prefixTokens` tokens and `count` items.
    static func make(tokenizer: Tokenizer, prefixTokens: Int, count: Int, warmup: Int, maxTokens: Int) throws -> BulkWorkload {
        var text = "You sort purchase lines from shop receipts into one category each. Answer with the category name only, in lower case, with no other words.\n\nCategories:\n"
        text += categories.map { "- \($0)" }.joined(separator: "\n") + "\n\nGuidelines:\n"
        var rng = SeededRandom(seed: 0xB0_1C)
        var rule = 1
        // Grow the guideline list until the instruction reaches the wanted length.
        while try tokenizer.tokenize(text, addSpecial: false, parseSpecial: false).count < prefixTokens {
            let c = categories[Int.random(in: 0..<categories.count, using: &rng)]
            let a = adjectives[Int.random(in: 0..<adjectives.count, using: &rng)]
            let n = nouns[Int.random(in: 0..<nouns.count, using: &rng)]
            text += "\(rule). A line that names \(a) \(n) or anything sold next to it belongs to \(c) unless the line says otherwise.\n"
            rule += 1
        }
        let tokens = try tokenizer.tokenize(text, addSpecial: false, parseSpecial: false).count
        func item(_ i: Int) -> String {
            let a = adjectives[Int.random(in: 0..<adjectives.count, using: &rng)]
            let n = nouns[Int.random(in: 0..<nouns.count, using: &rng)]
            let s = stores[Int.random(in: 0..<stores.count, using: &rng)]
            let qty = Int.random(in: 1...6, using: &rng)
            let cents = Int.random(in: 99...2999, using: &rng)
            return "Line \(i): \(qty) x \(a) \(n) at \(s), \(cents / 100).\(String(format: "%02d", cents % 100)) each"
        }
        let items = (1...count).map(item)
        let warmups = (1...max(warmup, 1)).map { item(count + $0) }
        return BulkWorkload(instruction: text, instructionTokens: tokens, items: items, warmupItems: warmups, maxTokens: maxTokens)
    }

    /// The chat messages for one item.
    func messages(_ item: String) -> [ChatMessage] { [.system(instruction), .user(item)] }
}

/// One bulk run: items done, wall time, per-item TTFT.
struct BulkMeasurement: Sendable {
    let items: Int
    let seconds: Double
    let ttft: Statistics

    var itemsPerSecond: Double { seconds > 0 ? Double(items) / seconds : 0 }

    var json: JSONValue {
        ["items": .number(Double(items)), "seconds": .number(seconds), "items_per_s": .number(itemsPerSecond),
         "ttft_p50_s": .number(ttft.median), "ttft_p95_s": .number(ttft.percentile(95))]
    }
}

/// Runs `body` over `items` with at most `limit` in flight; returns the TTFTs and the wall time.
func measureConcurrently<Item: Sendable>(_ items: [Item], limit: Int, progress: ProgressBar?,
                                         _ body: @escaping @Sendable (Item) async throws -> Double) async throws -> BulkMeasurement {
    let start = Date()
    var ttfts: [Double] = []
    try await withThrowingTaskGroup(of: Double.self) { group in
        var next = 0
        while next < min(limit, items.count) {
            let item = items[next]
            group.addTask { try await body(item) }
            next += 1
        }
        while let ttft = try await group.next() {
            ttfts.append(ttft)
            progress?.advance()
            if next < items.count {
                let item = items[next]
                group.addTask { try await body(item) }
                next += 1
            }
        }
    }
    return BulkMeasurement(items: items.count, seconds: Date().timeIntervalSince(start), ttft: Statistics(ttfts))
}
