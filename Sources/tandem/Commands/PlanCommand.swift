import Foundation
import TandemCore
import TandemOrchestrator

/// `tandem plan validate|graph|tools`: check a plan, draw it, list the tools plans can use.
enum PlanCommand: Command {
    static let name = "plan"
    static let summary = "Validate a plan, draw its graph, or list the tools plans can use"
    static let help = """
        usage: tandem plan validate FILE [--json] [--config DIR]
               tandem plan graph FILE [--format dot|mermaid] [--config DIR]
               tandem plan tools [--json] [--config DIR]

        validate   Check FILE (plan JSON, see docs/plans.md): structure, unique ids, known kinds and
                   tools, every {{reference}} resolvable, argument types against each tool's schema,
                   no cycles, size limits. Every problem is listed at once with its step and JSON
                   pointer. Exit status 0 when valid, 1 when not.
        graph      Print FILE's dependency graph as Graphviz DOT or Mermaid text.
        tools      Print the tool catalog (kinds, names, descriptions, argument and result schemas):
                   what the planner prompt is built from.

        options:
          --json            validate/tools: machine-readable output ({"valid", "errors": [{"code", "step",
                            "pointer", "message"}]} for validate)
          --format FORMAT   graph: dot (default) or mermaid
          --config DIR      directory with *.keywords.json label sets (default: config)

        examples:
          tandem plan validate examples/receipts/plan.json
          tandem plan graph examples/receipts/plan.json --format mermaid
          tandem plan graph examples/receipts/plan.json | dot -Tsvg > plan.svg
        """

    static func run(_ arguments: inout Arguments) async throws -> Int32 {
        let json = arguments.flag("--json")
        let format = try arguments.option("--format") ?? "dot"
        let config = try arguments.option("--config") ?? "config"
        guard let action = arguments.positional() else { throw UsageError("say what to do: validate, graph or tools") }
        let registry = try RunCommand.workerRegistry(model: nil, configDirectory: config)
        switch action {
        case "tools":
            try arguments.finish()
            print(json ? JSONWriter.pretty(registry.catalogJSON) : toolList(registry))
            return 0
        case "validate", "graph":
            guard let path = arguments.positional() else { throw UsageError("\(action) needs a plan FILE") }
            try arguments.finish()
            guard let graphFormat = PlanGraph.Format(rawValue: format) else {
                throw UsageError("--format must be dot or mermaid, got '\(format)'")
            }
            let text: String
            do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
                FileHandle.standardError.write(Data("tandem: cannot read plan \(path): \(error.localizedDescription)\n".utf8))
                return 1
            }
            let compiled: CompiledPlan
            do { compiled = try PlanValidator(registry: registry).compile(text: text) } catch {
                if json && action == "validate" { print(JSONWriter.pretty(error.json)) } else {
                    FileHandle.standardError.write(Data("tandem: \(path): \(error)\n".utf8))
                }
                return 1
            }
            if action == "graph" {
                print(PlanGraph.render(compiled, format: graphFormat), terminator: "")
            } else if json {
                print(JSONWriter.pretty(["valid": true, "steps": .number(Double(compiled.steps.count)),
                                         "inputs": .array(compiled.plan.inputs.map { .string($0.name) })]))
            } else {
                let kinds = Dictionary(grouping: compiled.steps, by: \.kind.rawValue).map { "\($0.key) \($0.value.count)" }.sorted()
                print("\(path) is valid: \(compiled.steps.count) steps (\(kinds.joined(separator: ", "))), inputs: \(compiled.plan.inputs.map(\.name).joined(separator: ", "))")
            }
            return 0
        default:
            throw UsageError("unknown plan action '\(action)'; use validate, graph or tools")
        }
    }

    private static func toolList(_ registry: WorkerRegistry) -> String {
        registry.catalog.map { tool in
            let args = tool.argsSchema["properties"]?.objectValue?.map(\.0).joined(separator: ", ") ?? ""
            return "\(tool.kind.rawValue)/\(tool.name)(\(args))\n    \(tool.description)"
        }.joined(separator: "\n")
    }
}
