import Foundation
import TandemConfig
import TandemCore
import TandemMCP
import TandemOrchestrator
import TandemWorkers
import TandemPlanner

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

        The input is read as the run goes and results are written as records finish, so memory
        stays flat on inputs of any size (at most 4 x --concurrency records are held at once).

        options:
          --input FILE          JSONL input, one JSON object per line (required; '-' reads stdin)
          --out FILE            write one result per line, in input order (default: stdout, with the
                                summary on stderr); a non-empty FILE is refused unless --resume or
                                --force says what to do with it
          --resume              continue an interrupted run (Ctrl-C, kill, reboot): the records
                                already in --out (checked by line number and id) are skipped and the
                                rest appended; a last line cut short is rewritten. Refused when --out
                                was written by another plan or input (their sha256 are kept in
                                FILE.run.json). The summary's counts and accuracy cover both runs;
                                its timings, tokens and fallbacks cover the records run now
          --force               overwrite a non-empty --out
          --trace FILE          write the step traces (worker, model, tokens, cache hits, duration,
                                fallback, error) of the records run now as JSON
          --config FILE         tandem.yaml (default: tandem.yaml when present, else built-in
                                defaults): local-model steps use the first model of role `primary`
                                that loads (on its device and context), going down the role's list
                                past missing files and load errors, each logged; stderr names the
                                model used. A first `primary` model that is an openai-compatible
                                server (or a pool: base_urls) gets the local-model calls instead,
                                spread over its loopback endpoints (docs/scale-out.md). Its
                                keywords_dir applies too (default: config), and its classifiers
                                (taught with `tandem teach` for that model) answer classify_text
                                and sentiment first when they are sure; categorize_items weighs
                                them against its keyword rules by calibrated accuracy. A
                                directory here is the older form: the *.keywords.json label sets
          --receipt-examples FILE
                                labelled receipts, JSONL {"text": ..., "fields": {"company": ...,
                                "address": ...}} (the fixtures' schema; default: the config's
                                receipt_examples): extract_receipt_fields then reads the company
                                and address of a shop it was taught as the examples write them,
                                fixing OCR slips, with or without the model; with the model,
                                its choice on an unsure field replaces the rules' value only when
                                its probabilities outweigh the rules' accuracy on these examples
                                (without examples that accuracy is taken as 2/3), and a field
                                whose choices fixed no more of these examples than they broke
                                is not asked at all (measured at start-up, one call per unsure
                                field of up to 60 examples; cached for later runs).
                                See docs/taught-classifiers.md
          --no-choice-gate      with --receipt-examples and the model on, ask the model about
                                every unsure field without measuring its choices first
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

        Each result line is {"line": N, "id": ..., "status": "ok"|"partial"|"failed", "output": {...}}
        ("errors" and "skipped" name failed and skipped steps; "error" why a record could not run).

        examples:
          tandem run examples/receipts/plan.json --input examples/receipts/sample.jsonl --out results.jsonl
          tandem run examples/receipts/plan.json --input ../shared/fixtures/receipts.jsonl --out r.jsonl \\
              --no-local-model --trace trace.json
          tandem run examples/receipts/plan.json --input big.jsonl --out r.jsonl --resume   # after an interruption
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
        let choiceGate = !arguments.flag("--no-choice-gate")
        let resume = arguments.flag("--resume")
        let force = arguments.flag("--force")
        guard let planPath = arguments.positional() else { throw UsageError("give the PLAN file to run") }
        try arguments.finish()
        guard let input else { throw UsageError("--input FILE.jsonl is required") }
        if json && outPath == nil { throw UsageError("--json prints the summary on stdout: give --out FILE for the results") }
        if resume && force { throw UsageError("--resume continues --out, --force overwrites it: give one of them") }
        if (resume || force) && outPath == nil { throw UsageError("--resume and --force apply to --out FILE") }

        let (config, configSource) = try loadConfig(configOption)
        let prices = try loadPrices(pricesPath, config: config)
        let planText: String
        do { planText = try String(contentsOfFile: planPath, encoding: .utf8) } catch {
            return fail("cannot read plan \(planPath): \(error.localizedDescription)")
        }
        // The input and the results file are checked before any model loads: a wrong path, a
        // full or read-only directory, or a results file of another run fails at once.
        let records: JSONLStream
        do { records = try JSONLStream(path: input) } catch { return fail("cannot read input \(input): \(error.reason)") }
        let run: RunFiles
        do {
            run = try RunFiles.open(planText: planText, planPath: planPath, input: input, records: records, outPath: outPath,
                                    tracePath: tracePath, mode: resume ? .resume : force ? .overwrite : .fresh)
        } catch { return fail("\(error)") }
        let workers: PlanWorkers
        do {
            workers = try await RunSetup(config: config, configSource: configSource, configOption: configOption, mcpConfig: mcpConfig,
                                         modelPath: modelPath, noModel: noModel, concurrency: concurrency, kvPool: kvPool,
                                         receiptExamples: receiptExamples, choiceGate: choiceGate, unsafeNoSandbox: unsafeNoSandbox)
                .workers(planText: planText, planPath: planPath)
        } catch {
            run.discardIfUnused()  // nothing ran: a failed start leaves no results file behind
            if let failure = error as? RunSetupFailure { return fail(failure.message) }
            throw error
        }
        let status: Int32
        do {
            status = try await execute(planText, planPath: planPath, records: records, run: run, workers: workers,
                                       json: json, prices: prices, concurrency: concurrency, timeout: timeout)
        } catch {
            await workers.shutdown()
            throw error
        }
        await workers.shutdown()
        return status
    }

    /// Validates the plan against `registry`, runs it over every record, writes results, trace and summary.
    private static func execute(_ planText: String, planPath: String, records: JSONLStream, run: RunFiles, workers: PlanWorkers,
                                json: Bool, prices: PriceTable, concurrency: Int, timeout: Int) async throws -> Int32 {
        let registry = workers.registry
        let plan: CompiledPlan
        do { plan = try PlanValidator(registry: registry).compile(text: planText) } catch {
            run.discardIfUnused()
            return fail("\(planPath): \(error)")
        }
        let executor = DAGExecutor(registry: registry, options: ExecutionOptions(maxConcurrency: 8, defaultTimeoutMs: timeout))
        let runner = PipelineRunner(plan: plan, executor: executor, options: PipelineOptions(concurrency: concurrency, fieldMatcher: .standard))
        let bar = ProgressBar(enabled: isatty(2) == 1)
        if let note = run.resumeNote { FileHandle.standardError.write(Data("tandem run: \(note)\n".utf8)) }
        var summary = try await runner.run(records, expectedRecords: run.expectedRecords, continuing: run.resumed, onResult: { result in
            try run.results.write(result.json)
            try run.trace?.write(result.traceJSON)
        }, onProgress: bar.update)
        bar.finish()
        try run.results.close()
        try run.trace?.close()
        summary.endpoints = await workers.endpointStatus()
        if let error = records.readError {
            summary.errors.append("the input could not be read to its end: \(error.reason); --resume continues from the last record written")
        }
        let report = json ? JSONWriter.pretty(summary.json(prices: prices)) + "\n" : summary.text(prices: prices)
        if run.results.path == nil { FileHandle.standardError.write(Data(report.utf8)) } else { print(report, terminator: "") }
        return summary.succeeded == summary.records && records.readError == nil ? 0 : 1
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
