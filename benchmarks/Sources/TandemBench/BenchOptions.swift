import Foundation
import TandemRuntime

/// The suites `tandem-bench` can run.
enum BenchSuite: String, Sendable, CaseIterable {
    /// pp/tg tokens/s through Tandem vs `llama-bench`, alternating.
    case parity
    /// Cold vs warm vs restored-from-disk TTFT of a long shared prefix.
    case prefix
    /// N items through the batch scheduler vs a naive loop vs `llama-server`.
    case bulk
    /// Aggregate decode tokens/s at 1…N sequences vs `llama-batched-bench`.
    case batched
    /// Texts/s of batched embeddings vs `llama-server --embedding`.
    case embed
    /// Constrained local model vs keyword baseline vs taught classifiers on the fixture tasks.
    case accuracy
    /// `tandem serve` vs `llama-server` over HTTP: bulk, embeddings, a flood with disconnects.
    case serve
    /// The receipt plan end to end: model in-process vs rules only vs local steps over HTTP to llama-server.
    case pipeline
    /// The receipt plan's model calls over a pool of 1, 2 and 4 one-thread llama-server endpoints.
    case scale
    /// Schema-constrained extraction with and without grammar fast-forward.
    case extract
}

/// Everything a bench run is configured by; `BenchCommandLine` fills it from arguments.
struct BenchOptions: Sendable {
    var suites: [BenchSuite] = BenchSuite.allCases
    /// True when the suites were named explicitly (a missing fixture folder is then an error).
    var suitesExplicit = false
    var modelPath = "models/SmolLM2-135M-Instruct.Q4_1.gguf"
    var llamaPrefix: String?
    var backend: Backend = .auto
    var gpuLayers: Int?
    var threads = ProcessInfo.processInfo.activeProcessorCount
    var quick = false
    var jsonPath: String?
    var markdownPath: String?
    var chartPath: String?
    var showProgress = true

    // parity (llama-bench's flags)
    var promptTokens = 512
    var generatedTokens = 128
    var batchSize = 2048
    var microBatchSize = 512
    var repetitions = 5

    // prefix
    var prefixLengths = [1000]
    var prefixRepetitions = 3

    // bulk
    var bulkItems = 256
    var bulkPrefixTokens = 1000
    var bulkMaxTokens = 8
    var bulkClients = 16
    var serverSlots = 8
    var tandemSlots = 16
    var naiveItems = 12
    var port: Int?

    // batched
    var maxSequences = 16
    var batchedPrompt = 128
    var batchedGenerated = 64

    // embed
    var embedTexts = 512
    var embedClients = 16
    var embedRounds = 3

    // serve
    var serveRounds = 3
    var serveFlood = 1000
    /// The `tandem` binary the serve suite starts (default: beside the bench's own executable).
    var tandemBinary: String?

    // accuracy
    var fixtures: String?
    var fixturesExplicit = false
    var configDirectory = "config"
    var limit: Int?
    /// Where to write every scored row's gold and predicted answers (JSONL), if anywhere.
    var rowsPath: String?
    var accuracySlots = 8
    var accuracyInFlight = 16
    /// Which methods run, and how the taught classifiers are evaluated.
    var accuracy = AccuracyOptions()

    // pipeline
    var pipelinePlan = "examples/receipts/plan.json"
    var pipelineConcurrency = 8
    /// Timed runs of each model side; records/s is their median (a run of 120 receipts can take
    /// only 20 s, where one run's noise moved the ratio to llama-server from 1.7 to 2.6).
    var pipelineRounds = 3
    /// Whether the pipeline's folds learn a `ReceiptChoiceGate` from their teaching receipts.
    var choiceGate = true
    /// Calls the scale suite sends to its instant-answer stub (the coordinator's own rate).
    var scaleCalls = 5000
    /// Endpoint counts of the scale suite's llama-server runs; empty: the coordinator run alone.
    var scaleEndpoints = [1, 2, 4]
    /// The instant-answer server script of the coordinator run (nil: benchmarks/instant_server.py).
    var scaleStub: String?

    /// Defaults for a full run.
    init() {}

    /// Small sizes for the ~1-minute smoke run (`--quick`); explicit options still override them.
    mutating func applyQuickDefaults() {
        quick = true
        promptTokens = 128; generatedTokens = 32; repetitions = 2
        prefixLengths = [256]; prefixRepetitions = 1
        bulkItems = 8; bulkPrefixTokens = 256; bulkClients = 4; serverSlots = 4; tandemSlots = 4; naiveItems = 2
        maxSequences = 4; batchedPrompt = 32; batchedGenerated = 16
        embedTexts = 32; embedClients = 4; embedRounds = 1
        serveRounds = 1; serveFlood = 20; pipelineRounds = 1
        scaleCalls = 200
        limit = 4
        accuracy.teachRowLimit = 200
    }

    /// The sequence counts of the batched suite: 1, 2, 4, … up to `maxSequences`.
    var sequenceCounts: [Int] {
        var out: [Int] = []
        var n = 1
        while n <= maxSequences { out.append(n); n *= 2 }
        if out.last != maxSequences { out.append(maxSequences) }
        return out
    }

    /// The fixture folder: `--fixtures`, else `TANDEM_FIXTURES`, else `../shared/fixtures`.
    var resolvedFixtures: String {
        fixtures ?? ProcessInfo.processInfo.environment["TANDEM_FIXTURES"] ?? "../shared/fixtures"
    }
}
