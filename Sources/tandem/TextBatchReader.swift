import Foundation
import TandemCore

/// The texts of a JSONL file in batches, read as they are needed (`tandem embed`, `tandem
/// classify`), so memory stays flat on inputs of any size. Lines without the text field, or
/// that are not JSON, are skipped and counted (one warning per run; --verbose names each).
final class TextBatchReader {
    /// One input row.
    struct Row {
        /// 1-based line number.
        let line: Int
        /// The row's `id`, null when it has none.
        let id: JSONValue
        /// The text to process.
        let text: String
        /// The row's label, when a label field was asked for.
        let label: String?
    }

    private let stream: JSONLStream
    private let path: String
    private let textField: String
    private let labelField: String?
    private let batchSize: Int

    init(path: String, textField: String, labelField: String? = nil, batchSize: Int = 256) throws {
        do { stream = try JSONLStream(path: path) } catch { throw UsageError("cannot read --input \(path): \(error.reason)") }
        self.path = path
        self.textField = textField
        self.labelField = labelField
        self.batchSize = max(1, batchSize)
    }

    /// The next batch of up to `batchSize` rows; empty at the end of the input.
    func next() throws -> [Row] {
        var rows: [Row] = []
        while rows.count < batchSize, let line = try stream.nextLine() {
            switch line {
            case .malformed(_, let message):
                let file = path
                RepeatedWarnings.note("input.malformed.\(path)", item: "\(path): \(message); skipped") { count, _ in
                    "\(file): \(RepeatedWarnings.count(count)) lines are not JSON objects and were skipped (--verbose names each)"
                }
            case .record(let number, let value):
                guard let text = value[textField]?.stringValue else {
                    let (file, field) = (path, textField)
                    RepeatedWarnings.note("input.nofield.\(path)", item: "\(path):\(number): no string field '\(field)'; skipped") { count, _ in
                        "\(file): \(RepeatedWarnings.count(count)) lines have no string field '\(field)' and were skipped "
                            + "(--text-field names another; --verbose names each line)"
                    }
                    continue
                }
                rows.append(Row(line: number, id: value["id"] ?? .null, text: text, label: labelField.flatMap { value[$0]?.stringValue }))
            }
        }
        return rows
    }
}

/// Output lines to a file or stdout, written as they are produced.
final class LineOutput {
    private let handle: FileHandle
    private let path: String?

    init(path: String?) throws {
        self.path = path
        guard let path else { handle = .standardOutput; return }
        handle = try OutputFile.open(path)
    }

    func write(_ lines: [JSONValue]) throws {
        guard !lines.isEmpty else { return }
        let text = lines.map { JSONWriter.compact($0) + "\n" }.joined()
        do { try handle.write(contentsOf: Data(text.utf8)) } catch {
            throw OutputFileError(path: path ?? "stdout", reason: error.localizedDescription)
        }
    }

    func close() throws {
        guard let path else { return }
        do { try handle.close() } catch { throw OutputFileError(path: path, reason: error.localizedDescription) }
    }
}
