import TandemCore
import TandemMCP
import TandemOrchestrator
import TandemSandbox

/// The workers a default build offers: the built-in local tools (on the local model, or on their
/// fallbacks when it is off), the built-in functions and sandboxed code. MCP servers' tools are
/// added by `withMCP` when servers are configured; kind `cloud` has no worker yet.
public enum StandardWorkers {
    /// The built-in local tools, their keyword fallbacks reading `rules`; the labelling tools ask
    /// `taught` classifiers first, and receipt fields are corrected by `receiptMemory`.
    public static func localTools(rules: KeywordRuleBook, taught: TaughtClassifiers = .none,
                                  receiptMemory: ReceiptFieldMemory? = nil) -> [any LocalTool] {
        [ReceiptFieldsTool(memory: receiptMemory), LineItemsTool(), CategorizeItemsTool(rules: rules, taught: taught),
         ClassifyTextTool(rules: rules, taught: taught), SentimentTool(rules: rules, taught: taught), EntitiesTool()]
    }

    /// A registry with the local-model worker, the function worker and the code worker.
    ///
    /// Code steps run in bubblewrap; `sandbox: .unsafeNoSandbox` (only for `--unsafe-no-sandbox`)
    /// runs them directly on the host, with a warning on every run.
    public static func registry(localModel: (any LocalModelClient)?, rules: KeywordRuleBook,
                                functions: FunctionRegistry = .standard,
                                sandbox: SandboxIsolation = .bubblewrap, taught: TaughtClassifiers = .none,
                                receiptMemory: ReceiptFieldMemory? = nil) -> WorkerRegistry {
        var registry = WorkerRegistry()
        registry.register(LocalModelWorker(model: localModel, tools: localTools(rules: rules, taught: taught, receiptMemory: receiptMemory)))
        registry.register(FunctionWorker(registry: functions))
        registry.register(CodeWorker(isolation: sandbox))
        return registry
    }

    /// `registry` plus an `MCPWorker` over `servers` (started now, so their tools enter the
    /// catalog the validator and planner see); unchanged when `servers` is empty. Shut the
    /// returned hub down when the run is over.
    public static func withMCP(_ registry: WorkerRegistry, servers: [MCPServerConfig]) async -> (WorkerRegistry, MCPHub?) {
        guard !servers.isEmpty else { return (registry, nil) }
        let hub = MCPHub(servers: servers)
        var extended = registry
        extended.register(await MCPWorker.connect(hub))
        return (extended, hub)
    }
}
