import Foundation

/// The fixture tasks: which file, which fields, and the task-level instructions the model gets.
/// Instructions describe the task and its label vocabulary, never individual rows.
enum AccuracyTask: String, Sendable, CaseIterable {
    case receipts
    case lineItems = "line_items"
    case routing
    case intents
    case sentiment

    var file: String { rawValue + ".jsonl" }

    /// String fields a row must have to be scored.
    var requiredKeys: [String] {
        switch self {
        case .receipts: ["id", "text"]
        case .lineItems: ["id", "item", "category"]
        case .routing: ["id", "query", "label"]
        case .intents: ["id", "text", "label"]
        case .sentiment: ["id", "text", "label"]
        }
    }

    /// The field holding the text to classify, and the gold label's field.
    var textKey: String { switch self { case .lineItems: "item"; case .routing: "query"; default: "text" } }
    var labelKey: String { self == .lineItems ? "category" : "label" }

    /// What the model is told before the text (the labels are listed after it).
    var instructions: String {
        switch self {
        case .receipts, .lineItems, .sentiment: ""  // their tools carry their own instructions
        case .routing:
            "The text is a question a user asks a database assistant, followed by the database's tables and columns. Decide how the question can be handled."
        case .intents: "The text is a request spoken to a voice assistant. Pick what the user wants to do."
        }
    }

    /// Short glosses for label names this task is known to use; other labels stand for themselves.
    var glossary: [String: String] {
        switch self {
        case .routing:
            ["answerable": "an SQL query over these tables answers it",
             "ambiguous": "too vague or incomplete to know what is asked",
             "lack data": "needs facts that are not in these tables",
             "unanswerable by sql": "asks for an action or analysis SQL cannot do",
             "small talk": "chit-chat, not a question about the data"]
        default: [:]
        }
    }

    /// The instruction block for `labels` (as shown to the model).
    func instructionBlock(labels: [String]) -> String {
        let lines = labels.map { label in glossary[label].map { "- \(label): \($0)" } ?? "- \(label)" }
        return instructions + "\nLabels:\n" + lines.joined(separator: "\n")
    }
}

/// Label names as the model reads them: `AddToPlaylist` → `add to playlist`, `lack_data` →
/// `lack data`. Mapping back is by position, so it works for any label set.
struct LabelPresentation: Sendable {
    let original: [String]
    let shown: [String]

    init(_ labels: [String]) {
        original = labels
        let readable = labels.map(Self.readable)
        // Fall back to the raw names if the readable forms would collide.
        shown = Set(readable).count == readable.count ? readable : labels
    }

    /// The data's label for a label the model chose.
    func original(for shownLabel: String) -> String? {
        shown.firstIndex(of: shownLabel).map { original[$0] }
    }

    static func readable(_ label: String) -> String {
        var out = ""
        var previous: Character?
        for c in label {
            if c == "_" || c == "-" { out.append(" ") } else {
                if c.isUppercase, let p = previous, p.isLowercase || p.isNumber { out.append(" ") }
                out.append(c)
            }
            previous = c
        }
        return out.lowercased().split(separator: " ").joined(separator: " ")
    }
}
