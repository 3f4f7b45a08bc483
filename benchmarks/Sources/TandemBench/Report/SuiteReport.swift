import TandemCore

/// A markdown table with a title.
struct MarkdownTable: Sendable {
    var title: String
    var headers: [String]
    var rows: [[String]]

    init(title: String, headers: [String], rows: [[String]] = []) {
        self.title = title; self.headers = headers; self.rows = rows
    }

    /// GitHub-flavoured markdown.
    func render() -> String {
        func line(_ cells: [String]) -> String { "| " + cells.map { $0.replacingOccurrences(of: "|", with: "\\|") }.joined(separator: " | ") + " |" }
        var out = title.isEmpty ? "" : "**\(title)**\n\n"
        out += line(headers) + "\n" + "|" + headers.map { _ in "---|" }.joined() + "\n"
        out += rows.map(line).joined(separator: "\n")
        return out + "\n"
    }
}

/// What one suite produced: details for the JSON, headline ratios, tables, notes and errors.
/// Suites fill it as they go, so whatever was measured before a failure is kept.
struct SuiteReport: Sendable {
    /// ok: ran to the end; failed: an error stopped part of it; skipped: an optional input was absent.
    enum Status: String, Sendable { case ok, failed, skipped }

    let suite: BenchSuite
    var status = Status.ok
    var details: [(String, JSONValue)] = []
    var headline: [(String, Double)] = []
    var tables: [MarkdownTable] = []
    var notes: [String] = []
    var errors: [String] = []
    var seconds = 0.0

    init(suite: BenchSuite) { self.suite = suite }

    /// Sets a detail, replacing an earlier value under the same key.
    mutating func set(_ key: String, _ value: JSONValue) {
        if let i = details.firstIndex(where: { $0.0 == key }) { details[i].1 = value } else { details.append((key, value)) }
    }

    /// Sets a headline figure (finite values only).
    mutating func headline(_ key: String, _ value: Double?) {
        guard let value, value.isFinite else { return }
        if let i = headline.firstIndex(where: { $0.0 == key }) { headline[i].1 = value } else { headline.append((key, value)) }
    }

    /// Records an error that did not stop the whole suite.
    mutating func fail(_ message: String) {
        errors.append(message)
        status = .failed
    }

    /// The suite's JSON object.
    var json: JSONValue {
        var fields: [(String, JSONValue)] = [("status", .string(status.rawValue)), ("seconds", .number(seconds))]
        fields += details
        if !notes.isEmpty { fields.append(("notes", .array(notes.map { .string($0) }))) }
        if !errors.isEmpty { fields.append(("errors", .array(errors.map { .string($0) }))) }
        return .object(fields)
    }
}

/// A deterministic generator (SplitMix64): the same seed gives the same random tokens and items
/// in every run and on both sides of a comparison.
struct SeededRandom: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
