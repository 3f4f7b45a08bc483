import Foundation
import TandemOrchestrator

/// A compiled regular expression (ICU syntax, so lookbehind works) with a small Swift API.
/// The extractors' patterns are literals in code; a bad one is a programming error caught by
/// the tests, hence `try!`.
struct TextPattern: Sendable {
    /// One match: the whole text and its capture groups (nil for groups that did not take part).
    struct Match {
        let range: Range<String.Index>
        let groups: [String?]
        var text: String { groups[0] ?? "" }
        subscript(_ i: Int) -> String? { i < groups.count ? groups[i] : nil }
    }

    let regex: NSRegularExpression

    init(_ pattern: String, caseSensitive: Bool = false) {
        regex = try! NSRegularExpression(pattern: pattern, options: caseSensitive ? [] : [.caseInsensitive])
    }

    func matches(_ text: String) -> Bool {
        regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }

    func firstMatch(in text: String) -> Match? {
        regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)).flatMap { convert($0, text) }
    }

    func allMatches(in text: String) -> [Match] {
        regex.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap { convert($0, text) }
    }

    /// `text` with every match replaced by `template` (`$1` names a group).
    func replacing(in text: String, with template: String) -> String {
        regex.stringByReplacingMatches(in: text, range: NSRange(text.startIndex..., in: text), withTemplate: template)
    }

    private func convert(_ result: NSTextCheckingResult, _ text: String) -> Match? {
        guard let whole = Range(result.range, in: text) else { return nil }
        let groups = (0..<result.numberOfRanges).map { i -> String? in
            Range(result.range(at: i), in: text).map { String(text[$0]) }
        }
        return Match(range: whole, groups: groups)
    }
}
