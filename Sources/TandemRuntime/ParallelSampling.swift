import Foundation

/// One decode step's sampling: every sampled sequence's next token (nil for choice-mode rows and
/// failed samples). With several sequences on a machine with cores to spare the samplers run in
/// parallel: each owns its state, and the logits rows are looked up first, serially.
///
/// Shared by the threads of `concurrentPerform`: index i touches only sampler i (which no other
/// index holds) and output slot i, and the scheduler waits for all of them.
struct ParallelSampling: @unchecked Sendable {
    private let work: [(SamplerChain?, UnsafeMutablePointer<Float>?)]
    private let out: UnsafeMutableBufferPointer<Token?>

    static func sample(_ rows: [(job: SequenceJob, row: Int32)], context: LlamaContext) -> [Token?] {
        let work = rows.map { r in (r.job.sampler, r.job.sampler == nil ? nil : SamplerChain.logits(context, row: r.row)) }
        var picks = [Token?](repeating: nil, count: work.count)
        picks.withUnsafeMutableBufferPointer { out in
            let jobs = ParallelSampling(work: work, out: out)
            if work.count >= 4 && Self.spareCores {
                DispatchQueue.concurrentPerform(iterations: work.count) { jobs.run($0) }
            } else {
                for i in work.indices { jobs.run(i) }
            }
        }
        return picks
    }

    /// Read once: this runs every decode step.
    private static let spareCores = ProcessInfo.processInfo.activeProcessorCount >= 4

    private func run(_ i: Int) {
        if let sampler = work[i].0, let logits = work[i].1 { out[i] = sampler.sample(logits: logits) }
    }
}
