import Foundation
import TandemOrchestrator

/// A named thing found in text.
public struct Entity: Sendable, Equatable {
    /// The text as written.
    public var text: String
    /// One of `EntityExtractor.types`.
    public var type: String
}

/// Finds entities with patterns: the `extract_entities` fallback. Emails, URLs, phone numbers,
/// dates, money, percentages, organisations (capitalised names ending in a legal or institutional
/// word) and people (capitalised names after a title).
public enum EntityExtractor {
    /// The entity types this extractor (and the tool's schema) know.
    public static let types = ["email", "url", "phone", "date", "money", "percent", "organization", "person"]

    private static let patterns: [(String, TextPattern)] = [
        ("email", TextPattern(#"[A-Z0-9._%+-]+@[A-Z0-9-]+(?:\.[A-Z0-9-]+)+"#)),
        ("url", TextPattern(#"\bhttps?://[^\s<>"]+|\bwww\.[^\s<>"]+"#)),
        ("money", TextPattern(#"(?:RM|MYR|USD|EUR|GBP|SGD|\$|€|£)\s?\d[\d,]*(?:\.\d{1,2})?|\d[\d,]*(?:\.\d{1,2})?\s?(?:dollars|euros|pounds|ringgit|USD|EUR|GBP)\b"#)),
        ("percent", TextPattern(#"(?<![\d.])\d+(?:\.\d+)?\s?%"#)),
        ("phone", TextPattern(#"(?<![\w+])\+?\(?\d{1,4}\)?(?:[\s.-]?\d{1,4}){2,4}(?![\w])"#)),
        ("organization", TextPattern(#"\b(?:[A-Z][\w&.'-]*\s+){0,5}(?:Inc\.?|Ltd\.?|LLC|Corp\.?|Corporation|Company|Co\.|GmbH|PLC|SDN\.?\s*BHD\.?|Bhd\.?|Bank|University|Institute|Foundation|Association|Group|Holdings)(?![\w])"#, caseSensitive: true)),
        ("person", TextPattern(#"\b(?:Mr|Mrs|Ms|Miss|Dr|Prof|Sir|Madam)\.?\s+[A-Z][a-z]+(?:\s+[A-Z][a-z]+){0,2}"#, caseSensitive: true)),
    ]

    /// Entities of the given types (all when nil), in order of appearance, without overlaps.
    public static func extract(_ text: String, types wanted: [String]? = nil) -> [Entity] {
        var found: [(Range<String.Index>, Entity)] = []
        func add(_ range: Range<String.Index>, _ entity: Entity) {
            guard wanted?.contains(entity.type) ?? true, !found.contains(where: { $0.0.overlaps(range) }) else { return }
            found.append((range, entity))
        }
        for (type, pattern) in patterns where type != "phone" {
            for m in pattern.allMatches(in: text) { add(m.range, Entity(text: m.text.trimmingCharacters(in: .whitespaces), type: type)) }
            if type == "url" {
                // Dates come before phone numbers: "25/12/2018" is not a phone number.
                for d in DateNormalizer.allDates(in: text) {
                    let start = text.index(text.startIndex, offsetBy: d.offset)
                    add(start..<text.index(start, offsetBy: d.text.count), Entity(text: d.text, type: "date"))
                }
            }
        }
        for m in patterns.first(where: { $0.0 == "phone" })!.1.allMatches(in: text) where m.text.filter(\.isNumber).count >= 8 {
            add(m.range, Entity(text: m.text.trimmingCharacters(in: .whitespaces), type: "phone"))
        }
        return found.sorted { $0.0.lowerBound < $1.0.lowerBound }.map(\.1)
    }
}
