import Foundation
import TandemCore

/// One `{{...}}` reference inside a plan: to an input, a step's result, or the current map item.
public struct PlanReference: Sendable, Hashable, CustomStringConvertible {
    /// Where a reference points.
    public enum Source: Sendable, Hashable {
        /// `{{input:NAME}}`
        case input(String)
        /// `{{step:ID}}`
        case step(String)
        /// `{{item}}`, the element a `map` step is working on.
        case item
    }

    /// One hop into a JSON value.
    public enum PathComponent: Sendable, Hashable, CustomStringConvertible {
        /// An object key (`.name`).
        case key(String)
        /// An array index (`[3]`).
        case index(Int)

        /// `.name` or `[3]`.
        public var description: String {
            switch self {
            case .key(let k): ".\(k)"
            case .index(let i): "[\(i)]"
            }
        }
    }

    /// The referenced value's origin.
    public var source: Source
    /// The path into that value.
    public var path: [PathComponent]

    /// Creates a reference.
    public init(source: Source, path: [PathComponent] = []) {
        self.source = source
        self.path = path
    }

    /// The reference as written, braces included.
    public var description: String {
        let head: String = switch source {
        case .input(let n): "input:\(n)"
        case .step(let id): "step:\(id)"
        case .item: "item"
        }
        return "{{" + head + path.map(\.description).joined() + "}}"
    }

    /// Follows `path` into `value`; nil when a hop is missing.
    public func follow(_ value: JSONValue) -> JSONValue? {
        var current = value
        for component in path {
            switch component {
            case .key(let k): guard let next = current[k] else { return nil }; current = next
            case .index(let i): guard let next = current[i] else { return nil }; current = next
            }
        }
        return current
    }
}

/// Why the text between `{{` and `}}` is not a reference.
public struct ReferenceSyntaxError: Error, Sendable, CustomStringConvertible {
    /// What is wrong and how references are written.
    public let message: String
    /// The message.
    public var description: String { message }
}

extension PlanReference {
    /// Parses one reference written with its braces, e.g. `{{step:a.items[0].name}}`.
    public init(parsing text: String) throws(ReferenceSyntaxError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard trimmed.hasPrefix("{{"), trimmed.hasSuffix("}}"), trimmed.count >= 4 else {
            throw ReferenceSyntaxError(message: "'\(text)' is not a reference; write it in braces, e.g. {{step:ID.field}}")
        }
        self = try ReferenceSyntax.parse(String(trimmed.dropFirst(2).dropLast(2)))
    }

    /// Every well-formed reference in the strings of `value`, in document order.
    public static func all(in value: JSONValue) -> [PlanReference] {
        var found: [ArgumentTemplate.Located] = []
        var problems: [(String, String)] = []
        _ = ArgumentTemplate.compile(value, pointer: "", references: &found, problems: &problems)
        return found.map(\.reference)
    }
}

/// Parses the inside of `{{...}}`: `step:ID.path`, `input:NAME[0]`, `item.field`.
enum ReferenceSyntax {
    /// Characters allowed in step ids and input names.
    static func isNameCharacter(_ c: Character) -> Bool {
        c.isASCII && (c.isLetter || c.isNumber || c == "_" || c == "-")
    }

    static func parse(_ body: String) throws(ReferenceSyntaxError) -> PlanReference {
        let text = body.trimmingCharacters(in: .whitespaces)
        let source: PlanReference.Source
        var rest: Substring
        if text.hasPrefix("step:") || text.hasPrefix("input:") {
            let isStep = text.hasPrefix("step:")
            rest = text.dropFirst(isStep ? 5 : 6)
            let name = rest.prefix(while: isNameCharacter)
            guard !name.isEmpty else {
                throw ReferenceSyntaxError(message: "'{{\(text)}}' names no \(isStep ? "step id" : "input") after '\(isStep ? "step:" : "input:")'")
            }
            rest = rest.dropFirst(name.count)
            source = isStep ? .step(String(name)) : .input(String(name))
        } else if text == "item" || text.hasPrefix("item.") || text.hasPrefix("item[") {
            source = .item
            rest = text.dropFirst(4)
        } else {
            throw ReferenceSyntaxError(message: "'{{\(text)}}' is not a reference; write {{step:ID}}, {{step:ID.field}}, {{input:NAME}} or {{item}}")
        }
        var path: [PlanReference.PathComponent] = []
        while let first = rest.first {
            if first == "." {
                rest = rest.dropFirst()
                let key = rest.prefix { $0 != "." && $0 != "[" }
                guard !key.isEmpty else { throw ReferenceSyntaxError(message: "'{{\(text)}}' has an empty field name after '.'") }
                path.append(.key(String(key)))
                rest = rest.dropFirst(key.count)
            } else if first == "[" {
                guard let close = rest.firstIndex(of: "]"), let index = Int(rest[rest.index(after: rest.startIndex)..<close]),
                      index >= 0 else {
                    throw ReferenceSyntaxError(message: "'{{\(text)}}' has a bad index; write [0], [1], ...")
                }
                path.append(.index(index))
                rest = rest[rest.index(after: close)...]
            } else {
                throw ReferenceSyntaxError(message: "'{{\(text)}}' has '\(first)' where '.' or '[' was expected")
            }
        }
        return PlanReference(source: source, path: path)
    }
}
