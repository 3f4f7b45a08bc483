import TandemCore

/// Checks a JSON Schema and reduces it to `SchemaGrammarNode`s; every schema error is thrown here.
///
/// Unknown keywords are refused rather than skipped: a grammar that silently ignores `pattern` would
/// let a model write values the caller's schema forbids.
struct SchemaGrammarReader {
    private let root: JSONValue
    /// Schemas resolved through `$ref`, by canonical JSON pointer, in the order they were first used.
    private(set) var definitions: [(pointer: String, node: SchemaGrammarNode)] = []
    /// Locations being read right now: a `$ref` to one of them would never finish.
    private var readingPaths: [String] = []

    init(root: JSONValue) {
        self.root = root
    }

    /// The node for the whole schema.
    mutating func readRoot() throws(SchemaGrammarError) -> SchemaGrammarNode {
        try read(root, at: "")
    }

    /// The node for `schema`, found at JSON pointer `path`.
    mutating func read(_ schema: JSONValue, at path: String) throws(SchemaGrammarError) -> SchemaGrammarNode {
        let pairs: [(String, JSONValue)]
        switch schema {
        case .object(let p): pairs = p
        case .bool(true): throw .missingType(path: path)
        case .bool(false): throw .unsatisfiable("the schema is `false`, which no value matches", path: path)
        default: throw .notASchema(path: path)
        }
        guard readingPaths.count < SchemaKeywords.maxNesting else {
            throw .nestingTooDeep(limit: SchemaKeywords.maxNesting, path: path)
        }
        readingPaths.append(path)
        defer { readingPaths.removeLast() }

        for (key, _) in pairs where !SchemaKeywords.isKnown(key) {
            throw .unsupportedKeyword(key, path: path)
        }
        let constraints = pairs.map(\.0).filter(SchemaKeywords.isConstraint)
        let keywords = SchemaKeywordSet(constraints: constraints, path: path)

        if let reference = schema["$ref"] {
            try keywords.requireAlone("$ref")
            return try readReference(reference, at: path)
        }
        if schema["anyOf"] != nil || schema["oneOf"] != nil {
            let keyword = schema["anyOf"] != nil ? "anyOf" : "oneOf"
            try keywords.requireAlone(keyword)
            return try readAlternatives(schema[keyword]!, keyword: keyword, at: path)
        }
        let types = try readTypes(schema, keywords: keywords, at: path)
        if schema["enum"] != nil || schema["const"] != nil {
            return try readLiterals(schema, types: types, keywords: keywords, at: path)
        }
        for keyword in constraints {
            guard let applicable = SchemaKeywords.applicableTypes[keyword] else { continue }
            if applicable.isDisjoint(with: types) {
                throw .keywordNotApplicable(keyword, types: types, path: path)
            }
        }
        var nodes: [SchemaGrammarNode] = []
        for type in types {
            nodes.append(try readTyped(type, schema, at: path))
        }
        return nodes.count == 1 ? nodes[0] : .union(nodes)
    }

    /// The declared `type` names in order, or the one type the other keywords imply.
    private func readTypes(
        _ schema: JSONValue, keywords: SchemaKeywordSet, at path: String
    ) throws(SchemaGrammarError) -> [String] {
        let expected = "a type name or a non-empty array of distinct type names"
        switch schema["type"] {
        case .string(let name)?:
            guard SchemaKeywords.typeNames.contains(name) else { throw .unknownType(name, path: path) }
            return [name]
        case .array(let items)?:
            var names: [String] = []
            for item in items {
                guard let name = item.stringValue else { throw .invalidKeywordValue("type", path: path, expected: expected) }
                guard SchemaKeywords.typeNames.contains(name) else { throw .unknownType(name, path: path) }
                guard !names.contains(name) else { throw .invalidKeywordValue("type", path: path, expected: expected) }
                names.append(name)
            }
            guard !names.isEmpty else { throw .invalidKeywordValue("type", path: path, expected: expected) }
            return names
        case nil:
            // `enum`/`const` say everything by themselves; otherwise the keywords must point at one type.
            if schema["enum"] != nil || schema["const"] != nil { return [] }
            let implied = Set(keywords.constraints.compactMap { SchemaKeywords.applicableTypes[$0] })
            guard implied.count == 1, let family = implied.first else { throw .missingType(path: path) }
            return [family.contains("number") ? "number" : family.first!]
        default:
            throw .invalidKeywordValue("type", path: path, expected: expected)
        }
    }

    /// `enum` or `const`: the exact JSON values, checked against `type` when one is given.
    private func readLiterals(
        _ schema: JSONValue, types: [String], keywords: SchemaKeywordSet, at path: String
    ) throws(SchemaGrammarError) -> SchemaGrammarNode {
        let keyword = schema["enum"] != nil ? "enum" : "const"
        try keywords.requireAlone(keyword, besides: ["type"])
        var values: [JSONValue]
        if keyword == "const" {
            values = [schema["const"]!]
        } else {
            guard let items = schema["enum"]?.arrayValue else {
                throw .invalidKeywordValue("enum", path: path, expected: "an array of JSON values")
            }
            guard !items.isEmpty else { throw .emptyEnum(path: path) }
            values = []
            for item in items where !values.contains(item) { values.append(item) }
        }
        for value in values where !types.isEmpty {
            let type = value.typeName
            guard types.contains(type) || (type == "integer" && types.contains("number")) else {
                throw .valueNotOfType(JSONWriter.compact(value), types: types, path: path)
            }
        }
        return .literals(values)
    }

    /// `anyOf`/`oneOf`: a grammar cannot check "exactly one", so both become "any one of".
    private mutating func readAlternatives(
        _ value: JSONValue, keyword: String, at path: String
    ) throws(SchemaGrammarError) -> SchemaGrammarNode {
        guard let branches = value.arrayValue, !branches.isEmpty else {
            throw .invalidKeywordValue(keyword, path: path, expected: "a non-empty array of schemas")
        }
        var nodes: [SchemaGrammarNode] = []
        for (index, branch) in branches.enumerated() {
            let node = try read(branch, at: SchemaPointer.appending(SchemaPointer.appending(path, keyword), String(index)))
            if !nodes.contains(node) { nodes.append(node) }
        }
        return nodes.count == 1 ? nodes[0] : .union(nodes)
    }

    /// A local `$ref`, read once; a reference back into a schema being read is recursion.
    private mutating func readReference(
        _ value: JSONValue, at path: String
    ) throws(SchemaGrammarError) -> SchemaGrammarNode {
        guard let reference = value.stringValue else {
            throw .invalidKeywordValue("$ref", path: path, expected: "a string such as \"#/$defs/Name\"")
        }
        guard let (pointer, target) = SchemaPointer.resolve(reference, in: root) else {
            throw .unresolvableReference(reference, path: path)
        }
        if readingPaths.contains(pointer) { throw .recursiveReference(reference, path: path) }
        if !definitions.contains(where: { $0.pointer == pointer }) {
            let node = try read(target, at: pointer)
            definitions.append((pointer, node))
        }
        return .reference(pointer: pointer)
    }
}

/// The constraint keywords of one schema object, for checks about which may appear together.
struct SchemaKeywordSet {
    /// Keys that constrain the value (not annotations or `$defs`), in document order.
    let constraints: [String]
    let path: String

    /// Throws unless `keyword` (and those in `besides`) are the only constraints.
    func requireAlone(_ keyword: String, besides allowed: Set<String> = []) throws(SchemaGrammarError) {
        let others = constraints.filter { $0 != keyword && !allowed.contains($0) }
        if !others.isEmpty { throw .conflictingKeywords([keyword] + others, path: path) }
    }
}
