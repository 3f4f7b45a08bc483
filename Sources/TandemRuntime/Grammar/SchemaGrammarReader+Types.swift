import TandemCore

/// The keywords of each JSON type: strings, numbers, arrays and objects.
extension SchemaGrammarReader {
    /// The node for one `type` of `schema` (a schema with a `type` array is read once per type).
    mutating func readTyped(_ type: String, _ schema: JSONValue, at path: String) throws(SchemaGrammarError) -> SchemaGrammarNode {
        switch type {
        case "string": return try readString(schema, at: path)
        case "integer": return try readInteger(schema, at: path)
        case "number": return try readNumber(schema, at: path)
        case "boolean": return .boolean
        case "null": return .null
        case "array": return try readArray(schema, at: path)
        case "object": return try readObject(schema, at: path)
        default: throw .unknownType(type, path: path)
        }
    }

    private func readString(_ schema: JSONValue, at path: String) throws(SchemaGrammarError) -> SchemaGrammarNode {
        let minLength = try repetitions("minLength", in: schema, at: path) ?? 0
        let maxLength = try repetitions("maxLength", in: schema, at: path)
        if let maxLength, minLength > maxLength {
            throw .unsatisfiable("minLength \(minLength) is greater than maxLength \(maxLength)", path: path)
        }
        guard let formatValue = schema["format"] else {
            return .string(minLength: minLength, maxLength: maxLength, format: nil)
        }
        guard let name = formatValue.stringValue else {
            throw .invalidKeywordValue("format", path: path, expected: "a string")
        }
        guard let format = SchemaStringFormat(rawValue: name) else { throw .unsupportedFormat(name, path: path) }
        // A format fixes the shape, and so the length; a length bound beside it is a mistake to report.
        if let lengthKeyword = ["minLength", "maxLength"].first(where: { schema[$0] != nil }) {
            throw .conflictingKeywords(["format", lengthKeyword], path: path)
        }
        return .string(minLength: 0, maxLength: nil, format: format)
    }

    private func readInteger(_ schema: JSONValue, at path: String) throws(SchemaGrammarError) -> SchemaGrammarNode {
        let bounds = try numericBounds(schema, at: path)
        // Exclusive and fractional bounds become inclusive integers: > 2.5 is >= 3, < 3 is <= 2.
        let lows = [bounds.minimum.map { $0.rounded(.up) }, bounds.exclusiveMinimum.map { $0.rounded(.down) + 1 }]
        let highs = [bounds.maximum.map { $0.rounded(.down) }, bounds.exclusiveMaximum.map { $0.rounded(.up) - 1 }]
        let low = lows.compactMap { $0 }.max(), high = highs.compactMap { $0 }.min()
        if let low, let high, low > high {
            throw .unsatisfiable("no integer lies between the lower and upper bounds", path: path)
        }
        return .integer(minimum: try clampedLow(low, at: path), maximum: try clampedHigh(high, at: path))
    }

    private func readNumber(_ schema: JSONValue, at path: String) throws(SchemaGrammarError) -> SchemaGrammarNode {
        let bounds = try numericBounds(schema, at: path)
        for (keyword, value) in bounds.named where value.rounded() != value {
            throw .unsupportedKeywordValue(keyword, path: path, supported: "whole-number bounds on \"number\"; "
                + "use an integer unit (such as cents) with \"type\": \"integer\", or check the value after parsing")
        }
        // Of two bounds on one side the tighter wins; at equal values the exclusive one is tighter.
        func tighter(_ inclusive: Double?, _ exclusive: Double?, lower: Bool) -> (value: Double, isExclusive: Bool)? {
            switch (inclusive, exclusive) {
            case let (i?, e?): (lower ? e >= i : e <= i) ? (e, true) : (i, false)
            case let (i?, nil): (i, false)
            case let (nil, e?): (e, true)
            case (nil, nil): nil
            }
        }
        let low = tighter(bounds.minimum, bounds.exclusiveMinimum, lower: true)
        let high = tighter(bounds.maximum, bounds.exclusiveMaximum, lower: false)
        if let low, let high, low.value > high.value || (low.value == high.value && (low.isExclusive || high.isExclusive)) {
            throw .unsatisfiable("no number lies between the lower and upper bounds", path: path)
        }
        let lower = try clampedLow(low?.value, at: path).map { SchemaNumberBound(value: $0, isExclusive: low!.isExclusive) }
        let upper = try clampedHigh(high?.value, at: path).map { SchemaNumberBound(value: $0, isExclusive: high!.isExclusive) }
        return .number(lower: lower, upper: upper)
    }

    private mutating func readArray(_ schema: JSONValue, at path: String) throws(SchemaGrammarError) -> SchemaGrammarNode {
        guard let items = schema["items"] else { throw .missingKeyword("items", path: path) }
        if case .array = items {
            throw .unsupportedKeywordValue("items", path: path,
                                           supported: "one schema for every element (tuple-style item arrays are not)")
        }
        let minItems = try repetitions("minItems", in: schema, at: path) ?? 0
        let maxItems = try repetitions("maxItems", in: schema, at: path)
        if let maxItems, minItems > maxItems {
            throw .unsatisfiable("minItems \(minItems) is greater than maxItems \(maxItems)", path: path)
        }
        let node = try read(items, at: SchemaPointer.appending(path, "items"))
        return .array(items: node, minItems: minItems, maxItems: maxItems)
    }

    private mutating func readObject(_ schema: JSONValue, at path: String) throws(SchemaGrammarError) -> SchemaGrammarNode {
        let additional = schema["additionalProperties"]
        if let additional, additional != .bool(false) {
            throw .unsupportedKeywordValue("additionalProperties", path: path, supported: "false or absent "
                + "(only declared properties are generated; declare every property you need)")
        }
        let declared: [(String, JSONValue)]
        switch schema["properties"] {
        case .object(let pairs)?: declared = pairs
        case nil where additional != nil: declared = []  // "additionalProperties": false alone means {}
        case nil: throw .missingKeyword("properties", path: path)
        default: throw .invalidKeywordValue("properties", path: path, expected: "an object mapping names to schemas")
        }
        var required: Set<String> = []
        if let list = schema["required"] {
            let names = list.arrayValue?.compactMap(\.stringValue)
            guard let names, names.count == list.arrayValue?.count else {
                throw .invalidKeywordValue("required", path: path, expected: "an array of property names")
            }
            for name in names where !declared.contains(where: { $0.0 == name }) {
                throw .undeclaredRequiredProperty(name, path: path)
            }
            required = Set(names)
        }
        var properties: [SchemaGrammarProperty] = []
        let propertiesPath = SchemaPointer.appending(path, "properties")
        for (name, subschema) in declared {
            let node = try read(subschema, at: SchemaPointer.appending(propertiesPath, name))
            properties.append(SchemaGrammarProperty(name: name, node: node, isRequired: required.contains(name)))
        }
        return .object(properties)
    }

    /// A non-negative count that llama.cpp can repeat (`minLength`, `maxItems`, ...), or nil when absent.
    private func repetitions(_ keyword: String, in schema: JSONValue, at path: String) throws(SchemaGrammarError) -> Int? {
        guard let value = schema[keyword] else { return nil }
        guard let count = value.intValue, count >= 0 else {
            throw .invalidKeywordValue(keyword, path: path, expected: "a non-negative integer")
        }
        guard count <= SchemaKeywords.maxRepetitions else {
            throw .limitTooLarge(keyword, value: count, limit: SchemaKeywords.maxRepetitions, path: path)
        }
        return count
    }

    /// The numeric bound keywords as written; draft-4 boolean `exclusiveMinimum` is folded in.
    private func numericBounds(_ schema: JSONValue, at path: String) throws(SchemaGrammarError) -> SchemaNumericKeywords {
        var bounds = SchemaNumericKeywords()
        func number(_ keyword: String) throws(SchemaGrammarError) -> Double? {
            guard let value = schema[keyword] else { return nil }
            guard let n = value.doubleValue, n.isFinite else {
                throw .invalidKeywordValue(keyword, path: path, expected: "a number")
            }
            return n
        }
        // Draft 4 spells exclusivity as a boolean that makes the inclusive bound beside it exclusive.
        func exclusive(_ keyword: String, beside inclusive: inout Double?) throws(SchemaGrammarError) -> Double? {
            guard case .bool(let isExclusive)? = schema[keyword] else { return try number(keyword) }
            guard let bound = inclusive else {
                throw .invalidKeywordValue(keyword, path: path, expected: "a number (or true beside its bound, as in draft 4)")
            }
            guard isExclusive else { return nil }
            inclusive = nil
            return bound
        }
        bounds.minimum = try number("minimum")
        bounds.maximum = try number("maximum")
        bounds.exclusiveMinimum = try exclusive("exclusiveMinimum", beside: &bounds.minimum)
        bounds.exclusiveMaximum = try exclusive("exclusiveMaximum", beside: &bounds.maximum)
        return bounds
    }

    /// A lower bound as an Int; nil when it is below anything a grammar writes anyway.
    private func clampedLow(_ value: Double?, at path: String) throws(SchemaGrammarError) -> Int? {
        guard let value, value > -Double(SchemaKeywords.maxMagnitude) else { return nil }
        guard value <= Double(SchemaKeywords.maxMagnitude), Int(value) <= SchemaKeywords.maxMagnitude else {
            throw .unsatisfiable("the lower bound is above the largest number a grammar writes (16 digits)", path: path)
        }
        return Int(value)
    }

    /// An upper bound as an Int; nil when it is above anything a grammar writes anyway.
    private func clampedHigh(_ value: Double?, at path: String) throws(SchemaGrammarError) -> Int? {
        guard let value, value < Double(SchemaKeywords.maxMagnitude) else { return nil }
        guard value >= -Double(SchemaKeywords.maxMagnitude), Int(value) >= -SchemaKeywords.maxMagnitude else {
            throw .unsatisfiable("the upper bound is below the smallest number a grammar writes (16 digits)", path: path)
        }
        return Int(value)
    }
}

/// `minimum`, `maximum`, `exclusiveMinimum`, `exclusiveMaximum` as numbers (draft 4 booleans resolved).
struct SchemaNumericKeywords {
    var minimum: Double?
    var maximum: Double?
    var exclusiveMinimum: Double?
    var exclusiveMaximum: Double?

    /// The bounds that are present, with their keyword names (for error messages).
    var named: [(String, Double)] {
        [("minimum", minimum), ("maximum", maximum), ("exclusiveMinimum", exclusiveMinimum),
         ("exclusiveMaximum", exclusiveMaximum)].compactMap { name, value in value.map { (name, $0) } }
    }
}
