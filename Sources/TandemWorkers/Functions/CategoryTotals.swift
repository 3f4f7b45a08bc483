import Foundation
import TandemCore
import TandemOrchestrator

/// Line-item amounts summed per category, exactly.
///
/// Amounts are added as `Decimal`s made from their shortest decimal spelling, so 0.10 + 0.20 is
/// 0.30 and a receipt's per-category totals add up to its item total to the cent; binary `Double`
/// sums drift in the last digit and then disagree with the printed receipt.
struct CategoryTotals {
    /// The category given to an item that has no entry in the categories list.
    static let uncategorized = "uncategorized"

    /// Sum per category, first-seen order.
    private(set) var totals: [(category: String, amount: Decimal)] = []
    /// All amounts together.
    private(set) var total: Decimal = 0
    /// Items that had an amount.
    private(set) var count = 0
    /// Items with no readable amount: kept out of every sum, counted here.
    private(set) var withoutAmount = 0

    /// Pairs `items[i]` with `categories[i]` (the `categorize_items` result lists one entry per
    /// item, in item order) and adds each item's `field` amount to its category.
    init(items: [JSONValue], categories: [JSONValue], field: String) {
        for (index, item) in items.enumerated() {
            let category = index < categories.count ? Self.category(categories[index]) : Self.uncategorized
            guard let amount = Self.amount(item, field: field) else { withoutAmount += 1; continue }
            if let at = totals.firstIndex(where: { $0.category == category }) {
                totals[at].amount += amount
            } else {
                totals.append((category, amount))
            }
            total += amount
            count += 1
        }
    }

    /// `{"totals": {category: amount}, "total", "count", "without_amount"}`.
    var json: JSONValue {
        ["totals": .object(totals.map { ($0.category, .number(Self.double($0.amount))) }),
         "total": .number(Self.double(total)), "count": .number(Double(count)),
         "without_amount": .number(Double(withoutAmount))]
    }

    /// A categories entry: `{"category": ...}` as `categorize_items` returns it, or a bare label.
    private static func category(_ entry: JSONValue) -> String {
        let label = entry.stringValue ?? entry["category"]?.stringValue ?? ""
        return label.isEmpty ? uncategorized : label
    }

    /// The exact decimal amount of an item (an object's `field`, or the item itself).
    static func amount(_ item: JSONValue, field: String) -> Decimal? {
        let value = item.objectValue != nil ? item[field] : item
        guard let value, let double = FunctionRegistry.amount(value), double.isFinite else { return nil }
        // Swift prints a Double as the shortest text that reads back to it: the amount as written.
        return Decimal(string: "\(double)", locale: Locale(identifier: "en_US_POSIX"))
    }

    /// The Double nearest the decimal, through its text: `NSDecimalNumber.doubleValue` can be an
    /// ulp off, which would print 0.30000000000000004 again.
    static func double(_ decimal: Decimal) -> Double { Double(decimal.description) ?? 0 }
}

extension FunctionRegistry {
    /// Registers `total_by_category`.
    mutating func registerCategoryTotals() throws(FunctionRegistryError) {
        let list: JSONValue = ["type": "array", "items": ["type": ["number", "string", "object", "null"]]]
        try register(name: "total_by_category",
                     description: "Totals line-item amounts per category: `items` are the line items (objects whose `field`, default \"amount\", holds the amount), `categories` the categorize_items result for the same items, in the same order (or bare labels). Sums are exact in decimal; items without an amount are counted in `without_amount`, never summed; items with no category entry, or a null one, go to \"uncategorized\".",
                     args: ["type": "object", "required": ["items", "categories"], "additionalProperties": false,
                            "properties": ["items": list, "categories": ["type": "array", "items": ["type": ["string", "object"]]],
                                           "field": ["type": "string"]]],
                     result: ["type": "object", "required": ["totals", "total", "count", "without_amount"],
                              "properties": ["totals": ["type": "object", "additionalProperties": ["type": "number"]],
                                             "total": ["type": "number"], "count": ["type": "integer"],
                                             "without_amount": ["type": "integer"]]]) { args in
            CategoryTotals(items: args["items"]?.arrayValue ?? [], categories: args["categories"]?.arrayValue ?? [],
                           field: args["field"]?.stringValue ?? "amount").json
        }
    }
}
