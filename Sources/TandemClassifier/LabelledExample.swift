import Foundation
import TandemCore

/// One taught row: a text and its label.
public struct LabelledExample: Sendable, Codable, Equatable {
    /// The text to classify.
    public var text: String
    /// Its label.
    public var label: String

    /// Creates an example.
    public init(text: String, label: String) { self.text = text; self.label = label }

    /// Reads JSONL rows `{textField: ..., labelField: ...}`. Malformed lines are skipped with a
    /// warning; a row without the label field is an error (the field name is most likely wrong).
    public static func read(path: String, textField: String = "text", labelField: String = "label") throws -> [LabelledExample] {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw ClassifierError.corruptFile(path: path, reason: "cannot read: \(error.localizedDescription)")
        }
        return try parse(String(decoding: data, as: UTF8.self), path: path, textField: textField, labelField: labelField)
    }

    /// Parses JSONL text; see `read(path:textField:labelField:)`.
    public static func parse(_ text: String, path: String = "<input>", textField: String = "text",
                             labelField: String = "label") throws -> [LabelledExample] {
        var out: [LabelledExample] = []
        for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
        where !line.trimmingCharacters(in: .whitespaces).isEmpty {
            let value: JSONValue
            do { value = try JSONParser.parse(String(line)) } catch {
                RepeatedWarnings.note("examples.unreadable.\(path)", item: "\(path):\(i + 1): \(error); skipped") { count, _ in
                    "\(path): \(RepeatedWarnings.count(count)) lines are not JSON and were skipped (--verbose names each)"
                }
                continue
            }
            guard let label = labelString(value[labelField]) else {
                throw ClassifierError.missingField(path: path, line: i + 1, field: labelField)
            }
            guard let body = value[textField]?.stringValue else {
                throw ClassifierError.missingField(path: path, line: i + 1, field: textField)
            }
            out.append(LabelledExample(text: body, label: label))
        }
        guard !out.isEmpty else { throw ClassifierError.noExamples(path: path) }
        return out
    }

    /// Labels may be written as numbers or bools in some datasets; they are names here.
    private static func labelString(_ value: JSONValue?) -> String? {
        switch value {
        case .string(let s): s
        case .number(let n): n == n.rounded() ? String(Int(n)) : String(n)
        case .bool(let b): String(b)
        default: nil
        }
    }
}

/// The label set of a group of examples, in first-seen order, with checks teaching needs.
public struct LabelSet: Sendable, Codable, Equatable {
    /// Labels in a stable order (index = class id).
    public let labels: [String]

    /// Collects labels; throws when fewer than two, warns about labels with a single example.
    public init(examples: [LabelledExample]) throws(ClassifierError) {
        guard let first = examples.first else { throw .noExamples(path: "<examples>") }
        var seen: [String: Int] = [:]
        var order: [String] = []
        for e in examples {
            if seen[e.label] == nil { order.append(e.label) }
            seen[e.label, default: 0] += 1
        }
        guard order.count >= 2 else { throw .singleLabel(first.label) }
        for label in order where seen[label] == 1 {
            Log.warning("label '\(label)' has a single example; it can only be learnt from that one row")
        }
        labels = order
    }

    /// Labels given directly (a loaded classifier).
    public init(labels: [String]) { self.labels = labels }

    /// Class id of `label`.
    public func index(of label: String) -> Int? { labels.firstIndex(of: label) }
}
