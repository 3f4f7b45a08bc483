import Foundation
import TandemCore
import TandemOrchestrator

/// The texts the embed suite embeds: the fixture folder's text fields (sentiment sentences,
/// intents, routing questions, product names), interleaved file by file so the mix of lengths is
/// the same whatever the count; without fixtures, varied sentences from a fixed seed.
enum EmbedWorkload {
    /// The tasks whose text fields are read (`AccuracyTask.textKey`), in interleaving order.
    static let sources: [AccuracyTask] = [.sentiment, .intents, .routing, .lineItems]
    /// Longer texts are cut here, so both sides embed the same text well inside a 512-token slot.
    static let maxCharacters = 1_000

    static func texts(count: Int, fixtures: String) -> (texts: [String], source: String) {
        var columns: [[String]] = []
        for task in sources {
            guard let lines = try? JSONLReader.read(path: fixtures + "/" + task.file) else { continue }
            let texts = lines.compactMap { line -> String? in
                guard case .record(_, let value) = line, let t = value[task.textKey]?.stringValue, !t.isEmpty else { return nil }
                return String(t.prefix(maxCharacters))
            }
            if !texts.isEmpty { columns.append(texts) }
        }
        guard !columns.isEmpty else { return (synthetic(count), "synthetic sentences (no fixture texts in \(fixtures))") }
        var out: [String] = []
        var row = 0
        while out.count < count {
            var added = false
            for column in columns where row < column.count && out.count < count {
                out.append(column[row])
                added = true
            }
            if !added { row = 0; continue }  // every file used up: go round again
            row += 1
        }
        return (out, "text fields of \(fixtures)")
    }

    private static func synthetic(_ count: Int) -> [String] {
        let words = ["the", "receipt", "shows", "a", "total", "of", "coffee", "beans", "delivered", "late", "but", "fresh",
                     "order", "invoice", "my", "play", "song", "weather", "tomorrow", "in", "book", "table", "for", "two"]
        var rng = SeededRandom(seed: 42)
        return (0..<count).map { _ in
            (0..<Int.random(in: 6...30, using: &rng)).map { _ in words[Int.random(in: 0..<words.count, using: &rng)] }.joined(separator: " ")
        }
    }
}
