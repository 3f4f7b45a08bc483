import CLlama
import Foundation

/// Choice mode: the next tokens must spell one of the labels. At each step only tokens that
/// continue some label are allowed; their logits are softmaxed among themselves, the most likely
/// is taken and its probability multiplied in. The result is the label and the probability of
/// its token path under that restricted distribution — the query classifier's confidence.
struct ChoiceConstraint {
    private final class Node {
        var children: [Token: Node] = [:]
        var label: String?          // a label ends here
        var labelsBelow: [String] = []
    }

    private let root = Node()
    private var node: Node
    private let endTokens: [Token]
    private(set) var probability = 1.0
    private(set) var firstStep: [String: Double] = [:]

    init(labels: [String], tokenizer: Tokenizer, endTokens: [Token]) throws(RuntimeError) {
        let unique = Array(NSOrderedSet(array: labels)) as? [String] ?? labels
        guard !unique.isEmpty, unique.allSatisfy({ !$0.isEmpty }) else {
            throw .invalidParameter(name: "labels", reason: "give at least one non-empty label")
        }
        for label in unique {
            let tokens = try tokenizer.tokenize(label, addSpecial: false, parseSpecial: false)
            guard !tokens.isEmpty else { throw .invalidParameter(name: "labels", reason: "label '\(label)' has no tokens") }
            var n = root
            n.labelsBelow.append(label)
            for t in tokens {
                if n.children[t] == nil { n.children[t] = Node() }
                n = n.children[t]!
                n.labelsBelow.append(label)
            }
            n.label = label
        }
        node = root
        self.endTokens = endTokens
    }

    /// Picks the next token from output row `index`; returns it and whether the choice is complete.
    mutating func step(context: LlamaContext, index: Int32) -> (token: Token?, label: String?) {
        guard let logits = llama_get_logits_ith(context.raw, index) else { return (nil, node.label) }
        var options = node.children.map { (token: $0.key, next: Optional($0.value), logit: logits[Int($0.key)]) }
        if node.label != nil, let end = endTokens.max(by: { logits[Int($0)] < logits[Int($1)] }) {
            options.append((end, nil, logits[Int(end)]))  // ending here is one of the options
        }
        guard let top = options.max(by: { $0.logit < $1.logit }) else { return (nil, node.label) }
        let z = options.reduce(0.0) { $0 + exp(Double($1.logit - top.logit)) }
        if node === root {
            for o in options {
                let share = exp(Double(o.logit - top.logit)) / z
                let labels = o.next?.labelsBelow ?? []
                for l in labels { firstStep[l, default: 0] += share / Double(labels.count) }
            }
        }
        probability *= 1 / z  // exp(top - top) / z
        guard let next = top.next else { return (nil, node.label) }
        node = next
        if next.children.isEmpty { return (top.token, next.label) }
        return (top.token, nil)
    }
}
