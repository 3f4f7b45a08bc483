import Foundation
import TandemCore
import TandemOrchestrator

/// Keyword rules for one label set, from `config/<name>.keywords.json`: `{label: [keywords...]}`.
/// Labels keep the file's order.
public struct KeywordRules: Sendable, Equatable {
    /// The labels, in file order.
    public let labels: [String]
    /// Each label's keywords (words or short phrases).
    public let keywords: [String: [String]]

    /// Creates rules from label → keywords pairs.
    public init(_ pairs: [(String, [String])]) {
        labels = pairs.map(\.0)
        keywords = Dictionary(pairs, uniquingKeysWith: { a, b in a + b })
    }

    /// Parses a rules file's JSON.
    public static func parse(_ json: JSONValue, source: String) throws(KeywordRulesError) -> KeywordRules {
        guard let pairs = json.objectValue, !pairs.isEmpty else { throw .malformed(source, "expected a non-empty object {label: [keywords...]}") }
        var out: [(String, [String])] = []
        for (label, value) in pairs {
            guard let list = value.arrayValue, list.allSatisfy({ $0.stringValue != nil }) else {
                throw .malformed(source, "label '\(label)' must map to an array of keyword strings")
            }
            out.append((label, list.compactMap(\.stringValue)))
        }
        return KeywordRules(out)
    }
}

/// The keyword rule files of a config directory, by label-set name.
public struct KeywordRuleBook: Sendable {
    private let sets: [String: KeywordRules]
    /// Where the files were read from (for error messages).
    public let directory: String?

    /// A rule book over sets already in memory.
    public init(sets: [String: KeywordRules] = [:]) {
        self.sets = sets
        directory = nil
    }

    /// Reads every `*.keywords.json` in `directory` (set name = file name before `.keywords.json`).
    public init(directory: String) throws(KeywordRulesError) {
        let url = URL(fileURLWithPath: directory)
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: url.path) } catch {
            throw .missingDirectory(directory)
        }
        var sets: [String: KeywordRules] = [:]
        for name in names.sorted() where name.hasSuffix(".keywords.json") {
            let path = url.appendingPathComponent(name).path
            let json: JSONValue
            do {
                json = try JSONParser.parse(bytes: Array(try Data(contentsOf: URL(fileURLWithPath: path))))
            } catch {
                throw .malformed(path, "\(error)")
            }
            sets[String(name.dropLast(".keywords.json".count))] = try KeywordRules.parse(json, source: path)
        }
        self.sets = sets
        self.directory = directory
    }

    /// The rules of set `name`.
    public func rules(_ name: String) throws(KeywordRulesError) -> KeywordRules {
        guard let rules = sets[name] else { throw .unknownSet(name, available: sets.keys.sorted(), directory: directory) }
        return rules
    }

    /// The names of the loaded sets.
    public var setNames: [String] { sets.keys.sorted() }
}

/// A keyword rules file is missing or malformed.
public enum KeywordRulesError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The config directory does not exist.
    case missingDirectory(String)
    /// A file is not `{label: [keywords...]}`.
    case malformed(String, String)
    /// No file defines this label set.
    case unknownSet(String, available: [String], directory: String?)

    /// What is wrong and where to fix it.
    public var description: String {
        switch self {
        case .missingDirectory(let d): "config directory '\(d)' does not exist; run from the repository root or pass --config DIR"
        case .malformed(let f, let why): "keyword rules \(f) are malformed: \(why)"
        case .unknownSet(let name, let available, let directory):
            "no keyword rules for label set '\(name)'; add \(directory ?? "config")/\(name).keywords.json (available: \(available.isEmpty ? "none" : available.joined(separator: ", ")))"
        }
    }
}
