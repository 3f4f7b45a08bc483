import Foundation
import TandemCore
import TandemRuntime

/// Few-shot and zero-shot classification with the serving core's choice mode: the label is read
/// from constrained logits, so the answer is always one of the labels and carries a probability.
public struct PromptedChooser: Sendable {
    /// The engine that decodes the prompts (its prompt cache shares the common system prefix).
    public let engine: Engine
    /// Labels, in class-id order.
    public let labels: [String]
    /// Example and query texts are cut to this many characters (with a warning) to fit the context.
    public let maxTextCharacters: Int

    /// Creates a chooser.
    public init(engine: Engine, labels: [String], maxTextCharacters: Int = 600) {
        self.engine = engine; self.labels = labels; self.maxTextCharacters = maxTextCharacters
    }

    /// The system turn, identical for every request so its KV cells are reused.
    var instruction: String {
        "Classify the text into exactly one of these labels: \(labels.joined(separator: ", ")). Reply with the label only."
    }

    /// Probabilities per class for `text`; `examples` (most similar last) become user/assistant turns.
    public func distribution(for text: String, examples: [LabelledExample]) async throws -> [Double] {
        var messages: [ChatMessage] = [.system(instruction)]
        for e in examples { messages += [.user(clipped(e.text)), .assistant(e.label)] }
        messages.append(.user(clipped(text)))
        let choice = try await engine.choose(.messages(messages), labels: labels)
        return Self.distribution(from: choice, labels: labels)
    }

    /// Runs many requests at once so the engine can decode them in one batch.
    public func distributions(for texts: [String], examples: [[LabelledExample]]) async throws -> [[Double]] {
        let width = max(1, engine.parameters.sequences)
        var out = [[Double]](repeating: [], count: texts.count)
        try await withThrowingTaskGroup(of: (Int, [Double]).self) { group in
            var next = 0
            func add() {
                let i = next
                group.addTask { (i, try await distribution(for: texts[i], examples: i < examples.count ? examples[i] : [])) }
                next += 1
            }
            while next < min(width, texts.count) { add() }
            while let (i, d) = try await group.next() {
                out[i] = d
                if next < texts.count { add() }
            }
        }
        return out
    }

    /// The chosen label gets its probability; the rest is shared by the first-step distribution.
    static func distribution(from choice: ChoiceResult, labels: [String]) -> [Double] {
        let chosen = labels.firstIndex(of: choice.label) ?? 0
        let p = min(max(choice.probability, 1e-6), 1 - 1e-6)
        var others = labels.enumerated().map { $0.offset == chosen ? 0 : max(choice.firstStepDistribution[$0.element] ?? 0, 1e-6) }
        let sum = others.reduce(0, +)
        others = others.map { $0 / sum * (1 - p) }
        others[chosen] = p
        return others
    }

    private func clipped(_ text: String) -> String {
        guard text.count > maxTextCharacters else { return text }
        let limit = maxTextCharacters
        RepeatedWarnings.note("prompt.cut.\(limit)", item: "a text of \(text.count) characters was cut to \(limit) to fit the prompt") { count, _ in
            "\(RepeatedWarnings.count(count)) texts were longer than \(limit) characters and were cut to fit the few-shot prompt "
                + "(--verbose lists each)"
        }
        return String(text.prefix(maxTextCharacters))
    }
}
