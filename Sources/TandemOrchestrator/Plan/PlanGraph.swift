import Foundation
import TandemCore

/// Draws a plan's dependency graph as Graphviz DOT or Mermaid text: inputs, steps (id, kind and
/// tool; `map` steps marked), and the output, with an edge from each result to its users.
public enum PlanGraph {
    /// The text format.
    public enum Format: String, Sendable, CaseIterable {
        /// Graphviz (`dot -Tsvg`).
        case dot
        /// Mermaid flowchart (renders in Markdown on GitHub).
        case mermaid
    }

    /// The graph of `plan` in `format`.
    public static func render(_ plan: CompiledPlan, format: Format) -> String {
        let steps = plan.steps
        var inputEdges: [(String, Int)] = []
        var outputSources = Set<Int>()
        for (i, step) in steps.enumerated() {
            var refs = references(in: step.args)
            if let map = step.map { refs += references(in: .string(map)) }
            for case .input(let name) in Set(refs.map(\.source)) { inputEdges.append((name, i)) }
        }
        for case .step(let id) in references(in: plan.plan.output).map(\.source) {
            if let i = plan.stepIndex[id] { outputSources.insert(i) }
        }
        let hasOutput = !plan.plan.output.isNull
        switch format {
        case .dot:
            var out = "digraph plan {\n  rankdir=LR;\n  node [shape=box, fontname=\"Helvetica\"];\n"
            for input in plan.plan.inputs { out += "  \(quote("input:" + input.name)) [shape=ellipse, label=\(quote("input: " + input.name))];\n" }
            for step in steps { out += "  \(quote(step.id)) [label=\(quote(label(step, newline: "\n")))];\n" }
            if hasOutput { out += "  \"output\" [shape=doubleoctagon];\n" }
            for (name, i) in inputEdges { out += "  \(quote("input:" + name)) -> \(quote(steps[i].id));\n" }
            for (i, deps) in plan.dependencies.enumerated() {
                for d in deps { out += "  \(quote(steps[d].id)) -> \(quote(steps[i].id));\n" }
            }
            for i in outputSources.sorted() { out += "  \(quote(steps[i].id)) -> \"output\";\n" }
            return out + "}\n"
        case .mermaid:
            var out = "flowchart LR\n"
            let inputIDs = Dictionary(plan.plan.inputs.enumerated().map { ($1.name, "in\($0)") }, uniquingKeysWith: { a, _ in a })
            for input in plan.plan.inputs { out += "  \(inputIDs[input.name]!)([\(mermaidText("input: " + input.name))])\n" }
            for (i, step) in steps.enumerated() { out += "  s\(i)[\(mermaidText(label(step, newline: "<br/>")))]\n" }
            if hasOutput { out += "  out[[\"output\"]]\n" }
            for (name, i) in inputEdges { if let id = inputIDs[name] { out += "  \(id) --> s\(i)\n" } }
            for (i, deps) in plan.dependencies.enumerated() { for d in deps { out += "  s\(d) --> s\(i)\n" } }
            for i in outputSources.sorted() { out += "  s\(i) --> out\n" }
            return out
        }
    }

    private static func label(_ step: PlanStep, newline: String) -> String {
        step.id + newline + step.kind.rawValue + ": " + step.tool + (step.map == nil ? "" : newline + "map over \(step.map!)")
    }

    private static func references(in value: JSONValue) -> [PlanReference] {
        var refs: [ArgumentTemplate.Located] = []
        var problems: [(String, String)] = []
        _ = ArgumentTemplate.compile(value, pointer: "", references: &refs, problems: &problems)
        return refs.map(\.reference)
    }

    private static func quote(_ s: String) -> String { JSONWriter.quote(s) }

    /// Mermaid wants labels in double quotes, with `"` written as `#quot;`.
    private static func mermaidText(_ s: String) -> String {
        "\"" + s.replacingOccurrences(of: "\"", with: "#quot;") + "\""
    }
}
