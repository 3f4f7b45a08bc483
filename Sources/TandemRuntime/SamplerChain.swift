import CLlama
import Foundation

/// The samplers of one sequence: an optional grammar, then penalties and greedy or
/// top-k/top-p/min-p/temperature/seeded draw. Owns the llama.cpp samplers and frees them.
///
/// Two shortcuts keep sampling cheap next to a GPU decode step, without changing which token
/// is picked:
/// - greedy without penalties is an argmax over the logits in place, instead of building
///   llama.cpp's candidate array of the whole vocabulary;
/// - a grammar is checked against the one token picked without it, and applied to the whole
///   vocabulary only when it rejects that token (as llama.cpp's `common_sampler` does): most
///   steps of a constrained generation pick an allowed token anyway.
final class SamplerChain {
    let chain: UnsafeMutablePointer<llama_sampler>
    let grammar: UnsafeMutablePointer<llama_sampler>?
    private let argmaxOnly: Bool
    private let vocabularySize: Int
    private var candidates: [llama_token_data] = []

    init(parameters p: SamplingParameters, model: LlamaModel, grammar text: String?) throws(RuntimeError) {
        try p.validate()
        vocabularySize = model.info.vocabularySize
        if let text {
            guard let g = llama_sampler_init_grammar(model.vocab, text, "root") else {
                throw .grammarRejected(reason: "llama.cpp could not parse the GBNF grammar (run with --verbose for its log)")
            }
            grammar = g
        } else {
            grammar = nil
        }
        var params = llama_sampler_chain_default_params()
        params.no_perf = true
        guard let chain = llama_sampler_chain_init(params) else {
            if let grammar { llama_sampler_free(grammar) }
            throw .invalidParameter(name: "sampler", reason: "could not create a sampler chain")
        }
        self.chain = chain
        let penalties = p.repeatPenalty != 1 && p.repeatLastN > 0
        if penalties {
            llama_sampler_chain_add(chain, llama_sampler_init_penalties(Int32(vocabularySize), Int32(p.repeatLastN), p.repeatPenalty, 0, 0))
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
        argmaxOnly = p.temperature == 0 && !penalties
    }

    /// Output row `index` of the last decode, or nil when it has no logits. llama.cpp's lookup
    /// is not thread-safe (its first call after a decode reorders outputs): call it serially.
    static func logits(_ context: LlamaContext, row index: Int32) -> UnsafeMutablePointer<Float>? {
        llama_get_logits_ith(context.raw, index)
    }

    /// Picks the next token from one row of logits and accepts it. Returns nil when the grammar
    /// allows no token at all (accepting a token it refuses would abort inside llama.cpp).
    /// Chains share no state, so different chains may sample at the same time.
    func sample(logits: UnsafeMutablePointer<Float>) -> Token? {
        var token = pick(logits, constrained: false)
        if let grammar, !allows(grammar, token) {
            guard let allowed = pick(logits, constrained: true) else { return nil }
            token = allowed
        }
        guard let token else { return nil }
        if let grammar { llama_sampler_accept(grammar, token) }
        llama_sampler_accept(chain, token)
        return token
    }

    private func pick(_ logits: UnsafeMutablePointer<Float>, constrained: Bool) -> Token? {
        if argmaxOnly && !constrained { return Token(Self.argmax(logits, count: vocabularySize)) }
        if candidates.count != vocabularySize {
            candidates = (0..<vocabularySize).map { llama_token_data(id: Token($0), logit: 0, p: 0) }
        }
        return candidates.withUnsafeMutableBufferPointer { buffer -> Token? in
            for i in 0..<vocabularySize { buffer[i] = llama_token_data(id: Token(i), logit: logits[i], p: 0) }
            var array = llama_token_data_array(data: buffer.baseAddress, size: vocabularySize, selected: -1, sorted: false)
            if constrained, let grammar { llama_sampler_apply(grammar, &array) }
            llama_sampler_apply(chain, &array)
            guard array.selected >= 0, array.selected < array.size else { return nil }
            let chosen = array.data[Int(array.selected)]
            return chosen.logit == -Float.infinity ? nil : chosen.id
        }
    }

    private func allows(_ grammar: UnsafeMutablePointer<llama_sampler>, _ token: Token?) -> Bool {
        guard let token else { return false }
        var single = llama_token_data(id: token, logit: 1, p: 0)
        return withUnsafeMutablePointer(to: &single) { p in
            var array = llama_token_data_array(data: p, size: 1, selected: -1, sorted: false)
            llama_sampler_apply(grammar, &array)
            return p.pointee.logit != -Float.infinity
        }
    }

    /// log softmax(logits)[token], in Double, with the maximum subtracted first.
    static func logProbability(of token: Token, logits: UnsafePointer<Float>, count: Int) -> Double {
        guard count > 0, Int(token) >= 0, Int(token) < count else { return -.infinity }
        let top = Double(logits[argmax(logits, count: count)])
        var sum = 0.0
        for i in 0..<count { sum += exp(Double(logits[i]) - top) }
        return Double(logits[Int(token)]) - top - log(sum)
    }

    /// The first index of the largest value, as llama.cpp's greedy sampler picks it. Eight
    /// running maxima by compare-and-select let the compiler keep them in vector registers
    /// (Swift's NaN-aware `max` and SIMD loads were 10× slower here), then a second pass finds
    /// the first position of the maximum.
    static func argmax(_ v: UnsafePointer<Float>, count: Int) -> Int {
        guard count > 0 else { return 0 }
        var m0 = v[0], m1 = m0, m2 = m0, m3 = m0, m4 = m0, m5 = m0, m6 = m0, m7 = m0
        var i = 0
        while i + 8 <= count {
            if v[i] > m0 { m0 = v[i] }; if v[i + 1] > m1 { m1 = v[i + 1] }
            if v[i + 2] > m2 { m2 = v[i + 2] }; if v[i + 3] > m3 { m3 = v[i + 3] }
            if v[i + 4] > m4 { m4 = v[i + 4] }; if v[i + 5] > m5 { m5 = v[i + 5] }
            if v[i + 6] > m6 { m6 = v[i + 6] }; if v[i + 7] > m7 { m7 = v[i + 7] }
            i += 8
        }
        var best = m0
        for m in [m1, m2, m3, m4, m5, m6, m7] where m > best { best = m }
        while i < count { if v[i] > best { best = v[i] }; i += 1 }
        var j = 0
        while j < count { if v[j] == best { return j }; j += 1 }
        return 0
    }

    deinit {
        llama_sampler_free(chain)
        if let grammar { llama_sampler_free(grammar) }
    }
}
