import TandemOrchestrator

/// How close a taught value must be found in a receipt before a `ReceiptFieldMemory` replaces
/// that field, and what that closeness did on the examples it was learned from.
public struct ReceiptMemoryGate: Sendable, Equatable {
    /// The closenesses tried, in edits per character.
    public static let candidates = [0.05, 0.10, 0.15, 0.20]
    /// Most examples read back when learning (evenly spread), which bounds the start-up time.
    public static let maxValidated = 300

    /// Edits per character up to which a recall replaces the field; 0: never.
    public let maxDistance: Double
    /// Held-out examples where a recall fixed a field the rules got wrong, and where it broke one
    /// they got right (0 for a fixed gate).
    public let wins: Int, losses: Int
    /// Examples read back while learning.
    public let validated: Int

    /// A fixed gate.
    public init(maxDistance: Double, wins: Int = 0, losses: Int = 0, validated: Int = 0) {
        self.maxDistance = maxDistance
        self.wins = wins
        self.losses = losses
        self.validated = validated
    }

    /// Reads every (sampled) example back with a memory of the others (`recall(text, example,
    /// limit)`), compares the recall and the rules' value (`ruled`, the rules' reading of each
    /// example, in order) with the example's gold field, and keeps the closeness with the most
    /// wins over losses: the smallest on a tie, off when none wins.
    static func learn(field: String, examples: [ReceiptFieldMemory.Example], ruled: [ReceiptEvidence],
                      recall: (String, ReceiptFieldMemory.Example, Double) -> ReceiptFieldMemory.Recall?) -> ReceiptMemoryGate {
        let stride = max(1, (examples.count + maxValidated - 1) / maxValidated)
        var wins = [Int](repeating: 0, count: candidates.count), losses = wins
        var validated = 0
        for index in Swift.stride(from: 0, to: examples.count, by: stride) {
            let example = examples[index]
            guard let gold = example.fields[field], !gold.isEmpty else { continue }
            validated += 1
            guard let found = recall(example.text, example, candidates.last!) else { continue }
            let rulesRight = FieldScorer.matches(field: field, predicted: .string(ruled[index].fields[field]?.value ?? ""),
                                                 expected: .string(gold))
            let recallRight = FieldScorer.matches(field: field, predicted: .string(found.text), expected: .string(gold))
            guard rulesRight != recallRight else { continue }
            for (i, limit) in candidates.enumerated() where found.distance <= limit {
                if recallRight { wins[i] += 1 } else { losses[i] += 1 }
            }
        }
        let best = candidates.indices.max { a, b in
            let (na, nb) = (wins[a] - losses[a], wins[b] - losses[b])
            return na != nb ? na < nb : a > b  // on a tie the smaller closeness wins
        }
        guard let best, wins[best] > losses[best] else {
            return ReceiptMemoryGate(maxDistance: 0, wins: 0, losses: 0, validated: validated)
        }
        return ReceiptMemoryGate(maxDistance: candidates[best], wins: wins[best], losses: losses[best], validated: validated)
    }
}
