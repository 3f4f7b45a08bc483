import TandemCore
import TandemOrchestrator

/// A labelled-receipts file could not be taught from.
public struct ReceiptExamplesError: Error, Sendable, CustomStringConvertible, Equatable {
    /// The file.
    public let path: String
    /// What is wrong, naming lines where it can.
    public let reason: String
    /// `PATH: reason`.
    public var description: String { "\(path): \(reason)" }
}

/// Reads labelled receipts for a `ReceiptFieldMemory`: JSON Lines of
/// `{"text": OCR text, "fields": {"company": …, "address": …, …}}`, the accuracy fixtures' schema.
public enum ReceiptExamplesFile {
    /// The examples in `path`; refuses the file when a line is not such a record (naming up to
    /// three lines) or when no line has a company or address to learn.
    public static func load(path: String) throws(ReceiptExamplesError) -> [ReceiptFieldMemory.Example] {
        let lines: [JSONLLine]
        do { lines = try JSONLReader.read(path: path) } catch { throw ReceiptExamplesError(path: path, reason: "\(error)") }
        var examples: [ReceiptFieldMemory.Example] = []
        var problems: [String] = []
        for line in lines {
            switch line {
            case .malformed(_, let message):
                problems.append(message)
            case .record(let number, let value):
                guard let example = ReceiptFieldMemory.Example(record: value) else {
                    problems.append("line \(number): " + (value["text"]?.stringValue == nil ? "no string \"text\"" : "no \"fields\" object"))
                    continue
                }
                examples.append(example)
            }
        }
        if !problems.isEmpty {
            throw ReceiptExamplesError(path: path, reason: "\(problems.count) bad line(s): " + problems.prefix(3).joined(separator: "; ")
                + " (each line must be {\"text\": \"…\", \"fields\": {\"company\": \"…\", \"address\": \"…\"}})")
        }
        let useful = examples.filter { e in ReceiptFieldMemory.fieldNames.contains { !(e.fields[$0] ?? "").isEmpty } }
        guard !useful.isEmpty else {
            throw ReceiptExamplesError(path: path, reason: "no labelled receipt with a company or address to learn from (\(examples.count) line(s) read)")
        }
        return examples
    }
}
