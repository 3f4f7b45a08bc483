import Foundation
import TandemCore

/// One place where a JSON value breaks its schema.
public struct SchemaViolation: Sendable, Equatable, CustomStringConvertible {
    /// RFC 6901 pointer into the checked value.
    public var pointer: String
    /// What is wrong.
    public var message: String
    /// `pointer: message`.
    public var description: String { "\(pointer.isEmpty ? "value" : pointer): \(message)" }
}

/// Checks JSON values against the JSON Schema subset that tools declare and grammars compile:
/// `type` (one or a list), `enum`, `const`, `properties`, `required`, `additionalProperties`,
/// `items`, `minItems`/`maxItems`, `minimum`/`maximum`/`exclusiveMinimum`/`exclusiveMaximum`,
/// `minLength`/`maxLength`, `pattern`, `anyOf`/`oneOf`/`allOf`, and local `$ref`s into `$defs`.
/// Unknown keywords are ignored, as the specification asks.
public struct JSONSchemaChecker: Sendable {
    /// The root schema (the target of `#` references).
    public let schema: JSONValue

    /// Creates a checker for `schema`.
    public init(schema: JSONValue) { self.schema = schema }

    /// Every violation, depth first.
    public func violations(of value: JSONValue, pointer: String = "") -> [SchemaViolation] {
        var out: [SchemaViolation] = []
        check(value, schema, pointer: pointer, depth: 0, into: &out)
        return out
    }

    /// Violations of `value` against `subschema`, a part of this checker's root schema.
    func violations(of value: JSONValue, against subschema: JSONValue, pointer: String) -> [SchemaViolation] {
        var out: [SchemaViolation] = []
        check(value, subschema, pointer: pointer, depth: 0, into: &out)
        return out
    }

    /// True when `value` satisfies the schema.
    public func isValid(_ value: JSONValue) -> Bool { violations(of: value).isEmpty }

    /// The `type` names a schema allows (nil when it does not say).
    static func types(of schema: JSONValue) -> Set<String>? {
        switch schema["type"] {
        case .string(let t)?: [t]
        case .array(let ts)?: Set(ts.compactMap(\.stringValue))
        default: nil
        }
    }

    /// Whether a value of JSON type `actual` satisfies a schema allowing `allowed` (integers are numbers).
    static func type(_ actual: String, satisfies allowed: Set<String>) -> Bool {
        allowed.contains(actual) || (actual == "integer" && allowed.contains("number"))
    }

    /// Follows `$ref` chains to the schema they name.
    func dereferenced(_ schema: JSONValue) -> JSONValue {
        var current = schema
        for _ in 0..<16 {
            guard let ref = current["$ref"]?.stringValue else { return current }
            guard let target = resolve(ref) else { return [:] }
            current = target
        }
        return current
    }

    private func resolve(_ ref: String) -> JSONValue? {
        guard ref.hasPrefix("#") else { return nil }
        var current = schema
        for raw in ref.dropFirst().split(separator: "/") {
            let key = raw.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            if let i = Int(key), let next = current[i] { current = next; continue }
            guard let next = current[key] else { return nil }
            current = next
        }
        return current
    }

    private func check(_ value: JSONValue, _ rawSchema: JSONValue, pointer: String, depth: Int, into out: inout [SchemaViolation]) {
        guard depth < 64 else { out.append(SchemaViolation(pointer: pointer, message: "nested too deeply to check")); return }
        if case .bool(let allowed) = rawSchema {
            if !allowed { out.append(SchemaViolation(pointer: pointer, message: "no value is allowed here")) }
            return
        }
        let s = dereferenced(rawSchema)
        if let allowed = Self.types(of: s), !Self.type(value.typeName, satisfies: allowed) {
            out.append(SchemaViolation(pointer: pointer, message: "expected \(allowed.sorted().joined(separator: " or ")), got \(value.typeName)"))
            return
        }
        if let options = s["enum"]?.arrayValue, !options.contains(value) {
            let list = options.prefix(12).map { JSONWriter.compact($0) }.joined(separator: ", ")
            out.append(SchemaViolation(pointer: pointer, message: "\(JSONWriter.compact(value).prefix(80)) is not one of \(list)"))
        }
        if let constant = s["const"], constant != value {
            out.append(SchemaViolation(pointer: pointer, message: "must be \(JSONWriter.compact(constant))"))
        }
        checkCombinators(value, s, pointer: pointer, depth: depth, into: &out)
        switch value {
        case .object(let pairs): checkObject(pairs, s, pointer: pointer, depth: depth, into: &out)
        case .array(let items): checkArray(items, s, pointer: pointer, depth: depth, into: &out)
        case .number(let n): checkNumber(n, s, pointer: pointer, into: &out)
        case .string(let str): checkString(str, s, pointer: pointer, into: &out)
        default: break
        }
    }

    private func checkCombinators(_ value: JSONValue, _ s: JSONValue, pointer: String, depth: Int, into out: inout [SchemaViolation]) {
        if let all = s["allOf"]?.arrayValue {
            for sub in all { check(value, sub, pointer: pointer, depth: depth + 1, into: &out) }
        }
        for key in ["anyOf", "oneOf"] {
            guard let options = s[key]?.arrayValue else { continue }
            var passing = 0
            var firstFailure: [SchemaViolation] = []
            for sub in options {
                var sink: [SchemaViolation] = []
                check(value, sub, pointer: pointer, depth: depth + 1, into: &sink)
                if sink.isEmpty { passing += 1 } else if firstFailure.isEmpty { firstFailure = sink }
            }
            if passing == 0 {
                let why = firstFailure.first.map { " (first option: \($0.message))" } ?? ""
                out.append(SchemaViolation(pointer: pointer, message: "matches none of the \(key) options\(why)"))
            } else if key == "oneOf" && passing > 1 {
                out.append(SchemaViolation(pointer: pointer, message: "matches \(passing) oneOf options; exactly one is allowed"))
            }
        }
    }

    private func checkObject(_ pairs: [(String, JSONValue)], _ s: JSONValue, pointer: String, depth: Int, into out: inout [SchemaViolation]) {
        let properties = s["properties"]?.objectValue ?? []
        for name in s["required"]?.arrayValue?.compactMap(\.stringValue) ?? [] where !pairs.contains(where: { $0.0 == name }) {
            out.append(SchemaViolation(pointer: pointer, message: "missing required field \"\(name)\""))
        }
        for (key, item) in pairs {
            let at = JSONPointer.appending(pointer, key)
            if let sub = properties.first(where: { $0.0 == key })?.1 {
                check(item, sub, pointer: at, depth: depth + 1, into: &out)
            } else if let extra = s["additionalProperties"] {
                if case .bool(false) = extra {
                    let known = properties.map(\.0).joined(separator: ", ")
                    out.append(SchemaViolation(pointer: at, message: "unexpected field \"\(key)\"; allowed: \(known)"))
                } else {
                    check(item, extra, pointer: at, depth: depth + 1, into: &out)
                }
            }
        }
    }

    private func checkArray(_ items: [JSONValue], _ s: JSONValue, pointer: String, depth: Int, into out: inout [SchemaViolation]) {
        if let min = s["minItems"]?.intValue, items.count < min {
            out.append(SchemaViolation(pointer: pointer, message: "needs at least \(min) items, has \(items.count)"))
        }
        if let max = s["maxItems"]?.intValue, items.count > max {
            out.append(SchemaViolation(pointer: pointer, message: "allows at most \(max) items, has \(items.count)"))
        }
        if let itemSchema = s["items"] {
            for (i, item) in items.enumerated() {
                check(item, itemSchema, pointer: JSONPointer.appending(pointer, i), depth: depth + 1, into: &out)
            }
        }
    }

    private func checkNumber(_ n: Double, _ s: JSONValue, pointer: String, into out: inout [SchemaViolation]) {
        let text = JSONWriter.number(n)
        if let min = s["minimum"]?.doubleValue, n < min { out.append(SchemaViolation(pointer: pointer, message: "\(text) is below the minimum \(JSONWriter.number(min))")) }
        if let max = s["maximum"]?.doubleValue, n > max { out.append(SchemaViolation(pointer: pointer, message: "\(text) is above the maximum \(JSONWriter.number(max))")) }
        if let min = s["exclusiveMinimum"]?.doubleValue, n <= min { out.append(SchemaViolation(pointer: pointer, message: "\(text) must be above \(JSONWriter.number(min))")) }
        if let max = s["exclusiveMaximum"]?.doubleValue, n >= max { out.append(SchemaViolation(pointer: pointer, message: "\(text) must be below \(JSONWriter.number(max))")) }
    }

    private func checkString(_ str: String, _ s: JSONValue, pointer: String, into out: inout [SchemaViolation]) {
        if let min = s["minLength"]?.intValue, str.count < min { out.append(SchemaViolation(pointer: pointer, message: "needs at least \(min) characters")) }
        if let max = s["maxLength"]?.intValue, str.count > max { out.append(SchemaViolation(pointer: pointer, message: "allows at most \(max) characters")) }
        if let pattern = s["pattern"]?.stringValue {
            if let regex = try? NSRegularExpression(pattern: pattern) {
                if regex.firstMatch(in: str, range: NSRange(str.startIndex..., in: str)) == nil {
                    out.append(SchemaViolation(pointer: pointer, message: "\"\(str.prefix(80))\" does not match /\(pattern)/"))
                }
            } else {
                out.append(SchemaViolation(pointer: pointer, message: "the schema's pattern /\(pattern)/ is not a valid regular expression"))
            }
        }
    }
}
