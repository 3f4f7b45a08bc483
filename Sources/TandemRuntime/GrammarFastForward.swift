import CLlama

/// The tokens that stand for single bytes, used to ask a grammar which byte may come next.
///
/// Byte-level vocabularies (GPT-2 style: SmolLM2, Qwen) have a token for every byte;
/// SentencePiece ones with byte fallback (Gemma) have `<0xNN>` tokens. Asking the grammar about
/// these ~200 tokens instead of the whole vocabulary is what makes a probe cheap: a byte the
/// grammar admits alone is forced, whatever token the model would have spelt it with.
struct ByteTokenTable {
    /// The probe: one entry per byte that can start a character, then one end-of-generation token.
    private(set) var probe: [llama_token_data] = []
    /// `probe[i]`'s byte; nil for the end token.
    private(set) var probeBytes: [UInt8?] = []
    /// The token of each byte value, where the vocabulary has one.
    private var byteToken = [Token?](repeating: nil, count: 256)

    /// Whether the lead bytes of planes 4–16 (F1–F4) have tokens. Vocabularies trained on real
    /// text often lack them (SmolLM2 has no F1 or F2); see `supports(grammar:)`.
    private(set) var coversRarePlanes = true

    /// Nil when the vocabulary cannot support fast-forward: a byte a grammar commonly admits
    /// (tab, newline, printable ASCII, the lead bytes up to plane 3) has no token of its own, so
    /// one admitted probe could hide another choice; or the tokenizer does not give back plain
    /// ASCII text unchanged (a SentencePiece tokenizer that adds a leading space).
    init?(tokenizer: Tokenizer, endTokens: [Token]) {
        guard let end = endTokens.first else { return nil }
        var buffer = [CChar](repeating: 0, count: 64)
        for id in 0..<Int32(tokenizer.vocabularySize) where !tokenizer.isEndOfGeneration(id) {
            guard tokenizer.piece(id, into: &buffer) == 1 else { continue }
            let byte = Int(UInt8(bitPattern: buffer[0]))
            if byteToken[byte] == nil { byteToken[byte] = id }
        }
        // Continuation bytes (0x80–0xBF) and bytes UTF-8 never uses cannot start a character:
        // llama.cpp's grammar reads them as an empty piece and admits them everywhere.
        let starts = Array(0x01...0x7F) + Array(0xC2...0xF4)
        let needed = [0x09, 0x0A] + Array(0x20...0x7E) + Array(0xC2...0xF0)
        guard needed.allSatisfy({ byteToken[$0] != nil }) else { return nil }
        coversRarePlanes = (0xF1...0xF4).allSatisfy { byteToken[$0] != nil }
        for byte in starts {
            guard let token = byteToken[byte] else { continue }
            probe.append(llama_token_data(id: token, logit: 0, p: 0))
            probeBytes.append(UInt8(byte))
        }
        probe.append(llama_token_data(id: end, logit: 0, p: 0))
        probeBytes.append(nil)
        let sample = #"{"key": [1, "v"]}"#
        guard let tokens = try? tokenizer.tokenize(sample, addSpecial: false, parseSpecial: false),
              (try? tokenizer.detokenize(tokens)) == sample else { return nil }
    }

    /// Whether probing is exact for `grammar`: always when every lead byte has a token; else only
    /// when the grammar names no character of planes 4–16 (written raw or as `\U` in GBNF), so
    /// no such character can be the unseen alternative to a forced byte.
    func supports(grammar: String) -> Bool {
        coversRarePlanes || (!grammar.contains("\\U") && !grammar.utf8.contains { $0 >= 0xF1 && $0 <= 0xF4 })
    }

    /// Tokens that spell exactly `bytes`: the tokenizer's own split when its pieces give the bytes
    /// back, else one byte token each (always exact, since the grammar has already read them).
    func tokens(spelling bytes: [UInt8], tokenizer: Tokenizer) -> [Token] {
        let text = String(decoding: bytes, as: UTF8.self)
        if let tokens = try? tokenizer.tokenize(text, addSpecial: false, parseSpecial: false),
           let pieces = try? tokens.map({ try tokenizer.pieceBytes($0) }), Array(pieces.joined()) == bytes {
            return tokens
        }
        return bytes.compactMap { byteToken[Int($0)] }
    }
}

/// Text a grammar forces after the last accepted token.
struct ForcedText {
    /// ASCII bytes the grammar admits one at a time and nothing else; already accepted by it.
    var bytes: [UInt8] = []
    /// After `bytes`, the grammar admits only the end of generation.
    var ends = false
}

extension SamplerChain {
    /// Walks the grammar forward while it admits exactly one byte (and not the end), accepting
    /// each byte into the grammar, up to `limit` bytes. Stops at any choice, at a non-ASCII byte
    /// (a character's later bytes would need their own probe) and at the grammar's end.
    func forcedText(_ table: ByteTokenTable, limit: Int) -> ForcedText {
        guard let grammar else { return ForcedText() }
        var result = ForcedText()
        var probe = table.probe
        while result.bytes.count < limit {
            let admitted: [Int] = probe.withUnsafeMutableBufferPointer { buffer in
                for i in buffer.indices { buffer[i].logit = 0 }
                var array = llama_token_data_array(data: buffer.baseAddress, size: buffer.count, selected: -1, sorted: false)
                llama_sampler_apply(grammar, &array)
                return buffer.indices.filter { buffer[$0].logit != -Float.infinity }
            }
            let bytes = admitted.compactMap { table.probeBytes[$0] }
            let endAdmitted = bytes.count < admitted.count
            if bytes.isEmpty {
                result.ends = endAdmitted
                break
            }
            guard bytes.count == 1, !endAdmitted, bytes[0] < 0x80 else { break }
            llama_sampler_accept(grammar, probe[admitted[0]].id)
            result.bytes.append(bytes[0])
        }
        return result
    }

    /// Lets the rest of the chain (penalties, the seeded draw's history) see forced tokens the
    /// grammar has already read as bytes.
    func acceptForced(_ tokens: [Token]) {
        for token in tokens { llama_sampler_accept(chain, token) }
    }
}
