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
    /// Reads the whole file at `path` (small files: fixtures, examples). Bulk input goes through
    /// `JSONLStream`, which holds one line at a time.
    public static func read(path: String) throws(LineReaderError) -> [JSONLLine] {
        let stream = try JSONLStream(path: path)
        var out: [JSONLLine] = []
        while let line = try stream.next() { out.append(line) }
        return out
    }

    /// Splits and parses JSONL text.
    public static func parse(_ text: String) -> [JSONLLine] {
        var out: [JSONLLine] = []
        var number = 0
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            number += 1
            if let line = line(number: number, text: String(raw)) { out.append(line) }
        }
        return out
    }

    /// One line's record, or why it is not one; nil for a blank line.
    static func line(number: Int, text: String) -> JSONLLine? {
        let line = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if line.isEmpty { return nil }
        do {
            let value = try JSONParser.parse(line)
            if value.objectValue != nil { return .record(line: number, value: value) }
            return .malformed(line: number, message: "line \(number): expected a JSON object, got \(value.typeName)")
        } catch {
            return .malformed(line: number, message: "line \(number): \(error)")
        }
    }
}

/// JSON Lines read one record at a time, in constant memory (see `LineReader`): bulk inputs
/// of any size. Blank lines are skipped; bad lines come back as `.malformed` with their number.
public final class JSONLStream: Sequence, IteratorProtocol {
    private let reader: LineReader
    /// Set when reading failed midway (the sequence then ends early).
    public private(set) var readError: LineReaderError?

    /// Opens `path` ("-" for standard input).
    public init(path: String, maxLineBytes: Int = 64 << 20) throws(LineReaderError) {
        reader = try LineReader(path: path, maxLineBytes: maxLineBytes)
    }

    /// The next record or malformed line; nil at the end (or on a read error, in `readError`).
    public func next() -> JSONLLine? {
        do { return try nextLine() } catch {
            readError = error
            return nil
        }
    }

    /// The next record or malformed line, throwing when the file cannot be read.
    public func nextLine() throws(LineReaderError) -> JSONLLine? {
        while let raw = try reader.next() {
            if let length = raw.oversizedLength {
                return .malformed(line: raw.number, message: "line \(raw.number): \(length) bytes, longer than the \(reader.maxLineBytes >> 20) MiB a record may have")
            }
            guard let text = String(validating: raw.bytes, as: UTF8.self) else {
                return .malformed(line: raw.number, message: "line \(raw.number): not valid UTF-8 text")
            }
            if let line = JSONLReader.line(number: raw.number, text: text) { return line }
        }
        return nil
    }
}

