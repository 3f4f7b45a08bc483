import TandemCore

/// Checks a JSON value against the JSON Schema subset that structured-output APIs accept.
///
/// A cloud model's "strict" output is a promise, and OpenAI-compatible servers differ in how
/// well they keep it, so answers are checked here before anyone relies on them. Supported:
/// `type` (one or a list), `enum`, `const`, `properties`, `required`, `additionalProperties`
/// (bool or schema), `items`, `minItems`, `maxItems`, `minLength`, `maxLength`, `minimum`,
/// `maximum`, `anyOf`, `oneOf`, `allOf`, and local `$ref` (`#/$defs/...`, `#/definitions/...`).
/// Other keywords are ignored.
public struct JSONSchemaValidator: Sendable {
    /// Where a value breaks the schema: a path like `$.steps[2].tool` and what is wrong.
    public struct Violation: Sendable, Equatable, CustomStringConvertible {
        /// The JSON path of the offending value.
        public let path: String
        /// What is wrong, in words.
        public let reason: String
        public var description: String { "\(path): \(reason)" }
    }

    private let root: JSONValue

    /// A validator for `schema`.
    public init(schema: JSONValue) { root = schema }

    /// The first violation in `value`, or nil when it matches.
    public func firstViolation(in value: JSONValue) -> Violation? {
        check(value, against: root, path: "$", depth: 0)
    }

    private func check(_ value: JSONValue, against schema: JSONValue, path: String, depth: Int) -> Violation? {
        guard depth < 64 else { return Violation(path: path, reason: "schema nesting or $ref cycle deeper than 64") }
        if case .bool(let allowed) = schema { return allowed ? nil : Violation(path: path, reason: "no value is allowed here") }
        if let ref = schema["$ref"]?.stringValue {
            guard let target = resolve(ref) else { return Violation(path: path, reason: "unresolvable $ref \(ref)") }
            return check(value, against: target, path: path, depth: depth + 1)
        }
        if let types = schema["type"], let problem = typeProblem(value, types) { return Violation(path: path, reason: problem) }
        if let options = schema["enum"]?.arrayValue, !options.contains(value) {
            return Violation(path: path, reason: "\(JSONWriter.compact(value)) is not one of \(JSONWriter.compact(.array(options)))")
        }
        if let constant = schema["const"], constant != value {
            return Violation(path: path, reason: "expected \(JSONWriter.compact(constant))")
        }
        if let all = schema["allOf"]?.arrayValue {
            for part in all { if let v = check(value, against: part, path: path, depth: depth + 1) { return v } }
        }
        for key in ["anyOf", "oneOf"] {
            if let options = schema[key]?.arrayValue,
               !options.contains(where: { check(value, against: $0, path: path, depth: depth + 1) == nil }) {
                return Violation(path: path, reason: "matches none of the \(key) alternatives")
            }
        }
        switch value {
        case .string(let s): return stringProblem(s, schema, path)
        case .number(let n): return numberProblem(n, schema, path)
        case .array(let items): return arrayProblem(items, schema, path, depth)
        case .object(let pairs): return objectProblem(pairs, schema, path, depth)
        default: return nil
        }
    }

    private func typeProblem(_ value: JSONValue, _ types: JSONValue) -> String? {
        let allowed = types.arrayValue?.compactMap(\.stringValue) ?? [types.stringValue].compactMap { $0 }
        let actual = value.typeName
        let matches = allowed.contains(actual) || (actual == "integer" && allowed.contains("number"))
        return matches ? nil : "expected \(allowed.joined(separator: " or ")), got \(actual)"
    }

    private func stringProblem(_ s: String, _ schema: JSONValue, _ path: String) -> Violation? {
        if let min = schema["minLength"]?.intValue, s.count < min {
            return Violation(path: path, reason: "string shorter than \(min) characters")
        }
        if let max = schema["maxLength"]?.intValue, s.count > max {
            return Violation(path: path, reason: "string longer than \(max) characters")
        }
        return nil
    }

    private func numberProblem(_ n: Double, _ schema: JSONValue, _ path: String) -> Violation? {
        if let min = schema["minimum"]?.doubleValue, n < min { return Violation(path: path, reason: "\(JSONWriter.number(n)) is below \(JSONWriter.number(min))") }
        if let max = schema["maximum"]?.doubleValue, n > max { return Violation(path: path, reason: "\(JSONWriter.number(n)) is above \(JSONWriter.number(max))") }
        return nil
    }

    private func arrayProblem(_ items: [JSONValue], _ schema: JSONValue, _ path: String, _ depth: Int) -> Violation? {
        if let min = schema["minItems"]?.intValue, items.count < min {
            return Violation(path: path, reason: "\(items.count) items, at least \(min) required")
        }
        if let max = schema["maxItems"]?.intValue, items.count > max {
            return Violation(path: path, reason: "\(items.count) items, at most \(max) allowed")
        }
        guard let itemSchema = schema["items"] else { return nil }
        for (i, item) in items.enumerated() {
            if let v = check(item, against: itemSchema, path: "\(path)[\(i)]", depth: depth + 1) { return v }
        }
        return nil
    }

    private func objectProblem(_ pairs: [(String, JSONValue)], _ schema: JSONValue, _ path: String, _ depth: Int) -> Violation? {
        let properties = schema["properties"]?.objectValue ?? []
        for name in schema["required"]?.arrayValue?.compactMap(\.stringValue) ?? [] where !pairs.contains(where: { $0.0 == name }) {
            return Violation(path: path, reason: "missing required property \"\(name)\"")
        }
        for (key, item) in pairs {
            let childPath = path + "." + key
            if let propertySchema = properties.first(where: { $0.0 == key })?.1 {
                if let v = check(item, against: propertySchema, path: childPath, depth: depth + 1) { return v }
            } else if let extra = schema["additionalProperties"] {
                if case .bool(false) = extra { return Violation(path: path, reason: "unexpected property \"\(key)\"") }
                if let v = check(item, against: extra, path: childPath, depth: depth + 1) { return v }
            }
        }
        return nil
    }

    /// Resolves a local JSON pointer (`#/$defs/Step`) against the root schema.
    private func resolve(_ ref: String) -> JSONValue? {
        guard ref.hasPrefix("#") else { return nil }
        var node = root
        for token in ref.dropFirst().split(separator: "/") {
            let key = String(token).replacing("~1", with: "/").replacing("~0", with: "~")
            if let index = Int(key), let element = node[index] { node = element; continue }
            guard let next = node[key] else { return nil }
            node = next
        }
        return node
    }
}
