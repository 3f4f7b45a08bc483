import CLlama

/// A llama.cpp sampler chain for one sequence: optional grammar, penalties, then greedy or
/// top-k/top-p/min-p/temperature/seeded draw. Owns the chain and frees it in `deinit`.
final class SamplerChain {
    let raw: UnsafeMutablePointer<llama_sampler>

    init(parameters p: SamplingParameters, model: LlamaModel, grammar: String?) throws(RuntimeError) {
        try p.validate()
        var params = llama_sampler_chain_default_params()
        params.no_perf = true
        guard let chain = llama_sampler_chain_init(params) else { throw .invalidParameter(name: "sampler", reason: "could not create a sampler chain") }
        raw = chain
        if let grammar {
            guard let g = llama_sampler_init_grammar(model.vocab, grammar, "root") else {
                throw .grammarRejected(reason: "llama.cpp could not parse the GBNF grammar (run with --verbose for its log)")
            }
            llama_sampler_chain_add(chain, g)
        }
        if p.repeatPenalty != 1, p.repeatLastN > 0 {
            llama_sampler_chain_add(chain, llama_sampler_init_penalties(Int32(model.info.vocabularySize), Int32(p.repeatLastN), p.repeatPenalty, 0, 0))
        }
        if p.temperature == 0 {
            llama_sampler_chain_add(chain, llama_sampler_init_greedy())
        } else {
            if p.topK > 0 { llama_sampler_chain_add(chain, llama_sampler_init_top_k(Int32(p.topK))) }
            if p.topP < 1 { llama_sampler_chain_add(chain, llama_sampler_init_top_p(p.topP, 1)) }
            if p.minP > 0 { llama_sampler_chain_add(chain, llama_sampler_init_min_p(p.minP, 1)) }
            llama_sampler_chain_add(chain, llama_sampler_init_temp(p.temperature))
            llama_sampler_chain_add(chain, llama_sampler_init_dist(p.seed))
        }
    }

    /// Samples from output row `index` of the last decode and accepts the token.
    /// llama.cpp reads the logits in place: nothing is copied into Swift.
    func sample(context: LlamaContext, index: Int32) -> Token {
        llama_sampler_sample(raw, context.raw, index)
    }

    deinit { llama_sampler_free(raw) }
}
