import Foundation
import TandemCore
import TandemOrchestrator

/// `tandem plan validate|graph|tools`: check a plan, draw it, list the tools plans can use.
enum PlanCommand: Command {
    static let name = "plan"
    static let summary = "Validate a plan, draw its graph, or list the tools plans can use"
    static let help = """
        usage: tandem plan validate FILE [--json] [--config DIR] [--mcp-config FILE]
               tandem plan graph FILE [--format dot|mermaid] [--config DIR] [--mcp-config FILE]
               tandem plan tools [--json] [--config DIR] [--mcp-config FILE]

        validate   Check FILE (plan JSON, see docs/plans.md): structure, unique ids, known kinds and
                   tools, every {{reference}} resolvable, argument types against each tool's schema,
                   no cycles, size limits. Every problem is listed at once with its step and JSON
                   pointer. Exit status 0 when valid, 1 when not.
        graph      Print FILE's dependency graph as Graphviz DOT or Mermaid text.
        tools      Print the tool catalog (kinds, names, descriptions, argument and result schemas):
                   what the planner prompt is built from. It includes the code tools (python, sh)
                   and every configured MCP server's tools as SERVER.TOOL (the servers are started
                   to list them).

        options:
          --json            validate/tools: machine-readable output ({"valid", "errors": [{"code", "step",
                            "pointer", "message"}]} for validate)
          --format FORMAT   graph: dot (default) or mermaid
          --config DIR      directory with *.keywords.json label sets (default: config)
          --mcp-config FILE MCP servers (JSON as `tandem mcp` reads it, or tandem.yaml); default:
                            ./tandem.yaml when it configures servers, else $TANDEM_CONFIG or
                            ~/.config/tandem/config.json. validate/graph start them only for plans
                            with mcp steps

        examples:
          tandem plan validate examples/receipts/plan.json
          tandem plan graph examples/receipts/plan.json --format mermaid
          tandem plan graph examples/receipts/plan.json | dot -Tsvg > plan.svg
        """

    static func run(_ arguments: inout Arguments) async throws -> Int32 {
        let json = arguments.flag("--json")
        let format = try arguments.option("--format") ?? "dot"
        let config = try arguments.option("--config") ?? "config"
        let mcpConfig = try arguments.option("--mcp-config")
        guard let action = arguments.positional() else { throw UsageError("say what to do: validate, graph or tools") }
        switch action {
        case "tools":
            try arguments.finish()
            let workers = try await PlanWorkers.make(model: nil, configDirectory: config,
                                                     mcpServers: try MCPServerOption.resolve(mcpConfig).servers)
            print(json ? JSONWriter.pretty(workers.registry.catalogJSON) : toolList(workers.registry))
            await workers.shutdown()
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
            let servers = MCPServerOption.planUsesMCP(text) ? try MCPServerOption.resolve(mcpConfig).servers : []
            let workers = try await PlanWorkers.make(model: nil, configDirectory: config, mcpServers: servers)
            await workers.shutdown()  // validation needs only the tool list
            let registry = workers.registry
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
