import Foundation
import TandemConfig
import TandemCore
import TandemMCP
import TandemOrchestrator
import TandemPlanner
import TandemWorkers

/// What `tandem run` needs before its first record: the MCP servers of a plan with mcp steps,
/// the local model (the config's primary role, or -m), taught classifiers and the receipt
/// memory, gathered into the plan's workers.
struct RunSetup {
    let config: TandemConfiguration
    let configSource: String?
    let configOption: String?
    let mcpConfig: String?
    let modelPath: String?
    let noModel: Bool
    let concurrency: Int
    let kvPool: Bool
    let receiptExamples: String?
    /// Whether the model's receipt choices are measured on the examples and gated (`--no-choice-gate`: not).
    let choiceGate: Bool
    let unsafeNoSandbox: Bool

    /// The workers for `planText`; a setup problem throws `RunSetupFailure` with what to fix.
    func workers(planText: String, planPath: String) async throws -> PlanWorkers {
        var mcpServers: [MCPServerConfig] = []
        if MCPServerOption.planUsesMCP(planText) {
            // The servers of the config this run reads (as `tandem ask` plans with them); only a
            // --config FILE given explicitly stops the search there.
            if mcpConfig == nil, let configSource { mcpServers = try MCPServerOption.servers(of: config, source: configSource) }
            if mcpServers.isEmpty, mcpConfig != nil || configOption == nil || configSource == nil {
                mcpServers = try MCPServerOption.resolve(mcpConfig).servers
            }
            if mcpServers.isEmpty {
                throw RunSetupFailure("\(planPath) has mcp steps but no MCP server is configured: add mcp_servers to tandem.yaml "
                    + "or pass --mcp-config FILE (see `tandem mcp --help`)")
            }
        }
        if unsafeNoSandbox {
            FileHandle.standardError.write(Data("""
                tandem: WARNING: --unsafe-no-sandbox: code steps run WITHOUT a sandbox, with your access to files \
                and the network. Use it only for plans whose code you have read.\n
                """.utf8))
        }
        var model: (any LocalModelClient)?
        if !noModel {
            do {
                model = try await makeRunModelClient(explicitPath: modelPath, config: config, configSource: configSource, slots: concurrency,
                                                     sharedKVPool: kvPool)
            } catch { throw RunSetupFailure(error.description) }
        }
        var taught = TaughtClassifiers.none
        if !config.classifiers.isEmpty {
            // Taught classifiers embed with the local model they were taught on, so they run with it.
            if let model, let file = loadedModel(of: model) {
                do { taught = try TaughtClassifierLoader.load(config.classifiers, model: file) } catch {
                    throw RunSetupFailure("\(configSource ?? "config"): \(error)\n  fix or remove the entry (see docs/taught-classifiers.md)")
                }
            } else {
                let why = model == nil ? "--no-local-model is set" : "the primary model is a server, not a GGUF file in this process"
                Log.warning("classifiers in \(configSource ?? "the config") are not used: they embed with the local model (\(why))")
            }
        }
        var receiptMemory: ReceiptFieldMemory?
        if let path = receiptExamples ?? config.receiptExamplesPath {
            let examples: [ReceiptFieldMemory.Example]
            do { examples = try ReceiptExamplesFile.load(path: path) } catch { throw RunSetupFailure("receipt examples: \(error)") }
            var memory = ReceiptFieldMemory(examples: examples)
            FileHandle.standardError.write(Data(("tandem run: receipt memory from \(path): \(memory.exampleCount) labelled receipts; "
                + memory.summary.joined(separator: "; ") + "; " + memory.calibration.summary.joined(separator: "; ") + "\n").utf8))
            if let model, choiceGate, ChoiceGateStore.planReadsReceiptFields(planText) {
                let learned = try await ChoiceGateStore().gate(examplesPath: path, examples: examples, memory: memory,
                                                               model: model, concurrency: concurrency)
                memory.choiceGate = learned.gate
                FileHandle.standardError.write(Data(("tandem run: the model's receipt choices on the examples"
                    + (learned.cached ? " (measured on an earlier run)" : "") + ": "
                    + learned.gate.summary.joined(separator: "; ") + "\n").utf8))
            }
            receiptMemory = memory
        }
        return try await PlanWorkers.make(model: model, configDirectory: config.keywordsDirectory,
                                                 sandbox: unsafeNoSandbox ? .unsafeNoSandbox : .bubblewrap, mcpServers: mcpServers,
                                                 taught: taught, receiptMemory: receiptMemory)
    }
}

/// `tandem run` could not start: the message says what to fix.
struct RunSetupFailure: Error {
    let message: String
    init(_ message: String) { self.message = message }
}
