import TandemCore

/// Turns checked `SchemaGrammarNode`s into GBNF rules.
///
/// Whitespace follows JSON's places (bar before a key's colon) but is one optional blank at most
/// (`space`), and every choice is decided by the next character or two, so llama.cpp keeps few
/// grammar stacks while sampling.
struct SchemaGrammarWriter {
    private var rules = GBNFRuleSet()
    private let definitions: [String: SchemaGrammarNode]
    private let maxStringLength: Int?
    /// Rule names already written for `$ref` targets, by JSON pointer.
    private var referenceSymbols: [String: String] = [:]

    init(definitions: [(pointer: String, node: SchemaGrammarNode)], maxStringLength: Int?) {
        self.definitions = Dictionary(definitions.map { ($0.pointer, $0.node) }, uniquingKeysWith: { first, _ in first })
        self.maxStringLength = maxStringLength
    }

    /// The complete grammar text with `node` as `root`.
    mutating func grammar(root node: SchemaGrammarNode) -> String {
        let symbol = write(node, name: "")
        if symbol != "root" { rules.defineRoot(symbol) }
        return rules.text
    }

    /// The symbol matching `node`: a primitive's name or a new rule named after `name`
    /// (the schema path in llama.cpp's style: `line-items-item-amount`; "" is the root).
    private mutating func write(_ node: SchemaGrammarNode, name: String) -> String {
        switch node {
        case .literals(let values):
            return define(name, values.map(GBNFLiteral.json).joined(separator: " | "))
        case .string(let minLength, let maxLength, let format):
            if let format { return rules.require(GBNFPrimitive.string(for: format)) }
            if node.isFreeString { return rules.require(.string(limit: maxStringLength)) }
            let char = maxLength == 0 ? "char" : rules.require(.char)  // "" needs no char rule
            return define(name, GBNFPrimitive.quotedCharacters(char, min: minLength, max: maxLength))
        case .integer(nil, nil):
            return rules.require(.integer)
        case .integer(let minimum, let maximum):
            let limit = SchemaKeywords.maxMagnitude
            return define(name, GBNFIntegerRange.expression(minimum: minimum ?? -limit, maximum: maximum ?? limit))
        case .number(nil, nil):
            return rules.require(.number)
        case .number(let lower, let upper):
            return define(name, GBNFNumberRange.expression(lower: lower, upper: upper))
        case .boolean:
            return rules.require(.boolean)
        case .null:
            return rules.require(.null)
        case .array(let items, let minItems, let maxItems):
            return writeArray(items: items, minItems: minItems, maxItems: maxItems, name: name)
        case .object(let properties):
            return writeObject(properties, name: name)
        case .union(let alternatives):
            var symbols: [String] = []
            for (index, alternative) in alternatives.enumerated() {
                let symbol = write(alternative, name: name.isEmpty ? "alternative-\(index)" : "\(name)-\(index)")
                if !symbols.contains(symbol) { symbols.append(symbol) }
            }
            return define(name, symbols.joined(separator: " | "))
        case .reference(let pointer):
            let symbol: String
            if let written = referenceSymbols[pointer] {
                symbol = written
            } else {
                // Named after the definition (`#/$defs/LineItem` → `LineItem`), shared by every use.
                let lastToken = pointer.split(separator: "/").last.map(String.init) ?? "ref"
                symbol = write(definitions[pointer]!, name: lastToken)
                referenceSymbols[pointer] = symbol
            }
            return name.isEmpty ? define(name, symbol) : symbol
        }
    }

    /// `[` items `]`: the first item bare, the rest after commas, counted with `{m,n}`.
    private mutating func writeArray(items: SchemaGrammarNode, minItems: Int, maxItems: Int?, name: String) -> String {
        let space = rules.require(.space)
        if maxItems == 0 { return define(name, #""[" \#(space) "]""#) }
        let item = write(items, name: child(name, "item"))
        let more = GBNFRepetition.of(#"("," \#(space) \#(item))"#, min: max(minItems - 1, 0), max: maxItems.map { $0 - 1 })
        let list = more.isEmpty ? item : item + " " + more
        if minItems == 0 { return define(name, #""[" \#(space) (\#(list) \#(space))? "]""#) }
        return define(name, #""[" \#(space) \#(list) \#(space) "]""#)
    }

    /// `{` properties `}` in declaration order; required ones always, optional ones at most once.
    ///
    /// With a required property the list is linear: optional properties before the first required one
    /// carry their comma after them, later ones before them. With none required, the first property
    /// written picks an alternative and `-rest` rules offer the later ones; both stay linear in size.
    private mutating func writeObject(_ properties: [SchemaGrammarProperty], name: String) -> String {
        let space = rules.require(.space)
        if properties.isEmpty { return define(name, #""{" \#(space) "}""#) }
        var pairs: [String] = []
        for property in properties {
            let base = child(name, property.name)
            let value = write(property.node, name: base)
            let key = GBNFLiteral.quoted(JSONWriter.quote(property.name))
            // No blank between a key and its colon (llama.cpp's converter allows one): the key and
            // colon are then one forced run, so fast-forward ends it where models end it, not
            // between `"` and `:`, where a model handed a lone `"` token goes on with ` :`.
            pairs.append(rules.define(base + "-kv", as: #"\#(key) ":" \#(space) \#(value)"#))
        }
        if let firstRequired = properties.firstIndex(where: \.isRequired) {
            var parts: [String] = []
            for (index, property) in properties.enumerated() {
                let pair = pairs[index]
                if index < firstRequired {
                    parts.append(#"(\#(pair) "," \#(space))?"#)
                } else if index == firstRequired {
                    parts.append(pair)
                } else {
                    parts.append(property.isRequired ? #""," \#(space) \#(pair)"# : #"("," \#(space) \#(pair))?"#)
                }
            }
            return define(name, #""{" \#(space) \#(parts.joined(separator: " ")) \#(space) "}""#)
        }
        // All optional: rests[i] is what may follow once property i - 1 or an earlier one is written.
        var rests = [String](repeating: "", count: properties.count + 1)
        for index in stride(from: properties.count - 1, to: 0, by: -1) {
            let tail = rests[index + 1].isEmpty ? "" : " " + rests[index + 1]
            rests[index] = rules.define(child(name, properties[index].name) + "-rest",
                                        as: #"("," \#(space) \#(pairs[index]))?"# + tail)
        }
        let starts = pairs.indices.map { pairs[$0] + (rests[$0 + 1].isEmpty ? "" : " " + rests[$0 + 1]) }
        let list = starts.count == 1 ? starts[0] : "(" + starts.joined(separator: " | ") + ")"
        return define(name, #""{" \#(space) (\#(list) \#(space))? "}""#)
    }

    /// A rule for `body` named `name`, or the root rule when `name` is "".
    private mutating func define(_ name: String, _ body: String) -> String {
        if name.isEmpty {
            rules.defineRoot(body)
            return "root"
        }
        return rules.define(name, as: body)
    }

    private func child(_ name: String, _ key: String) -> String {
        let token = GBNFRuleSet.ruleName(key)
        return name.isEmpty ? token : name + "-" + token
    }
}
