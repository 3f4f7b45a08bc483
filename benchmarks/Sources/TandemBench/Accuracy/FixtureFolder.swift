import Foundation
import TandemCore
import TandemOrchestrator

/// A folder of evaluation fixtures in the shared schema (`receipts.jsonl`, `line_items.jsonl` +
/// `line_items_labels.json`, `routing.jsonl`, `intents.jsonl`, `sentiment.jsonl`; any subset).
struct FixtureFolder: Sendable {
    /// One usable row: its 1-based line number and the object.
    struct Row: Sendable {
        let line: Int
        let value: JSONValue
    }

    /// The usable rows of a file, and `file:line: problem` for every line that is not.
    struct Rows: Sendable {
        var rows: [Row] = []
        var problems: [String] = []
    }

    let directory: String
    /// The task files present, in the schema's order.
    let tasks: [AccuracyTask]

    /// Opens `directory`; throws when it does not exist or holds none of the known files.
    init(directory: String) throws(BenchError) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw .fixturesMissing(directory)
        }
        self.directory = directory
        tasks = AccuracyTask.allCases.filter { FileManager.default.fileExists(atPath: directory + "/" + $0.file) }
        guard !tasks.isEmpty else { throw .fixturesEmpty(directory, expected: AccuracyTask.allCases.map(\.file)) }
    }

    /// Reads a task's file: rows that are JSON objects with the task's required string fields;
    /// every other line is reported by number and skipped, and the rest are still scored.
    func rows(_ task: AccuracyTask) throws(BenchError) -> Rows {
        let path = directory + "/" + task.file
        let lines: [JSONLLine]
        do { lines = try JSONLReader.read(path: path) } catch { throw .fixtureUnreadable(path: path, reason: error.description) }
        var out = Rows()
        for line in lines {
            switch line {
            case .malformed(let n, let message):
                out.problems.append("\(task.file):\(n): \(message.replacingOccurrences(of: "line \(n): ", with: "").replacingOccurrences(of: "at line 1, column", with: "at column"))")
            case .record(let n, let value):
                if let missing = task.requiredKeys.first(where: { (value[$0]?.stringValue ?? "").trimmingCharacters(in: .whitespaces).isEmpty }) {
                    out.problems.append("\(task.file):\(n): key '\(missing)' missing or not a non-empty string")
                } else if task == .receipts, value["fields"]?.objectValue == nil {
                    out.problems.append("\(task.file):\(n): 'fields' must be an object")
                } else {
                    out.rows.append(Row(line: n, value: value))
                }
            }
        }
        return out
    }

    /// `line_items_labels.json`'s label list, nil when the file is absent or has none.
    func lineItemLabels() -> (labels: [String]?, problem: String?) {
        let path = directory + "/line_items_labels.json"
        guard let data = FileManager.default.contents(atPath: path) else { return (nil, nil) }
        guard let json = try? JSONParser.parse(bytes: Array(data)),
              let labels = json["labels"]?.arrayValue?.compactMap(\.stringValue), !labels.isEmpty else {
            return (nil, "line_items_labels.json: no \"labels\" list of strings; using the categories found in the data")
        }
        return (labels, nil)
    }

    /// `limit` rows spread evenly over `rows` (files are often grouped by label, so the first N
    /// would cover only a few labels).
    static func spread<T>(_ rows: [T], limit: Int?) -> [T] {
        guard let limit, limit < rows.count else { return rows }
        return (0..<limit).map { rows[$0 * rows.count / limit] }
    }
}
