import Foundation
import TandemRuntime

/// A mistake on the bench's command line (exit status 2, printed with the usage).
public struct BenchUsageError: Error, CustomStringConvertible, Sendable {
    /// What is wrong, naming the option.
    public let description: String
    init(_ message: String) { description = message }
}

/// Parses `tandem-bench` / `tandem bench` arguments into `BenchOptions`.
public enum BenchCommandLine {
    /// Options that take a value (for `tandem bench` to hand them through unchanged).
    public static let valueOptions = [
        "-m", "--model", "--llama-prefix", "--backend", "--gpu-layers", "-t", "--threads", "--json", "--markdown",
        "--chart", "-p", "-n", "-b", "-ub", "-r", "--prefix-lengths", "--prefix-reps", "--items", "--bulk-prefix",
        "--max-tokens", "--clients", "--server-slots", "--slots", "--naive-items", "--port", "--max-sequences",
        "--npp", "--ntg", "--fixtures", "--config", "--limit", "--rows-out", "--train", "--accuracy-methods",
        "--taught-methods", "--folds", "--group-folds", "--fewshot-rows", "--teach-rows", "--embed-texts", "--embed-clients", "--embed-rounds",
        "--serve-rounds", "--flood", "--tandem",
        "--pipeline-plan", "--pipeline-concurrency", "--pipeline-rounds", "--choice-gate", "--scale-calls", "--scale-endpoints", "--scale-stub",
    ]
    /// Options without a value.
    public static let flags = ["--quick", "--no-progress"]

    /// The full help: usage, suites, every option with its default, examples.
    public static let help = """
        usage: tandem-bench [SUITE...] [options]      (also: tandem bench [SUITE...] [options])

        Measures Tandem against llama.cpp's own tools from the same build, in the same run, and
        scores the local model against keyword baselines. Prints a markdown table on stdout, a
        progress bar on stderr; --json writes every figure plus the machine, the llama.cpp build,
        the model's sha256 and the Tandem commit. Run release builds (swift build -c release).

        suites (default: all of them, serve and scale only when named with --quick; a suite that
        fails leaves the others' results intact):
          parity      pp/tg tokens/s through Tandem's engine vs llama-bench, alternating; tg with
                      and without a stream consumer, and Tandem's time per token split up
          prefix      TTFT for a long shared prefix: cold, warm (in memory), restored from disk
          bulk        N items via the batch scheduler vs a naive loop vs llama-server (-np K and -np 1)
          batched     aggregate decode tokens/s at 1,2,4,… sequences vs llama-batched-bench (+ SVG chart)
          embed       texts/s of batched embeddings (mean pooling) vs llama-server --embedding, and
                      the cosine between the two sides' vectors
          accuracy    constrained local model vs keyword/regex baseline vs taught classifiers on a
                      fixture folder; line items also combined as categorize_items combines them
          serve       `tandem serve` vs llama-server over HTTP: the bulk workload streamed (items/s,
                      latency and TTFT p50/p95), embeddings, and a flood of concurrent requests
                      with 20% of clients hanging up mid-stream (answers, slots, memory after)
          pipeline    the receipt plan over the fixture receipts: model in-process vs rules only vs
                      each local-model call over HTTP to llama-server (records/s, all-fields accuracy,
                      who decided each field, cached prompt tokens per step)
          scale       the receipt plan's model calls over a pool (EndpointPool) of 1, 2 and 4
                      llama-server endpoints of one thread each (calls/s, scaling efficiency), and
                      the coordinator alone against an instant-answer HTTP stub
          extract     the pipeline's line-item extraction (schema-constrained) for each fixture
                      receipt with grammar fast-forward on and off, alternating: generated tokens/s,
                      forced tokens, decode steps, answers equal between the two (--limit, default 24)

        general:
          -m, --model PATH        GGUF model (default: models/SmolLM2-135M-Instruct.Q4_1.gguf)
          --llama-prefix DIR      llama.cpp install prefix with bin/llama-bench etc. (default:
                                  $TANDEM_LLAMA_PREFIX, else the prefix Tandem's libllama came from)
          --backend NAME          cpu, cuda or auto (default: auto)
          --gpu-layers N          layers to offload on CUDA (default: all)
          -t, --threads N         threads for both sides (default: all cores)
          --quick                 smoke run with small sizes (figures not meaningful); without
                                  named suites it skips serve (`tandem-bench serve --quick` runs it)
          --json FILE             write the full report as JSON (with a flat "headline" object)
          --markdown FILE         also write the markdown report to FILE
          --chart FILE            write the batched-throughput SVG chart (default: next to --json)
          --no-progress           no progress bar on stderr
        parity (llama-bench's flags):
          -p N                    prompt tokens (default: 512; quick: 128)
          -n N                    generated tokens (default: 128; quick: 32)
          -b N, -ub N             batch and micro-batch size (default: 2048, 512)
          -r N                    repetitions per side (default: 5; quick: 2)
        prefix:
          --prefix-lengths A,B    shared-prefix lengths in tokens (default: 1000; quick: 256)
          --prefix-reps N         repetitions per measurement (default: 3; quick: 1)
        bulk:
          --items N               items (default: 256; quick: 8)
          --bulk-prefix N         shared instruction prefix in tokens (default: 1000; quick: 256)
          --max-tokens N          tokens per item (default: 8)
          --clients K             concurrent clients for llama-server -np K and in-flight items for
                                  Tandem (default: 16; quick: 4)
          --server-slots K        llama-server -np K (default: 8; quick: 4)
          --slots N               Tandem engine sequences (default: 16; quick: 4)
          --naive-items N         items for the naive sequential loop (default: 12; quick: 2)
          --port N                llama-server port (default: a free loopback port)
        batched:
          --max-sequences N       largest sequence count, 1..64 (default: 16; quick: 4)
          --npp N, --ntg N        prompt and generated tokens per sequence (default: 128, 64)
        embed:
          --embed-texts N         texts, from the fixture folder's text fields (default: 512; quick: 32)
          --embed-clients K       llama-server -np K with K concurrent one-text requests, and K
                                  texts per request in the batched configuration (default: 16;
                                  quick: 4)
          --embed-rounds N        alternating rounds of the three measurements; medians are
                                  reported (default: 3; quick: 1)
        serve (also reads the bulk and embed options above):
          --serve-rounds N        alternating bulk rounds per server (default: 3; quick: 1)
          --flood N               concurrent requests in the flood check (default: 1000; quick: 20)
          --tandem PATH           the tandem binary to serve with (default: the one beside
                                  tandem-bench)
        accuracy:
          --fixtures DIR          fixture folder (default: $TANDEM_FIXTURES, else ../shared/fixtures)
          --config DIR            keyword rule files, <task>.keywords.json (default: config)
          --limit N               rows per task, spread evenly over the file (default: all; quick: 4)
          --rows-out FILE         write each scored row's gold, model, keyword and taught answers as JSONL
          --accuracy-methods L    which of model, keyword, taught to run (default: all three)
          --train DIR             teach the taught classifiers (and the receipt memory and few-shot
                                  examples) from DIR (same schema) and score them on --fixtures
                                  (default: 5-fold cross-validation inside --fixtures; either way
                                  no row is scored by what was taught with it)
          --taught-methods L      classifier methods to score: knn, centroid, linear, fewshot,
                                  zeroshot, ensemble (default: knn,centroid,linear,fewshot,ensemble);
                                  acc_<task>_taught is the one each classifier picks for itself
          --folds N               cross-validation folds without --train, 2..20 (default: 5)
          --group-folds FIELD     receipts: keep receipts with the same labelled FIELD (company or
                                  address) in one fold, so the memory never saw a scored receipt's
                                  shop: a stand-in for receipts from shops it was not taught
                                  (default: folds by file position)
          --fewshot-rows N        rows per task the prompted methods (fewshot, zeroshot) are scored
                                  on, spread over the file, or 'all' (default: 100)
          --teach-rows N          cross-validate over at most N rows per task (the scored ones and
                                  others spread over the file) (default: all; quick: 200)
        pipeline (also --fixtures, --limit, --train, --folds, --group-folds, --config):
          --pipeline-plan FILE    the plan (default: examples/receipts/plan.json)
          --pipeline-concurrency N  records in flight, also the engine's and the server's slots
                                  (default: 8)
          --pipeline-rounds N     timed runs of each model side, records/s their median (default:
                                  3; quick: 1)
          --choice-gate on|off    per fold, measure the model's field choices on the teaching
                                  receipts and ask only the fields where they fixed more than they
                                  broke, as `tandem run --receipt-examples` does (default: on)
        scale (also the pipeline options):
          --scale-calls N         calls to the instant-answer stub that measure the coordinator
                                  alone (default: 5000; quick: 200)
          --scale-endpoints L     endpoint counts of the llama-server runs, e.g. 1,2 (default:
                                  1,2,4); 'none' runs the coordinator alone (seconds, no servers)
          --scale-stub FILE       the instant-answer server script: takes a port, prints it, answers
                                  POST /ok/... (default: benchmarks/instant_server.py)

        exit status: 0 when every suite ran, 1 when one failed (partial results are still printed
        and written), 2 for usage errors.

        examples:
          tandem-bench --quick
          tandem-bench parity -p 512 -n 128 -r 5 --json parity.json
          tandem-bench serve --json benchmarks/results/serve-cpu-$(date +%F).json
          tandem-bench accuracy --fixtures ../shared/fixtures --limit 100
          tandem-bench accuracy --accuracy-methods taught --train my-train-set --fixtures ../shared/fixtures
          tandem-bench --json benchmarks/results/cpu-$(date +%F).json --markdown benchmarks/results/cpu-$(date +%F).md
        """

    /// The accuracy suite's options from a full command line (without the program name).
    public static func accuracyOptions(_ arguments: [String]) throws(BenchUsageError) -> AccuracyOptions {
        try parse(arguments).accuracy
    }

    /// Parses `arguments` (without the program name).
    static func parse(_ arguments: [String]) throws(BenchUsageError) -> BenchOptions {
        var o = BenchOptions()
        var values: [(String, String)] = []
        var suites: [BenchSuite] = []
        var i = 0
        while i < arguments.count {
            var arg = arguments[i]
            var inline: String?
            if arg.hasPrefix("--"), let eq = arg.firstIndex(of: "=") {
                inline = String(arg[arg.index(after: eq)...])
                arg = String(arg[..<eq])
            }
            if arg == "--quick" { o.quick = true } else if arg == "--no-progress" { o.showProgress = false } else if valueOptions.contains(arg) {
                if let inline { values.append((arg, inline)) } else {
                    guard i + 1 < arguments.count else { throw BenchUsageError("\(arg) needs a value") }
                    values.append((arg, arguments[i + 1]))
                    i += 1
                }
            } else if !arg.hasPrefix("-"), let suite = BenchSuite(rawValue: arg) {
                suites.append(suite)
            } else if arg == "all" {
                suites += BenchSuite.allCases
            } else {
                throw BenchUsageError(arg.hasPrefix("-") ? "unknown option \(arg)" : "unknown suite '\(arg)' (suites: \(BenchSuite.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            i += 1
        }
        if o.quick { o.applyQuickDefaults() }
        if !suites.isEmpty {
            o.suites = BenchSuite.allCases.filter(suites.contains)
            o.suitesExplicit = true
        } else if o.quick {
            // The serve suite starts four servers and floods one, the scale suite seven: minutes
            // even at quick sizes, too long for the smoke run `make test` does; name them to run them.
            o.suites = BenchSuite.allCases.filter { $0 != .serve && $0 != .scale }
        }
        for (name, value) in values { try apply(name, value, to: &o) }
        return o
    }

    private static func apply(_ name: String, _ v: String, to o: inout BenchOptions) throws(BenchUsageError) {
        func int(_ range: ClosedRange<Int>) throws(BenchUsageError) -> Int {
            guard let n = Int(v), range.contains(n) else { throw BenchUsageError("\(name) must be an integer in \(range.lowerBound)...\(range.upperBound), got '\(v)'") }
            return n
        }
        switch name {
        case "-m", "--model": o.modelPath = v
        case "--llama-prefix": o.llamaPrefix = v
        case "--backend":
            do { o.backend = try Backend(parsing: v) } catch { throw BenchUsageError(error.description) }
        case "--gpu-layers": o.gpuLayers = try int(0...10_000)
        case "-t", "--threads": o.threads = try int(1...1024)
        case "--json": o.jsonPath = v
        case "--markdown": o.markdownPath = v
        case "--chart": o.chartPath = v
        case "-p": o.promptTokens = try int(1...65_536)
        case "-n": o.generatedTokens = try int(1...65_536)
        case "-b": o.batchSize = try int(1...65_536)
        case "-ub": o.microBatchSize = try int(1...65_536)
        case "-r": o.repetitions = try int(1...1000)
        case "--prefix-lengths":
            let parts = v.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard !parts.isEmpty, parts.allSatisfy({ ($0 ?? 0) >= 16 && ($0 ?? 0) <= 100_000 }) else {
                throw BenchUsageError("--prefix-lengths takes comma-separated token counts in 16...100000, got '\(v)'")
            }
            o.prefixLengths = parts.map { $0! }
        case "--prefix-reps": o.prefixRepetitions = try int(1...100)
        case "--items": o.bulkItems = try int(1...100_000)
        case "--bulk-prefix": o.bulkPrefixTokens = try int(16...100_000)
        case "--max-tokens": o.bulkMaxTokens = try int(1...4096)
        case "--clients": o.bulkClients = try int(1...256)
        case "--server-slots": o.serverSlots = try int(1...256)
        case "--slots": o.tandemSlots = try int(1...256)
        case "--naive-items": o.naiveItems = try int(1...100_000)
        case "--port": o.port = try int(1...65_535)
        case "--max-sequences": o.maxSequences = try int(1...64)
        case "--npp": o.batchedPrompt = try int(1...16_384)
        case "--ntg": o.batchedGenerated = try int(1...16_384)
        case "--embed-texts": o.embedTexts = try int(1...100_000)
        case "--embed-clients": o.embedClients = try int(1...256)
        case "--embed-rounds": o.embedRounds = try int(1...100)
        case "--serve-rounds": o.serveRounds = try int(1...100)
        case "--flood": o.serveFlood = try int(1...100_000)
        case "--tandem": o.tandemBinary = v
        case "--fixtures": o.fixtures = v; o.fixturesExplicit = true
        case "--config": o.configDirectory = v
        case "--limit": o.limit = try int(1...1_000_000)
        case "--pipeline-plan": o.pipelinePlan = v
        case "--pipeline-concurrency": o.pipelineConcurrency = try int(1...64)
        case "--pipeline-rounds": o.pipelineRounds = try int(1...20)
        case "--choice-gate":
            guard ["on", "off"].contains(v) else { throw BenchUsageError("--choice-gate takes on or off, got '\(v)'") }
            o.choiceGate = v == "on"
        case "--scale-calls": o.scaleCalls = try int(1...1_000_000)
        case "--scale-endpoints":
            let counts = v == "none" ? [] : v.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard counts.allSatisfy({ (1...64).contains($0 ?? 0) }), v == "none" || !counts.isEmpty else {
                throw BenchUsageError("--scale-endpoints takes comma-separated counts in 1...64 or 'none', got '\(v)'")
            }
            o.scaleEndpoints = counts.map { $0! }
        case "--scale-stub": o.scaleStub = v
        case "--rows-out": o.rowsPath = v
        default:
            guard try o.accuracy.apply(name, v) else { throw BenchUsageError("unknown option \(name)") }
        }
        guard o.microBatchSize <= o.batchSize else { throw BenchUsageError("-ub must not exceed -b") }
    }
}
