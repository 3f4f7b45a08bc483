import Foundation
import TandemConfig
import TandemCore
import TandemMCP
import TandemOrchestrator
import TandemPlanner
import TandemWorkers

/// `tandem run PLAN --input FILE.jsonl`: run a plan over every record of a JSONL file, offline.
enum RunCommand: Command {
    static let name = "run"
    static let summary = "Run a plan over every record of a JSONL file (e.g. the receipt pipeline)"
    static let help = """
        usage: tandem run PLAN --input FILE.jsonl [--out results.jsonl] [options]

        Runs the plan once per input line, several records at once, fully offline: each record's
        fields are the plan's inputs (a receipt needs "text"). Local-model steps run on the local
        model (see --config and -m), their independent calls decoded together in one batch, each
        call recorded in the cost ledger (provider "local", $0, ok or failed; `tandem status` and
        `tandem cost` count them); each step falls back to its keyword/rule version when the
        model is off, fails, or returns invalid output. A bad line is reported with its number
        and the other records are still processed. Prints a progress bar, then: records/s,
        per-step latency p50/p95, fallback rate, accuracy when records carry labels (a "fields"
        object), and the cost of this run's tokens locally ($0) against cloud prices.

        options:
          --input FILE          JSONL input, one JSON object per line (required)
          --out FILE            write one result per line, in input order (default: stdout, with the
                                summary on stderr)
          --trace FILE          write every record's step traces (worker, model, tokens, cache hits,
                                duration, fallback, error) as JSON
          --config FILE         tandem.yaml (default: tandem.yaml when present, else built-in
                                defaults): local-model steps use the first model of role `primary`
                                that loads (on its device and context), going down the role's list
                                past missing files and load errors, each logged; stderr names the
                                model used. Its keywords_dir applies too (default: config), and
                                its classifiers (taught with `tandem teach` for that model) answer
                                categorize_items, classify_text and sentiment first when they are
                                sure. A directory here is the older form: the *.keywords.json label sets
          --receipt-examples FILE
                                labelled receipts, JSONL {"text": ..., "fields": {"company": ...,
                                "address": ...}} (the fixtures' schema; default: the config's
                                receipt_examples): extract_receipt_fields then reads the company
                                and address of a shop it was taught as the examples write them,
                                fixing OCR slips, with or without the model. See
                                docs/taught-classifiers.md
          -m, --model PATH      local model file, overriding the config (default when no config
                                names a primary model: models/SmolLM2-135M-Instruct.Q4_1.gguf)
          --no-local-model      run on the keyword/rule fallbacks only (no model is loaded)
          --concurrency N       records in flight at once, also the model's sequence slots (default: 8)
          --kv-pool             keep the slots' KV cells in one shared pool: faster when the
                                model calls are short and share a long instruction (categorizing
                                many items: about 1.25x), slower on long distinct inputs such as
                                receipts (about 0.75x); a near-tie token may then differ from the
                                same call run alone. Default: one KV stream per slot
          --timeout-ms N        per-attempt step time limit when the plan sets none (default: 120000)
          --json                print the summary as JSON (stdout; needs --out for the results)
          --prices FILE         cloud price table for the cost comparison (default: prices.json in
                                the config's keywords_dir, else built-in list prices)
          --mcp-config FILE     MCP servers for mcp steps: a JSON file as `tandem mcp` reads it, or a
                                tandem.yaml's mcp_servers (default: the --config file's mcp_servers;
                                without --config, ./tandem.yaml when it configures servers, else
                                $TANDEM_CONFIG or ~/.config/tandem/config.json); the servers start
                                only when the plan has mcp steps
          --unsafe-no-sandbox   run code steps WITHOUT bubblewrap: the code can read and write your
                                files and reach the network; only rlimits, the timeout and output
                                caps apply. Every code step logs a warning. Without this flag a code
                                step fails when bwrap is missing, with how to install it

        code steps ("kind": "code", "tool": "python" or "sh", "args": {"source": ..., "input": ...})
        run in bubblewrap with no network and no access to your files; mcp steps ("tool":
        "SERVER.TOOL") call a configured MCP server's tool. See docs/plans.md.

        exit status: 0 when every record succeeded, 1 when any failed or was partial (results are
        still written), 2 for usage errors.

        examples:
          tandem run examples/receipts/plan.json --input examples/receipts/sample.jsonl --out results.jsonl
          tandem run examples/receipts/plan.json --input ../shared/fixtures/receipts.jsonl --out r.jsonl \\
              --no-local-model --trace trace.json
          tandem run plan.json --input in.jsonl --mcp-config mcp.json   # code and mcp steps
          tandem run examples/plans/sentiment.json --input texts.jsonl --config examples/tandem.yaml
        """

    static let defaultModel = "models/SmolLM2-135M-Instruct.Q4_1.gguf"

    static func run(_ arguments: inout Arguments) async throws -> Int32 {
        let input = try arguments.option("--input")
        let outPath = try arguments.option("--out")
        let tracePath = try arguments.option("--trace")
        let modelPath = try arguments.option("--model", "-m")
        let noModel = arguments.flag("--no-local-model")
        let concurrency = try arguments.int("--concurrency", in: 1...256) ?? 8
        let timeout = try arguments.int("--timeout-ms", in: 1...86_400_000) ?? 120_000
        let json = arguments.flag("--json")
        let pricesPath = try arguments.option("--prices")
        let configOption = try arguments.option("--config")
        let mcpConfig = try arguments.option("--mcp-config")
        let unsafeNoSandbox = arguments.flag("--unsafe-no-sandbox")
        let kvPool = arguments.flag("--kv-pool")
        let receiptExamples = try arguments.option("--receipt-examples")
        guard let planPath = arguments.positional() else { throw UsageError("give the PLAN file to run") }
        try arguments.finish()
        guard let input else { throw UsageError("--input FILE.jsonl is required") }
        if json && outPath == nil { throw UsageError("--json prints the summary on stdout: give --out FILE for the results") }

        let (config, configSource) = try loadConfig(configOption)
        let prices = try loadPrices(pricesPath, config: config)
        let planText: String
        do { planText = try String(contentsOfFile: planPath, encoding: .utf8) } catch {
            return fail("cannot read plan \(planPath): \(error.localizedDescription)")
        }
        let lines = try JSONLReader.read(path: input)
        var mcpServers: [MCPServerConfig] = []
        if MCPServerOption.planUsesMCP(planText) {
            // The servers of the config this run reads (as `tandem ask` plans with them); only a
            // --config FILE given explicitly stops the search there.
            if mcpConfig == nil, let configSource { mcpServers = try MCPServerOption.servers(of: config, source: configSource) }
            if mcpServers.isEmpty, mcpConfig != nil || configOption == nil || configSource == nil {
                mcpServers = try MCPServerOption.resolve(mcpConfig).servers
            }
            if mcpServers.isEmpty {
                return fail("\(planPath) has mcp steps but no MCP server is configured: add mcp_servers to tandem.yaml "
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
            } catch { return fail(error.description) }
        }
        var taught = TaughtClassifiers.none
        if !config.classifiers.isEmpty {
            // Taught classifiers embed with the local model they were taught on, so they run with it.
            if let model, let file = loadedModel(of: model) {
                do { taught = try TaughtClassifierLoader.load(config.classifiers, model: file) } catch {
                    return fail("\(configSource ?? "config"): \(error)\n  fix or remove the entry (see docs/taught-classifiers.md)")
                }
            } else {
                Log.warning("classifiers in \(configSource ?? "the config") are not used: they need the local model (--no-local-model is set)")
            }
        }
        var receiptMemory: ReceiptFieldMemory?
        if let path = receiptExamples ?? config.receiptExamplesPath {
            let memory: ReceiptFieldMemory
            do { memory = ReceiptFieldMemory(examples: try ReceiptExamplesFile.load(path: path)) } catch {
                return fail("receipt examples: \(error)")
            }
            FileHandle.standardError.write(Data(("tandem run: receipt memory from \(path): \(memory.exampleCount) labelled receipts; "
                + memory.summary.joined(separator: "; ") + "\n").utf8))
            receiptMemory = memory
        }
        let workers = try await PlanWorkers.make(model: model, configDirectory: config.keywordsDirectory,
                                                 sandbox: unsafeNoSandbox ? .unsafeNoSandbox : .bubblewrap, mcpServers: mcpServers,
                                                 taught: taught, receiptMemory: receiptMemory)
        let status: Int32
        do {
            status = try await execute(planText, planPath: planPath, lines: lines, input: input, registry: workers.registry,
                                       outPath: outPath, tracePath: tracePath, json: json, prices: prices,
                                       concurrency: concurrency, timeout: timeout)
        } catch {
            await workers.shutdown()
            throw error
        }
        await workers.shutdown()
        return status
    }

    /// Validates the plan against `registry`, runs it over every line, writes results, trace and summary.
    private static func execute(_ planText: String, planPath: String, lines: [JSONLLine], input: String, registry: WorkerRegistry,
                                outPath: String?, tracePath: String?, json: Bool, prices: PriceTable,
                                concurrency: Int, timeout: Int) async throws -> Int32 {
        let plan: CompiledPlan
        do { plan = try PlanValidator(registry: registry).compile(text: planText) } catch {
            return fail("\(planPath): \(error)")
        }
        let executor = DAGExecutor(registry: registry, options: ExecutionOptions(maxConcurrency: 8, defaultTimeoutMs: timeout))
        let runner = PipelineRunner(plan: plan, executor: executor, options: PipelineOptions(concurrency: concurrency, fieldMatcher: .standard))

        let results = try ResultsFile(path: outPath)
        var traces: [JSONValue] = []
        let bar = ProgressBar(enabled: isatty(2) == 1)
        let summary = try await runner.run(lines, onResult: { result in
            try results.write(result.json)
            if tracePath != nil { traces.append(result.traceJSON) }
        }, onProgress: bar.update)
        bar.finish()
        try results.close()
        if let tracePath {
            let document: JSONValue = ["plan": .string(planPath), "input": .string(input), "records": .array(traces)]
            do { try Data((JSONWriter.pretty(document) + "\n").utf8).write(to: URL(fileURLWithPath: tracePath)) } catch {
                return fail("cannot write trace \(tracePath): \(error.localizedDescription)")
            }
        }
        let report = json ? JSONWriter.pretty(summary.json(prices: prices)) + "\n" : summary.text(prices: prices)
        if outPath == nil { FileHandle.standardError.write(Data(report.utf8)) } else { print(report, terminator: "") }
        return summary.succeeded == summary.records ? 0 : 1
    }

    /// `--config FILE` as the other commands read it; a directory is the older form of this
    /// option (the keyword label sets), kept so existing scripts still run.
    private static func loadConfig(_ option: String?) throws -> (TandemConfiguration, String?) {
        var isDirectory: ObjCBool = false
        if let option, FileManager.default.fileExists(atPath: option, isDirectory: &isDirectory), isDirectory.boolValue {
            return (TandemConfiguration(keywordsDirectory: option), nil)
        }
        return try ConfigFileOption.load(option)
    }

    private static func loadPrices(_ path: String?, config: TandemConfiguration) throws -> PriceTable {
        if let path { return try PriceTable.load(path: path) }
        let inConfig = config.keywordsDirectory + "/prices.json"
        return FileManager.default.fileExists(atPath: inConfig) ? try PriceTable.load(path: inConfig) : .defaults
    }

    private static func fail(_ message: String) -> Int32 {
        FileHandle.standardError.write(Data("tandem: \(message)\n".utf8))
        return 1
    }
}

/// Results as JSONL, to a file or stdout, written as records finish (in input order).
private final class ResultsFile {
    private let handle: FileHandle
    private let path: String?

    init(path: String?) throws {
        self.path = path
        guard let path else { handle = .standardOutput; return }
        do { handle = try OutputFile.open(path) } catch {
            throw PipelineError.io(path, "cannot create the results file (\(error.reason)); check the directory exists and is writable")
        }
    }

    func write(_ value: JSONValue) throws {
        do { try handle.write(contentsOf: Data((JSONWriter.compact(value) + "\n").utf8)) } catch {
            throw PipelineError.io(path ?? "stdout", "cannot write results: \(error.localizedDescription)")
        }
    }

    func close() throws { if path != nil { try handle.close() } }
}

/// A one-line progress bar on stderr, redrawn in place; silent when stderr is not a terminal.
private struct ProgressBar {
    let enabled: Bool

    func update(_ p: PipelineProgress) {
        guard enabled, p.total > 0 else { return }
        let width = 30
        let filled = p.done * width / p.total
        let rate = p.elapsedSeconds > 0 ? Double(p.done) / p.elapsedSeconds : 0
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        let failed = p.failed > 0 ? ", \(p.failed) failed" : ""
        FileHandle.standardError.write(Data(String(format: "\r[%@] %d/%d records  %.1f/s%@ ", bar, p.done, p.total, rate, failed).utf8))
    }

    func finish() { if enabled { FileHandle.standardError.write(Data("\n".utf8)) } }
}
