import Foundation
import TandemCloud
import TandemConfig
import TandemCore
import TandemMCP
import TandemOrchestrator
import TandemPlanner

/// `tandem ask "REQUEST" --input FILE`: plan a natural-language request, then run it like `tandem run`.
enum AskCommand: Command {
    static let name = "ask"
    static let summary = "Plan a natural-language request with the planner model, then run it over a JSONL file"
    static let help = """
        usage: tandem ask "REQUEST" --input FILE.jsonl [--config tandem.yaml] [--offline] [--json] [--trace FILE]

        The planner model (roles.planner in tandem.yaml) turns REQUEST into a plan over the tool
        catalog; the validator checks it; an invalid plan goes back to the model with the errors (at
        most planner.max_reasks times, default 2); then, or when offline, planning is disabled or no
        planner model is configured, a keyword-selected template from examples/plans/ is used. The
        plan then runs over every input record exactly as `tandem run` runs it. stderr says which
        path made the plan (first_try, after_reask(N) or template(NAME)). The catalog includes the
        code tools (python, sh; run in bubblewrap) and the tools of the MCP servers in the config's
        mcp_servers (without --config and servers in ./tandem.yaml: those of $TANDEM_CONFIG or
        ~/.config/tandem/config.json, as `tandem mcp` reads them), named SERVER.TOOL.

        options:
          --input FILE          JSONL input, one JSON object per line (required)
          --config FILE         config file (default: tandem.yaml when present, else built-in defaults)
          --out FILE            results, one JSON line per record (default: stdout)
          --plan-out FILE       also write the plan used (default: not written)
          --trace FILE          write the planning trace (attempts, validator errors, outcome) as JSON
          --json                print the run summary as JSON (needs --out)
          --no-local-model      run local steps on their keyword/rule fallbacks
          -m, --model PATH      local model (default: the first model of the config's primary role
                                that loads, as `tandem run --config` picks it, else
                                models/SmolLM2-135M-Instruct.Q4_1.gguf)
          --offline             (global) never contact a remote planner: templates only

        examples:
          tandem ask "categorize the items in these receipts and total them by category" \\
              --input examples/receipts/sample.jsonl --out results.jsonl
          tandem --offline ask "extract the fields of each receipt" --input examples/receipts/sample.jsonl --no-local-model
        """

    static func run(_ arguments: inout Arguments) async throws -> Int32 {
        let input = try arguments.option("--input")
        let configPath = try arguments.option("--config")
        let outPath = try arguments.option("--out")
        let planOut = try arguments.option("--plan-out")
        let tracePath = try arguments.option("--trace")
        let json = arguments.flag("--json")
        let noModel = arguments.flag("--no-local-model")
        let modelPath = try arguments.option("--model", "-m")
        guard let request = arguments.positional() else { throw UsageError("give the REQUEST to plan, in quotes") }
        try arguments.finish()
        guard let input else { throw UsageError("--input FILE.jsonl is required") }

        let (config, source) = try ConfigFileOption.load(configPath)
        if config.offline { EgressPolicy.setProcessOffline(true) }
        // The planner sees the MCP servers' tools too (servers from this tandem.yaml, else where
        // `tandem run` looks); the run below starts them again from the same file.
        var mcp: (servers: [MCPServerConfig], source: String?) = ([], nil)
        if let source { mcp = (try MCPServerOption.servers(of: config, source: source), source) }
        if mcp.servers.isEmpty && configPath == nil { mcp = try MCPServerOption.resolve(nil) }
        let workers = try await PlanWorkers.make(model: nil, configDirectory: config.keywordsDirectory, mcpServers: mcp.servers)
        let result: PlanningResult
        do { result = try await makePlanner(config: config, registry: workers.registry).plan(request) } catch {
            await workers.shutdown()
            throw error
        }
        await workers.shutdown()
        FileHandle.standardError.write(Data("tandem ask: plan made by \(result.trace.outcome)\n".utf8))
        if let tracePath {
            try Data((JSONWriter.pretty(["request": .string(request), "planning": result.trace.json, "plan": result.json]) + "\n").utf8)
                .write(to: URL(fileURLWithPath: tracePath))
        }
        let planPath = planOut ?? FileManager.default.temporaryDirectory.appendingPathComponent("tandem-ask-\(getpid()).json").path
        try Data((JSONWriter.pretty(result.json) + "\n").utf8).write(to: URL(fileURLWithPath: planPath))
        defer { if planOut == nil { try? FileManager.default.removeItem(atPath: planPath) } }

        // The same path as `tandem run`, so asked plans and written plans behave alike: the same
        // config file (its primary role picks the local model, with fallback), or none.
        var runArguments = [planPath, "--input", input, "--config", source ?? config.keywordsDirectory]
        if let outPath { runArguments += ["--out", outPath] }
        if json { runArguments.append("--json") }
        if noModel { runArguments.append("--no-local-model") }
        if let mcpSource = mcp.source, !mcp.servers.isEmpty { runArguments += ["--mcp-config", mcpSource] }
        if let modelPath { runArguments += ["--model", modelPath] }
        var run = Arguments(runArguments)
        return try await RunCommand.run(&run)
    }

    /// The planner the config asks for: templates only when offline or planning is disabled.
    static func makePlanner(config: TandemConfiguration, registry: WorkerRegistry) throws -> Planner {
        let templates = try PlanTemplateLibrary(directory: config.planner.templatesDirectory)
        if EgressPolicy.current.isOffline || config.offline {
            return Planner(registry: registry, templates: templates, client: nil,
                           skipReason: "offline mode: the planner model is not asked; using a predefined plan")
        }
        if !config.planner.enabled {
            return Planner(registry: registry, templates: templates, client: nil,
                           skipReason: "planning is disabled (planner.enabled: false); using a predefined plan")
        }
        var skipped: [String] = []
        let client = ModelRouter(configuration: config).planningClient(ledger: CostLedger(), skipped: &skipped)
        for reason in skipped { Log.warning("planner model skipped: \(reason)") }
        return Planner(registry: registry, templates: templates, client: client, maxReasks: config.planner.maxReasks)
    }
}
