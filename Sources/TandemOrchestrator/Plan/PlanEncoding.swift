import TandemCore

extension Plan: Codable {
    /// The plan as JSON, keys in the documented order.
    public var json: JSONValue {
        var pairs: [(String, JSONValue)] = [("version", .number(Double(version)))]
        pairs.append(("inputs", .object(inputs.map { ($0.name, $0.schema) })))
        pairs.append(("steps", .array(steps.map(\.json))))
        pairs.append(("output", output))
        return .object(pairs)
    }

    /// Decodes through the same path as `Plan.decode(_:)`, so Codable and the validator agree.
    public init(from decoder: any Decoder) throws {
        self = try Plan.decode(try JSONValue(from: decoder))
    }

    /// Encodes `json`.
    public func encode(to encoder: any Encoder) throws {
        try json.encode(to: encoder)
    }
}

extension PlanStep {
    /// The step as JSON; optional fields only when set.
    public var json: JSONValue {
        var pairs: [(String, JSONValue)] = [("id", .string(id)), ("kind", .string(kind.rawValue)),
                                            ("tool", .string(tool)), ("args", args)]
        if !after.isEmpty { pairs.append(("after", .array(after.map { .string($0) }))) }
        if let map { pairs.append(("map", .string(map))) }
        if let fallback {
            var f: [(String, JSONValue)] = [("tool", .string(fallback.tool))]
            if let kind = fallback.kind { f.insert(("kind", .string(kind.rawValue)), at: 0) }
            if let args = fallback.args { f.append(("args", args)) }
            pairs.append(("fallback", .object(f)))
        }
        if let timeoutMs { pairs.append(("timeout_ms", .number(Double(timeoutMs)))) }
        if let retries { pairs.append(("retries", .number(Double(retries)))) }
        return .object(pairs)
    }
}
