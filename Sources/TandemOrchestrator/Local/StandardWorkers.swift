import TandemCore

/// The workers a default build offers: the built-in local tools (on the local model, or on their
/// fallbacks when it is off) and the built-in functions. Kinds `code`, `mcp` and `cloud` are
/// registered by their own modules on top of this.
public enum StandardWorkers {
    /// The built-in local tools, their keyword fallbacks reading `rules`.
    public static func localTools(rules: KeywordRuleBook) -> [any LocalTool] {
        [ReceiptFieldsTool(), LineItemsTool(), CategorizeItemsTool(rules: rules), ClassifyTextTool(rules: rules),
         SentimentTool(rules: rules), EntitiesTool()]
    }

    /// A registry with the local-model worker and the function worker.
    public static func registry(localModel: (any LocalModelClient)?, rules: KeywordRuleBook,
                                functions: FunctionRegistry = .standard) -> WorkerRegistry {
        var registry = WorkerRegistry()
        registry.register(LocalModelWorker(model: localModel, tools: localTools(rules: rules)))
        registry.register(FunctionWorker(registry: functions))
        return registry
    }
}
