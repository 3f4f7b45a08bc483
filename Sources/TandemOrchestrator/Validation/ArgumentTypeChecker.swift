import TandemCore

/// What a reference's path finds in a JSON Schema.
enum SchemaLookup {
    /// The schema of the value at the path.
    case found(JSONValue)
    /// The schema does not say (open object, no schema): accept anything.
    case unknown
    /// The path cannot exist: `message` says why.
    case missing(String)
}

/// Type checks a step's argument template against its tool's argument schema.
///
/// Literal parts are checked in full; a reference is checked by the type its source declares
/// (an input's schema, or the referenced tool's result schema at the reference's path).
struct ArgumentTypeChecker {
    let checker: JSONSchemaChecker
    /// The schema of a reference's value, nil when unknown.
    let schemaOf: (PlanReference) -> JSONValue?

    /// Walks `path` through `schema` (resolving `$ref`s against `root`).
    static func lookup(_ path: [PlanReference.PathComponent], in schema: JSONValue, root: JSONSchemaChecker) -> SchemaLookup {
        var current = root.dereferenced(schema)
        var walked = ""
        for component in path {
            if current.objectValue?.isEmpty ?? true { return .unknown }
            let types = JSONSchemaChecker.types(of: current)
            switch component {
            case .key(let key):
                if let types, !types.contains("object") {
                    return .missing("'\(walked.isEmpty ? "the result" : walked)' is \(types.sorted().joined(separator: " or ")), which has no field '\(key)'")
                }
                let properties = current["properties"]?.objectValue ?? []
                if let sub = properties.first(where: { $0.0 == key })?.1 {
                    current = root.dereferenced(sub)
                } else if let extra = current["additionalProperties"], extra.objectValue != nil {
                    current = root.dereferenced(extra)
                } else if properties.isEmpty || current["additionalProperties"] == .bool(true) {
                    return .unknown
                } else {
                    let known = properties.map(\.0).joined(separator: ", ")
                    return .missing("'\(walked.isEmpty ? "the result" : walked)' has no field '\(key)'; it has: \(known)")
                }
            case .index:
                if let types, !types.contains("array") {
                    return .missing("'\(walked.isEmpty ? "the result" : walked)' is \(types.sorted().joined(separator: " or ")), not an array")
                }
                guard let items = current["items"] else { return .unknown }
                current = root.dereferenced(items)
            }
            walked += component.description
        }
        return .found(current)
    }

    /// Problems as (pointer, message).
    func check(_ template: ArgumentTemplate, against rawSchema: JSONValue, pointer: String) -> [(String, String)] {
        let schema = checker.dereferenced(rawSchema)
        let wanted = JSONSchemaChecker.types(of: schema)
        switch template {
        case .literal(let value):
            return checker.violations(of: value, against: schema, pointer: pointer).map { ($0.pointer, $0.message) }
        case .reference(let reference):
            guard let wanted, let source = schemaOf(reference),
                  let have = JSONSchemaChecker.types(of: checker.dereferenced(source)) else { return [] }
            let compatible = have.contains { JSONSchemaChecker.type($0, satisfies: wanted) || ($0 == "number" && wanted.contains("integer")) }
            if compatible { return [] }
            return [(pointer, "expects \(wanted.sorted().joined(separator: " or ")) but \(reference) is \(have.sorted().joined(separator: " or "))")]
        case .interpolation:
            if let wanted, !wanted.contains("string") {
                return [(pointer, "expects \(wanted.sorted().joined(separator: " or ")) but text with embedded references is a string; make the reference the whole value to keep its type")]
            }
            return []
        case .array(let items):
            if let wanted, !wanted.contains("array") {
                return [(pointer, "expects \(wanted.sorted().joined(separator: " or ")), got array")]
            }
            var out: [(String, String)] = []
            if let itemSchema = schema["items"] {
                for (i, item) in items.enumerated() {
                    out += check(item, against: itemSchema, pointer: JSONPointer.appending(pointer, i))
                }
            }
            return out
        case .object(let pairs):
            if let wanted, !wanted.contains("object") {
                return [(pointer, "expects \(wanted.sorted().joined(separator: " or ")), got object")]
            }
            return checkObject(pairs, schema, pointer: pointer)
        }
    }

    private func checkObject(_ pairs: [(String, ArgumentTemplate)], _ schema: JSONValue, pointer: String) -> [(String, String)] {
        var out: [(String, String)] = []
        let properties = schema["properties"]?.objectValue ?? []
        for name in schema["required"]?.arrayValue?.compactMap(\.stringValue) ?? [] where !pairs.contains(where: { $0.0 == name }) {
            out.append((pointer, "missing required argument \"\(name)\""))
        }
        for (key, value) in pairs {
            let at = JSONPointer.appending(pointer, key)
            if let sub = properties.first(where: { $0.0 == key })?.1 {
                out += check(value, against: sub, pointer: at)
            } else if let extra = schema["additionalProperties"] {
                if extra == .bool(false) {
                    out.append((at, "unexpected argument \"\(key)\"; allowed: \(properties.map(\.0).joined(separator: ", "))"))
                } else if extra.objectValue != nil {
                    out += check(value, against: extra, pointer: at)
                }
            }
        }
        return out
    }
}
