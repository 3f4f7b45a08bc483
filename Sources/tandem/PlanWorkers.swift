import TandemMCP
import TandemOrchestrator
import TandemPlanner
import TandemWorkers
import TandemSandbox

/// The workers a command validates and runs plans with: the built-in local tools, functions and
/// sandboxed code, plus the tools of the configured MCP servers. Call `shutdown()` when done, so
/// the servers are stopped rather than left to notice their closed stdin.
struct PlanWorkers {
    /// The catalog the validator and the planner see, and the workers the executor calls.
    let registry: WorkerRegistry
    /// The local model the tools call (nil with --no-local-model).
    let model: (any LocalModelClient)?
    private let hub: MCPHub?

    /// Starts the MCP servers in `mcpServers` (none: no `mcp` worker) and lists their tools; the
    /// labelling tools ask the `taught` classifiers first; `receiptMemory` corrects receipt fields.
    static func make(model: (any LocalModelClient)?, configDirectory: String, sandbox: SandboxIsolation = .bubblewrap,
                     mcpServers: [MCPServerConfig] = [], taught: TaughtClassifiers = .none,
                     receiptMemory: ReceiptFieldMemory? = nil) async throws -> PlanWorkers {
        let standard = StandardWorkers.registry(localModel: model, rules: try KeywordRuleBook(directory: configDirectory),
                                                sandbox: sandbox, taught: taught, receiptMemory: receiptMemory)
        let (registry, hub) = await StandardWorkers.withMCP(standard, servers: mcpServers)
        return PlanWorkers(registry: registry, model: model, hub: hub)
    }

    /// The figures of each server when the local model runs on a pool (empty otherwise).
    func endpointStatus() async -> [EndpointStatus] {
        await model.flatMap(endpointPool(of:))?.status() ?? []
    }

    /// Stops the MCP servers.
    func shutdown() async { await hub?.shutdown() }
}
