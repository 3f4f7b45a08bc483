import Foundation
import TandemRuntime

/// What every suite gets: the options, the loaded model, the llama.cpp tools and the progress bar.
struct BenchContext: Sendable {
    let options: BenchOptions
    let model: LlamaModel
    /// nil when the prefix could not be found (suites that need a tool report why).
    let toolchain: Result<LlamaToolchain, BenchError>
    let progress: ProgressBar

    /// The toolchain, or the reason it is missing.
    func tools() throws(BenchError) -> LlamaToolchain { try toolchain.get() }

    /// Context parameters with the bench's threads and micro-batching.
    func parameters(contextLength: Int, sequences: Int, reusePrompts: Bool = true, unifiedKV: Bool = false) -> ContextParameters {
        ContextParameters(contextLength: contextLength, batchSize: options.batchSize, microBatchSize: options.microBatchSize,
                          sequences: sequences, threads: options.threads, unifiedKV: unifiedKV, reusePrompts: reusePrompts)
    }

    /// `-ngl` for llama.cpp's tools, matching how Tandem placed the model.
    var gpuLayerArguments: [String] {
        model.backend == .cpu ? ["-ngl", "0"] : ["-ngl", String(options.gpuLayers ?? 999)]
    }

    /// Uniform random tokens over the vocabulary, as llama-bench draws them.
    static func randomTokens(_ count: Int, vocabulary: Int, using rng: inout SeededRandom) -> [Token] {
        (0..<count).map { _ in Token(Int.random(in: 0..<vocabulary, using: &rng)) }
    }
}

/// `n` rounded up to a multiple of `step`.
func roundUp(_ n: Int, to step: Int) -> Int { (n + step - 1) / step * step }
