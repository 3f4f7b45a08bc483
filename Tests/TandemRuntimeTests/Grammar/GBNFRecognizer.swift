/// A GBNF grammar read the way llama.cpp's `llama_grammar_parser` reads it, for checking what the
/// converter's grammars accept without loading llama.cpp.
///
/// Covers the GBNF that has no tokenizer: rule references, literals with escapes, character classes
/// (negated, ranges), `.`, alternation, grouping, `?`, `*`, `+`, `{m}`, `{m,}`, `{m,n}`, comments.
/// Like llama.cpp it refuses undefined rules and repetition counts above 2000 (where llama.cpp would
/// refuse the grammar or silently drop the bound, which the converter must never rely on).
struct GBNFRecognizer {
    /// One alternative: terms in sequence.
    typealias Sequence = [Term]

    struct Term {
        var atom: Atom
        var min = 1
        var max: Int? = 1
    }

    indirect enum Atom {
        case literal([UInt32])
        case characterClass(negated: Bool, ranges: [ClosedRange<UInt32>])
        case anyCharacter
        case rule(Int)
        case group([Sequence])
    }

    /// Rule bodies by rule index; `names[i]` is rule i's name.
    private(set) var rules: [[Sequence]?] = []
    private(set) var names: [String] = []
    let rootIndex: Int

    /// Parses `text`; throws for anything llama.cpp would refuse.
    init(_ text: String) throws(GBNFSyntaxError) {
        var parser = GBNFTextParser(text: Array(text.unicodeScalars).map(\.value))
        try parser.parseGrammar()
        rules = parser.rules
        names = parser.names
        for (index, body) in rules.enumerated() where body == nil {
            throw GBNFSyntaxError(message: "undefined rule '\(names[index])'")
        }
        guard let root = names.firstIndex(of: "root") else { throw GBNFSyntaxError(message: "no root rule") }
        rootIndex = root
    }

    /// The alternatives of the rule named `name`, for structural checks in tests.
    func rule(named name: String) -> [Sequence]? {
        names.firstIndex(of: name).flatMap { rules[$0] }
    }
}

/// Why a grammar text is not GBNF llama.cpp would load.
struct GBNFSyntaxError: Error, CustomStringConvertible {
    let message: String
    var description: String { "GBNF syntax error: \(message)" }
}

/// A recursive-descent reader over code points mirroring `llama_grammar_parser`.
private struct GBNFTextParser {
    let text: [UInt32]
    var index = 0
    var rules: [[GBNFRecognizer.Sequence]?] = []
    var names: [String] = []
    private static let maxRepetitions = 2000

    init(text: [UInt32]) { self.text = text }

    private var current: UInt32? { index < text.count ? text[index] : nil }
    private func peek(_ offset: Int) -> UInt32? { index + offset < text.count ? text[index + offset] : nil }
    private func isWordCharacter(_ c: UInt32?) -> Bool {
        guard let c else { return false }
        return (0x61...0x7A).contains(c) || (0x41...0x5A).contains(c) || (0x30...0x39).contains(c) || c == 0x2D
    }
    private func error(_ message: String) -> GBNFSyntaxError {
        GBNFSyntaxError(message: "\(message) at offset \(index)")
    }

    mutating func parseGrammar() throws(GBNFSyntaxError) {
        skipSpace(newlines: true)
        while current != nil { try parseRule() }
    }

    private mutating func symbol(_ name: String) -> Int {
        if let i = names.firstIndex(of: name) { return i }
        names.append(name)
        rules.append(nil)
        return names.count - 1
    }

    private mutating func skipSpace(newlines: Bool) {
        while let c = current {
            if c == 0x20 || c == 0x09 || (newlines && (c == 0x0A || c == 0x0D)) {
                index += 1
            } else if c == 0x23 {  // '#' comment to end of line
                while let d = current, d != 0x0A, d != 0x0D { index += 1 }
            } else {
                return
            }
        }
    }

    private mutating func parseName() throws(GBNFSyntaxError) -> String {
        let start = index
        while isWordCharacter(current) { index += 1 }
        guard index > start else { throw error("expecting name") }
        return String(String.UnicodeScalarView(text[start..<index].compactMap(Unicode.Scalar.init)))
    }

    private mutating func parseRule() throws(GBNFSyntaxError) {
        let name = try parseName()
        skipSpace(newlines: false)
        guard current == 0x3A, peek(1) == 0x3A, peek(2) == 0x3D else { throw error("expecting ::=") }
        index += 3
        skipSpace(newlines: true)
        let body = try parseAlternatives(nested: false)
        let id = symbol(name)
        guard rules[id] == nil else { throw error("rule '\(name)' defined twice") }
        rules[id] = body
        if current == 0x0D { index += peek(1) == 0x0A ? 2 : 1 } else if current == 0x0A { index += 1 } else if current != nil {
            throw error("expecting newline or end")
        }
        skipSpace(newlines: true)
    }

    private mutating func parseAlternatives(nested: Bool) throws(GBNFSyntaxError) -> [GBNFRecognizer.Sequence] {
        var alternatives = [try parseSequence(nested: nested)]
        while current == 0x7C {  // '|'
            index += 1
            skipSpace(newlines: true)
            alternatives.append(try parseSequence(nested: nested))
        }
        return alternatives
    }

    private mutating func parseSequence(nested: Bool) throws(GBNFSyntaxError) -> GBNFRecognizer.Sequence {
        var terms: GBNFRecognizer.Sequence = []
        while let c = current {
            switch c {
            case 0x22:  // '"' literal
                index += 1
                var scalars: [UInt32] = []
                while current != 0x22 {
                    guard current != nil else { throw error("unterminated literal") }
                    scalars.append(try parseCharacter())
                }
                index += 1
                terms.append(.init(atom: .literal(scalars)))
            case 0x5B:  // '[' class
                index += 1
                let negated = current == 0x5E
                if negated { index += 1 }
                var ranges: [ClosedRange<UInt32>] = []
                while current != 0x5D {
                    guard current != nil else { throw error("unterminated character class") }
                    let low = try parseCharacter()
                    var high = low
                    if current == 0x2D, let next = peek(1), next != 0x5D {
                        index += 1
                        high = try parseCharacter()
                    }
                    guard low <= high else { throw error("reversed range") }
                    ranges.append(low...high)
                }
                index += 1
                terms.append(.init(atom: .characterClass(negated: negated, ranges: ranges)))
            case 0x28:  // '(' group
                index += 1
                skipSpace(newlines: true)
                let alternatives = try parseAlternatives(nested: true)
                guard current == 0x29 else { throw error("expecting ')'") }
                index += 1
                terms.append(.init(atom: .group(alternatives)))
            case 0x2E:  // '.'
                index += 1
                terms.append(.init(atom: .anyCharacter))
            case 0x2A, 0x2B, 0x3F, 0x7B:  // '*' '+' '?' '{'
                let (min, max) = try parseRepetition(nested: nested)
                guard let last = terms.popLast() else { throw error("expecting preceding item to */+/?/{") }
                // A repeated term repeated again nests, as llama.cpp's generated rule does.
                var term = last.min == 1 && last.max == 1 ? last : GBNFRecognizer.Term(atom: .group([[last]]))
                term.min = min
                term.max = max
                terms.append(term)
                continue  // parseRepetition already skipped the space after it
            case 0x3C, 0x21:  // '<' '!' tokens
                throw error("token references need a vocabulary; not supported here")
            default:
                guard isWordCharacter(c) else { return terms }
                terms.append(.init(atom: .rule(symbol(try parseName()))))
            }
            skipSpace(newlines: nested)
        }
        return terms
    }

    private mutating func parseRepetition(nested: Bool) throws(GBNFSyntaxError) -> (Int, Int?) {
        let c = current!
        index += 1
        skipSpace(newlines: nested)
        switch c {
        case 0x2A: return (0, nil)
        case 0x2B: return (1, nil)
        case 0x3F: return (0, 1)
        default: break
        }
        let min = try parseInteger()
        skipSpace(newlines: nested)
        var max: Int? = min
        if current == 0x2C {
            index += 1
            skipSpace(newlines: nested)
            if let c = current, (0x30...0x39).contains(c) {
                max = try parseInteger()
                skipSpace(newlines: nested)
            } else {
                max = nil
            }
        }
        guard current == 0x7D else { throw error("expecting '}'") }
        index += 1
        skipSpace(newlines: nested)
        guard min <= Self.maxRepetitions, (max ?? 0) <= Self.maxRepetitions else {
            throw error("repetition above \(Self.maxRepetitions): llama.cpp refuses it or drops the bound")
        }
        return (min, max)
    }

    private mutating func parseInteger() throws(GBNFSyntaxError) -> Int {
        var value = 0, digits = 0
        while let c = current, (0x30...0x39).contains(c) {
            value = value * 10 + Int(c - 0x30)
            digits += 1
            index += 1
        }
        guard digits > 0 else { throw error("expecting integer") }
        return value
    }

    /// One character of a literal or class, with llama.cpp's escapes.
    private mutating func parseCharacter() throws(GBNFSyntaxError) -> UInt32 {
        guard let c = current else { throw error("unexpected end of input") }
        guard c == 0x5C else { index += 1; return c }
        guard let e = peek(1) else { throw error("unexpected end of input") }
        index += 2
        switch e {
        case 0x78: return try parseHex(2)  // \x
        case 0x75: return try parseHex(4)  // \u
        case 0x55: return try parseHex(8)  // \U
        case 0x74: return 0x09
        case 0x72: return 0x0D
        case 0x6E: return 0x0A
        case 0x5C, 0x22, 0x5B, 0x5D, 0x2D: return e
        default: throw error("unknown escape")
        }
    }

    private mutating func parseHex(_ count: Int) throws(GBNFSyntaxError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<count {
            guard let c = current, let digit = Int(String(UnicodeScalar(c) ?? " "), radix: 16) else {
                throw error("expecting \(count) hex chars")
            }
            value = value << 4 | UInt32(digit)
            index += 1
        }
        return value
    }
}
