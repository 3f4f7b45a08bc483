import TandemCore
import TandemOrchestrator

extension FunctionRegistry {
    /// A registry with the built-in functions: `sum_amounts`, `total_by_category`, `check_total`,
    /// `normalize_date`, `currency_parse`.
    public static var standard: FunctionRegistry {
        var registry = FunctionRegistry()
        // The names are fixed and distinct, so registration cannot fail.
        try! registry.registerBuiltins()
        return registry
    }

    /// Registers the built-in functions.
    public mutating func registerBuiltins() throws(FunctionRegistryError) {
        let amountList: JSONValue = ["type": "array", "items": ["type": ["number", "string", "object", "null"]]]
        let numberOrText: JSONValue = ["type": ["number", "string", "null"]]

        try register(name: "sum_amounts",
                     description: "Adds up amounts: numbers, strings such as \"RM 3.90\", or objects whose `field` (default \"amount\") holds one. Unreadable entries are counted as skipped.",
                     args: ["type": "object", "required": ["amounts"], "additionalProperties": false,
                            "properties": ["amounts": amountList, "field": ["type": "string"]]],
                     result: ["type": "object", "required": ["total", "count", "skipped"],
                              "properties": ["total": ["type": "number"], "count": ["type": "integer"], "skipped": ["type": "integer"]]]) { args in
            let (total, count, skipped) = Self.sum(args["amounts"]?.arrayValue ?? [], field: args["field"]?.stringValue ?? "amount")
            return ["total": .number(total), "count": .number(Double(count)), "skipped": .number(Double(skipped))]
        }
        try registerCategoryTotals()

        try register(name: "check_total",
                     description: "Compares the sum of line-item amounts with a stated total; `matches` is true when they differ by at most `tolerance` (default 0.01), null when the total is unreadable.",
                     args: ["type": "object", "required": ["items", "total"], "additionalProperties": false,
                            "properties": ["items": amountList, "total": numberOrText,
                                           "tolerance": ["type": "number", "minimum": 0], "field": ["type": "string"]]],
                     result: ["type": "object", "required": ["items_total", "stated_total", "difference", "matches", "item_count"],
                              "properties": ["items_total": ["type": "number"], "stated_total": ["type": ["number", "null"]],
                                             "difference": ["type": ["number", "null"]], "matches": ["type": ["boolean", "null"]],
                                             "item_count": ["type": "integer"]]]) { args in
            let (sum, count, _) = Self.sum(args["items"]?.arrayValue ?? [], field: args["field"]?.stringValue ?? "amount")
            let stated = Self.amount(args["total"] ?? .null)
            let tolerance = args["tolerance"]?.doubleValue ?? 0.01
            let difference = stated.map { Self.cents($0 - sum) }
            let matches: JSONValue = difference.map { .bool(abs($0) <= tolerance + 1e-9) } ?? .null
            return ["items_total": .number(sum), "stated_total": stated.map { .number($0) } ?? .null,
                    "difference": difference.map { .number($0) } ?? .null, "matches": matches,
                    "item_count": .number(Double(count))]
        }

        try register(name: "normalize_date",
                     description: "Finds the first date in text (25/12/2018, 18-03-18, 2018/02/22, 05 MAR 2018, ...) and returns it as ISO yyyy-mm-dd; `order` \"dmy\" (default) or \"mdy\" settles all-numeric dates.",
                     args: ["type": "object", "required": ["text"], "additionalProperties": false,
                            "properties": ["text": ["type": ["string", "null"]], "order": ["type": "string", "enum": ["dmy", "mdy"]]]],
                     result: ["type": "object", "required": ["iso", "text"],
                              "properties": ["iso": ["type": ["string", "null"]], "text": ["type": ["string", "null"]]]]) { args in
            let order = DateNormalizer.Order(rawValue: args["order"]?.stringValue ?? "dmy") ?? .dayFirst
            guard let text = args["text"]?.stringValue, let found = DateNormalizer.firstDate(in: text, order: order) else {
                return ["iso": .null, "text": .null]
            }
            return ["iso": .string(found.iso), "text": .string(found.text)]
        }

        try register(name: "currency_parse",
                     description: "Reads a money amount such as \"RM 1,007.50\", \"$8.20\" or \"1.007,50\" into a number and its currency (null when absent).",
                     args: ["type": "object", "required": ["text"], "additionalProperties": false,
                            "properties": ["text": numberOrText]],
                     result: ["type": "object", "required": ["amount", "currency"],
                              "properties": ["amount": ["type": ["number", "null"]], "currency": ["type": ["string", "null"]]]]) { args in
            switch args["text"] {
            case .number(let n)?: return ["amount": .number(n), "currency": .null]
            case .string(let s)?:
                guard let parsed = AmountParser.parse(s) else { return ["amount": .null, "currency": .null] }
                return ["amount": .number(parsed.value), "currency": parsed.currency.map { .string($0) } ?? .null]
            default: return ["amount": .null, "currency": .null]
            }
        }
    }

    /// The amount a JSON value holds (number, or text with a number in it).
    static func amount(_ value: JSONValue) -> Double? {
        switch value {
        case .number(let n): n
        case .string(let s): AmountParser.value(s)
        default: nil
        }
    }

    private static func sum(_ items: [JSONValue], field: String) -> (Double, Int, Int) {
        var total = 0.0, count = 0, skipped = 0
        for item in items {
            let value = item.objectValue != nil ? item[field].flatMap(amount) : amount(item)
            if let value { total += value; count += 1 } else { skipped += 1 }
        }
        return (cents(total), count, skipped)
    }

    /// Rounds to 1/100 so binary floating point does not print 0.30000000000000004.
    private static func cents(_ x: Double) -> Double { (x * 100).rounded() / 100 }
}
