/// The rules of one grammar under construction: unique, valid names and the final GBNF text.
struct GBNFRuleSet {
    private var bodies: [String: String] = [:]
    private var rootBody: String?

    /// Defines a rule named after `preferredName` (made a valid GBNF name) and returns the name used.
    ///
    /// An existing rule with the same name and body is reused; a different one keeps its name and the
    /// new rule gets a numbered one (`total-kv-2`), so two properties called `a_b` and `a-b` coexist.
    mutating func define(_ preferredName: String, as body: String) -> String {
        let base = Self.ruleName(preferredName)
        var name = base, counter = 1
        while true {
            if !GBNFPrimitive.reservedNames.contains(name) {
                guard let existing = bodies[name] else { break }
                if existing == body { return name }
            }
            counter += 1
            name = "\(base)-\(counter)"
        }
        bodies[name] = body
        return name
    }

    /// Defines `root`, where generation starts.
    mutating func defineRoot(_ body: String) {
        rootBody = body
    }

    /// Adds `primitive` and the primitives it uses; returns its name.
    @discardableResult
    mutating func require(_ primitive: GBNFPrimitive) -> String {
        if bodies[primitive.name] == nil {
            bodies[primitive.name] = primitive.body
            for dependency in primitive.dependencies { require(dependency) }
        }
        return primitive.name
    }

    /// The grammar: `root` first, then the other rules by name (as llama.cpp lists them).
    var text: String {
        var lines = ["root ::= " + (rootBody ?? "")]
        for name in bodies.keys.sorted() { lines.append(name + " ::= " + bodies[name]!) }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `raw` as a GBNF rule name: runs of characters other than ASCII letters, digits and `-` become
    /// `-`; a name with no letter or digit left (`""`, `"日本"`) becomes `unnamed`.
    static func ruleName(_ raw: String) -> String {
        var name = ""
        var pendingDash = false
        for scalar in raw.unicodeScalars {
            if scalar.isASCII, scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "-" {
                if pendingDash { name += "-"; pendingDash = false }
                name.unicodeScalars.append(scalar)
            } else {
                pendingDash = true
            }
        }
        if pendingDash { name += "-" }
        return name.unicodeScalars.contains { $0 != "-" } ? name : "unnamed"
    }
}
