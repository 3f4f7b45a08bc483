import Foundation
import TandemCore

extension Plan {
    /// Parses plan JSON text; every structural problem is reported at once.
    public static func parse(_ text: String) throws(PlanValidationError) -> Plan {
        let json: JSONValue
        do { json = try JSONParser.parse(text) } catch {
            throw PlanValidationError(issues: [PlanIssue(.invalidJSON, pointer: "", "\(error); the plan must be one JSON object")])
        }
        return try decode(json)
    }

    /// Decodes a plan from parsed JSON; every structural problem is reported at once.
    public static func decode(_ json: JSONValue) throws(PlanValidationError) -> Plan {
        var decoder = PlanDecoder()
        let plan = decoder.decode(json)
        guard decoder.issues.isEmpty, let plan else { throw PlanValidationError(issues: decoder.issues) }
        return plan
    }
}

/// Reads plan JSON into `Plan`, collecting problems with pointers instead of stopping at the first.
///
/// Steps with structural problems are still returned (with placeholders) so the validator can go
/// on to find reference and cycle problems in the same pass; `brokenSteps` lists them.
struct PlanDecoder {
    private(set) var issues: [PlanIssue] = []
    private(set) var brokenSteps: Set<Int> = []

    private static let planKeys: Set<String> = ["version", "inputs", "steps", "output", "description", "name"]
    private static let stepKeys: Set<String> = ["id", "kind", "tool", "args", "after", "fallback", "timeout_ms",
                                                "retries", "map", "description"]
    private static let fallbackKeys: Set<String> = ["kind", "tool", "args"]

    mutating func decode(_ json: JSONValue) -> Plan? {
        guard let pairs = json.objectValue else {
            issues.append(PlanIssue(.schema, pointer: "", "a plan is a JSON object with version, inputs, steps and output; got \(json.typeName)"))
            return nil
        }
        unknownKeys(pairs, allowed: Self.planKeys, pointer: "", step: nil)
        var version = Plan.formatVersion
        switch json["version"] {
        case nil: issues.append(PlanIssue(.schema, pointer: "/version", "missing \"version\"; write \"version\": \(Plan.formatVersion)"))
        case .some(let v):
            if let n = v.intValue {
                version = n
                if n != Plan.formatVersion {
                    issues.append(PlanIssue(.unsupportedVersion, pointer: "/version", "plan version \(n) is not supported; this build reads version \(Plan.formatVersion)"))
                }
            } else {
                issues.append(PlanIssue(.schema, pointer: "/version", "\"version\" must be an integer, got \(v.typeName)"))
            }
        }
        let inputs = decodeInputs(json["inputs"])
        var steps: [PlanStep] = []
        switch json["steps"] {
        case .array(let items)?:
            steps.reserveCapacity(items.count)
            for (i, item) in items.enumerated() { steps.append(decodeStep(item, index: i)) }
        case .some(let other):
            issues.append(PlanIssue(.schema, pointer: "/steps", "\"steps\" must be an array of step objects, got \(other.typeName)"))
        case nil:
            issues.append(PlanIssue(.schema, pointer: "/steps", "missing \"steps\": a plan needs at least one step"))
        }
        return Plan(version: version, inputs: inputs, steps: steps, output: json["output"] ?? .null)
    }

    private mutating func decodeInputs(_ value: JSONValue?) -> [PlanInput] {
        guard let value, !value.isNull else { return [] }
        guard let pairs = value.objectValue else {
            issues.append(PlanIssue(.schema, pointer: "/inputs", "\"inputs\" must be an object of name → JSON Schema, got \(value.typeName)"))
            return []
        }
        var inputs: [PlanInput] = []
        for (name, schema) in pairs {
            let pointer = JSONPointer.appending("/inputs", name)
            if name.isEmpty || !name.allSatisfy(ReferenceSyntax.isNameCharacter) {
                issues.append(PlanIssue(.schema, pointer: pointer, "input name '\(name)' may use only letters, digits, '_' and '-'"))
            }
            if schema.objectValue == nil {
                issues.append(PlanIssue(.schema, pointer: pointer, "an input's value is a JSON Schema object (e.g. {\"type\": \"string\"}), got \(schema.typeName)"))
            }
            inputs.append(PlanInput(name: name, schema: schema.objectValue == nil ? [:] : schema))
        }
        return inputs
    }

    private mutating func decodeStep(_ value: JSONValue, index: Int) -> PlanStep {
        let pointer = JSONPointer.appending("/steps", index)
        let before = issues.count
        defer { if issues.count > before { brokenSteps.insert(index) } }
        guard let pairs = value.objectValue else {
            issues.append(PlanIssue(.schema, pointer: pointer, "a step is an object with id, kind, tool and args; got \(value.typeName)"))
            return PlanStep(id: "#\(index)", kind: "", tool: "")
        }
        let id = value["id"]?.stringValue ?? ""
        let stepName: String? = id.isEmpty ? nil : id
        unknownKeys(pairs, allowed: Self.stepKeys, pointer: pointer, step: stepName)
        if value["id"]?.stringValue == nil {
            issues.append(PlanIssue(.schema, pointer: pointer + "/id", "every step needs a string \"id\""))
        } else if id.isEmpty || !id.allSatisfy(ReferenceSyntax.isNameCharacter) {
            issues.append(PlanIssue(.schema, step: stepName, pointer: pointer + "/id", "step id '\(id)' may use only letters, digits, '_' and '-'"))
        }
        let kind = requiredString(value, "kind", pointer: pointer, step: stepName, hint: "one of \(StepKind.known.map(\.rawValue).joined(separator: ", "))")
        let tool = requiredString(value, "tool", pointer: pointer, step: stepName, hint: "a tool name from `tandem plan tools`")
        var args: JSONValue = [:]
        if let a = value["args"] {
            if a.objectValue != nil { args = a } else {
                issues.append(PlanIssue(.schema, step: stepName, pointer: pointer + "/args", "\"args\" must be an object, got \(a.typeName)"))
            }
        }
        var after: [String] = []
        if let a = value["after"] {
            if let items = a.arrayValue, items.allSatisfy({ $0.stringValue != nil }) {
                after = items.compactMap(\.stringValue)
            } else {
                issues.append(PlanIssue(.schema, step: stepName, pointer: pointer + "/after", "\"after\" must be an array of step ids"))
            }
        }
        let timeout = optionalInt(value, "timeout_ms", in: 1...86_400_000, pointer: pointer, step: stepName)
        let retries = optionalInt(value, "retries", in: 0...10, pointer: pointer, step: stepName)
        var map: String?
        if let m = value["map"] {
            if let s = m.stringValue, s.hasPrefix("{{"), s.hasSuffix("}}") { map = s } else {
                issues.append(PlanIssue(.schema, step: stepName, pointer: pointer + "/map", "\"map\" must be one reference to an array, e.g. \"{{step:items.items}}\""))
            }
        }
        return PlanStep(id: id.isEmpty ? "#\(index)" : id, kind: StepKind(rawValue: kind), tool: tool, args: args,
                        after: after, fallback: decodeFallback(value["fallback"], pointer: pointer + "/fallback", step: stepName),
                        timeoutMs: timeout, retries: retries, map: map)
    }

    private mutating func decodeFallback(_ value: JSONValue?, pointer: String, step: String?) -> StepFallback? {
        guard let value, !value.isNull else { return nil }
        if let tool = value.stringValue { return StepFallback(tool: tool) }
        guard let pairs = value.objectValue, let tool = value["tool"]?.stringValue else {
            issues.append(PlanIssue(.schema, step: step, pointer: pointer, "\"fallback\" is a tool name or {\"tool\", \"kind\"?, \"args\"?}"))
            return nil
        }
        unknownKeys(pairs, allowed: Self.fallbackKeys, pointer: pointer, step: step)
        let kind = value["kind"]?.stringValue.map { StepKind(rawValue: $0) }
        if let args = value["args"], args.objectValue == nil {
            issues.append(PlanIssue(.schema, step: step, pointer: pointer + "/args", "fallback \"args\" must be an object"))
        }
        return StepFallback(kind: kind, tool: tool, args: value["args"]?.objectValue != nil ? value["args"] : nil)
    }

    private mutating func requiredString(_ value: JSONValue, _ key: String, pointer: String, step: String?, hint: String) -> String {
        if let s = value[key]?.stringValue, !s.isEmpty { return s }
        issues.append(PlanIssue(.schema, step: step, pointer: pointer + "/" + key, "every step needs a non-empty string \"\(key)\": \(hint)"))
        return ""
    }

    private mutating func optionalInt(_ value: JSONValue, _ key: String, in range: ClosedRange<Int>, pointer: String, step: String?) -> Int? {
        guard let v = value[key], !v.isNull else { return nil }
        guard let n = v.intValue, range.contains(n) else {
            issues.append(PlanIssue(.schema, step: step, pointer: pointer + "/" + key, "\"\(key)\" must be an integer in \(range.lowerBound)...\(range.upperBound), got \(v)"))
            return nil
        }
        return n
    }

    private mutating func unknownKeys(_ pairs: [(String, JSONValue)], allowed: Set<String>, pointer: String, step: String?) {
        for (key, _) in pairs where !allowed.contains(key) {
            let known = allowed.sorted().joined(separator: ", ")
            issues.append(PlanIssue(.schema, step: step, pointer: JSONPointer.appending(pointer, key), "unknown key \"\(key)\"; allowed: \(known)"))
        }
    }
}
