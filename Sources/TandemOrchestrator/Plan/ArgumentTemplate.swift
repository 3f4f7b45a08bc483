import Foundation
import TandemCore

/// A plan JSON value with its `{{...}}` references parsed once, then resolved on every run.
indirect enum ArgumentTemplate: Sendable {
    /// A value with no references.
    case literal(JSONValue)
    /// A string that is exactly one reference: resolves to the referenced value, type kept.
    case reference(PlanReference)
    /// A string mixing text and references: resolves to a string.
    case interpolation([Piece])
    case array([ArgumentTemplate])
    case object([(String, ArgumentTemplate)])

    /// Part of an interpolated string.
    enum Piece: Sendable {
        case text(String)
        case reference(PlanReference)
    }

    /// A reference found while compiling, with where it was written.
    struct Located: Sendable {
        let reference: PlanReference
        let pointer: String
        /// True when the reference is the whole string (so its JSON type is kept).
        let isWhole: Bool
    }

    /// Compiles `value`, appending every reference to `references` and every syntax problem to
    /// `problems` as (pointer, message).
    static func compile(_ value: JSONValue, pointer: String, references: inout [Located],
                        problems: inout [(String, String)]) -> ArgumentTemplate {
        switch value {
        case .string(let s):
            guard s.contains("{{") else { return .literal(value) }
            let pieces = parsePieces(s, pointer: pointer, problems: &problems)
            if pieces.count == 1, case .reference(let r) = pieces[0] {
                references.append(Located(reference: r, pointer: pointer, isWhole: true))
                return .reference(r)
            }
            for case .reference(let r) in pieces {
                references.append(Located(reference: r, pointer: pointer, isWhole: false))
            }
            return .interpolation(pieces)
        case .array(let items):
            let compiled = items.enumerated().map {
                compile($1, pointer: JSONPointer.appending(pointer, $0), references: &references, problems: &problems)
            }
            if compiled.allSatisfy({ if case .literal = $0 { true } else { false } }) { return .literal(value) }
            return .array(compiled)
        case .object(let pairs):
            let compiled = pairs.map {
                ($0.0, compile($0.1, pointer: JSONPointer.appending(pointer, $0.0), references: &references, problems: &problems))
            }
            if compiled.allSatisfy({ if case .literal = $0.1 { true } else { false } }) { return .literal(value) }
            return .object(compiled)
        default:
            return .literal(value)
        }
    }

    private static func parsePieces(_ s: String, pointer: String, problems: inout [(String, String)]) -> [Piece] {
        var pieces: [Piece] = []
        var rest = Substring(s)
        while let open = rest.range(of: "{{") {
            if open.lowerBound > rest.startIndex { pieces.append(.text(String(rest[..<open.lowerBound]))) }
            guard let close = rest[open.upperBound...].range(of: "}}") else {
                problems.append((pointer, "'{{' is never closed with '}}' in \"\(s)\""))
                return pieces + [.text(String(rest[open.lowerBound...]))]
            }
            do {
                pieces.append(.reference(try ReferenceSyntax.parse(String(rest[open.upperBound..<close.lowerBound]))))
            } catch {
                problems.append((pointer, error.message))
                pieces.append(.text(String(rest[open.lowerBound..<close.upperBound])))
            }
            rest = rest[close.upperBound...]
        }
        if !rest.isEmpty { pieces.append(.text(String(rest))) }
        return pieces
    }

    /// Resolves every reference against `scope`.
    ///
    /// Strict resolution throws on a missing value (a step's arguments); lenient resolution
    /// writes `null` (the plan output, so partial results still come back).
    func resolve(_ scope: ResolutionScope, lenient: Bool = false) throws(ReferenceResolutionError) -> JSONValue {
        switch self {
        case .literal(let v): return v
        case .reference(let r): return try Self.value(of: r, in: scope, lenient: lenient)
        case .interpolation(let pieces):
            var out = ""
            for piece in pieces {
                switch piece {
                case .text(let t): out += t
                case .reference(let r): out += Self.text(of: try Self.value(of: r, in: scope, lenient: lenient))
                }
            }
            return .string(out)
        case .array(let items):
            var out: [JSONValue] = []
            out.reserveCapacity(items.count)
            for item in items { out.append(try item.resolve(scope, lenient: lenient)) }
            return .array(out)
        case .object(let pairs):
            var out: [(String, JSONValue)] = []
            out.reserveCapacity(pairs.count)
            for (k, v) in pairs { out.append((k, try v.resolve(scope, lenient: lenient))) }
            return .object(out)
        }
    }

    private static func value(of r: PlanReference, in scope: ResolutionScope, lenient: Bool) throws(ReferenceResolutionError) -> JSONValue {
        let root: JSONValue?
        switch r.source {
        case .input(let name): root = scope.inputs[name]
        case .step(let id): root = scope.results[id]
        case .item: root = scope.item
        }
        guard let root else {
            if lenient { return .null }
            throw ReferenceResolutionError(reference: r, reason: "has no value in this run")
        }
        guard let value = r.follow(root) else {
            if lenient { return .null }
            throw ReferenceResolutionError(reference: r, reason: "does not exist in \(JSONWriter.compact(root).prefix(200))")
        }
        return value
    }

    /// How a value reads inside a longer string: strings bare, everything else as compact JSON.
    static func text(of value: JSONValue) -> String {
        switch value {
        case .string(let s): s
        case .null: ""
        default: JSONWriter.compact(value)
        }
    }
}

/// The values references resolve against during one run.
struct ResolutionScope {
    var inputs: JSONValue
    var results: [String: JSONValue]
    var item: JSONValue?
}

/// A reference that could not be resolved at run time (the referenced field is missing, or the
/// step it names produced no result).
public struct ReferenceResolutionError: Error, Sendable, CustomStringConvertible {
    /// The reference that failed.
    public let reference: PlanReference
    /// Why.
    public let reason: String
    /// `{{step:a.total}} does not exist in {...}`.
    public var description: String { "\(reference) \(reason)" }
}
