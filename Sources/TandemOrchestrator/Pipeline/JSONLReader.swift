import Foundation
import TandemCore

/// One line of a JSONL file: a record, or why it could not be read.
public enum JSONLLine: Sendable {
    /// A JSON object, with its 1-based line number.
    case record(line: Int, value: JSONValue)
    /// A line that is not a JSON object; the other lines are still processed.
    case malformed(line: Int, message: String)

    /// The 1-based line number.
    public var line: Int {
        switch self {
        case .record(let line, _), .malformed(let line, _): line
        }
    }
}

/// Reads JSON Lines (one object per line; blank lines ignored), reporting bad lines by number
/// instead of stopping.
public enum JSONLReader {
    /// Reads the file at `path`.
    public static func read(path: String) throws(PipelineError) -> [JSONLLine] {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw .unreadableInput(path, error.localizedDescription)
        }
        guard let text = String(data: data, encoding: .utf8) else { throw .unreadableInput(path, "it is not UTF-8 text") }
        return parse(text)
    }

    /// Splits and parses JSONL text.
    public static func parse(_ text: String) -> [JSONLLine] {
        var out: [JSONLLine] = []
        var number = 0
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            number += 1
            let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty { continue }
            do {
                let value = try JSONParser.parse(line)
                if value.objectValue != nil {
                    out.append(.record(line: number, value: value))
                } else {
                    out.append(.malformed(line: number, message: "line \(number): expected a JSON object, got \(value.typeName)"))
                }
            } catch {
                out.append(.malformed(line: number, message: "line \(number): \(error)"))
            }
        }
        return out
    }
}

/// The pipeline could not start or could not write its results.
public enum PipelineError: Error, Sendable, CustomStringConvertible {
    /// The input file cannot be read.
    case unreadableInput(String, String)
    /// A results, trace or price file cannot be written or read.
    case io(String, String)

    /// What went wrong and where.
    public var description: String {
        switch self {
        case .unreadableInput(let path, let why): "cannot read input \(path): \(why); check the path (one JSON object per line)"
        case .io(let path, let why): "\(path): \(why)"
        }
    }
}
