import CLlama

/// A token id in a model's vocabulary.
public typealias Token = Int32

/// Text ↔ tokens for one model.
public struct Tokenizer: Sendable {
    let model: LlamaModel

    /// Number of tokens in the vocabulary.
    public var vocabularySize: Int { model.info.vocabularySize }

    /// Tokenizes `text`.
    /// - Parameters:
    ///   - addSpecial: add BOS/EOS as the model's config asks (true for a fresh prompt).
    ///   - parseSpecial: read control-token text such as `<|im_start|>` as the token itself
    ///     (true for templated chat prompts, false for untrusted user text).
    public func tokenize(_ text: String, addSpecial: Bool = true, parseSpecial: Bool = true) throws(RuntimeError) -> [Token] {
        let utf8 = Array(text.utf8)
        guard utf8.count < Int(Int32.max) / 2 else { throw .tokenizationFailed(reason: "text of \(utf8.count) bytes is too long") }
        var capacity = utf8.count + 8
        for _ in 0..<2 {
            var tokens = [Token](repeating: 0, count: capacity)
            let n = utf8.withUnsafeBufferPointer { bytes in
                bytes.baseAddress!.withMemoryRebound(to: CChar.self, capacity: max(bytes.count, 1)) { chars in
                    llama_tokenize(model.vocab, chars, Int32(bytes.count), &tokens, Int32(capacity), addSpecial, parseSpecial)
                }
            }
            if n >= 0 { return Array(tokens.prefix(Int(n))) }
            if n == Int32.min { throw .tokenizationFailed(reason: "token count overflows") }
            capacity = Int(-n)  // a negative count is the size needed
        }
        throw .tokenizationFailed(reason: "llama_tokenize did not settle on a size")
    }

    /// The bytes one token stands for (may be part of a UTF-8 character).
    public func pieceBytes(_ token: Token, renderSpecial: Bool = false) throws(RuntimeError) -> [UInt8] {
        try check(token)
        var buf = [CChar](repeating: 0, count: 32)
        var n = llama_token_to_piece(model.vocab, token, &buf, Int32(buf.count), 0, renderSpecial)
        if n < 0 {
            buf = [CChar](repeating: 0, count: Int(-n))
            n = llama_token_to_piece(model.vocab, token, &buf, Int32(buf.count), 0, renderSpecial)
        }
        return buf.prefix(Int(max(n, 0))).map { UInt8(bitPattern: $0) }
    }

    /// Writes the bytes `token` stands for into `buffer` (grown when too short) and returns how
    /// many: the streaming path, which then allocates nothing per token. 0 for an invalid id.
    func piece(_ token: Token, into buffer: inout [CChar]) -> Int {
        guard token >= 0, Int(token) < vocabularySize else { return 0 }
        var n = llama_token_to_piece(model.vocab, token, &buffer, Int32(buffer.count), 0, false)
        if n < 0 {
            buffer = [CChar](repeating: 0, count: Int(-n))
            n = llama_token_to_piece(model.vocab, token, &buffer, Int32(buffer.count), 0, false)
        }
        return Int(max(n, 0))
    }

    /// Text of a token sequence (invalid UTF-8 replaced).
    public func detokenize(_ tokens: [Token], renderSpecial: Bool = false) throws(RuntimeError) -> String {
        for t in tokens { try check(t) }
        var capacity = tokens.count * 8 + 16
        for _ in 0..<2 {
            var buf = [CChar](repeating: 0, count: capacity)
            let n = llama_detokenize(model.vocab, tokens, Int32(tokens.count), &buf, Int32(capacity), false, renderSpecial)
            if n >= 0 { return String(decoding: buf.prefix(Int(n)).map { UInt8(bitPattern: $0) }, as: UTF8.self) }
            capacity = Int(-n)
        }
        throw .tokenizationFailed(reason: "llama_detokenize did not settle on a size")
    }

    /// True for end-of-generation tokens (EOS, EOT and the model's other stop tokens).
    public func isEndOfGeneration(_ token: Token) -> Bool { llama_vocab_is_eog(model.vocab, token) }

    /// The beginning-of-sequence token, if the model has one.
    public var bos: Token? { let t = llama_vocab_bos(model.vocab); return t < 0 ? nil : t }
    /// The end-of-sequence token, if the model has one.
    public var eos: Token? { let t = llama_vocab_eos(model.vocab); return t < 0 ? nil : t }

    /// Throws unless `token` is a valid id: llama.cpp indexes arrays with it unchecked.
    public func check(_ token: Token) throws(RuntimeError) {
        guard token >= 0, Int(token) < vocabularySize else { throw .tokenOutOfRange(token: token, vocabularySize: vocabularySize) }
    }
}

/// Turns a stream of token pieces into valid UTF-8 text, holding back the bytes of a character
/// that spans tokens until it is complete.
public struct UTF8StreamDecoder: Sendable {
    private var pending: [UInt8] = []

    public init() {}

    /// Adds bytes; returns the text that is complete so far.
    public mutating func append(_ bytes: some Collection<UInt8>) -> String {
        pending.append(contentsOf: bytes)
        let cut = completePrefixLength(pending)
        let text = String(decoding: pending[..<cut], as: UTF8.self)
        pending.removeFirst(cut)
        return text
    }

    /// Whatever is left (an incomplete character becomes U+FFFD).
    public mutating func flush() -> String {
        defer { pending.removeAll(keepingCapacity: true) }
        return String(decoding: pending, as: UTF8.self)
    }

    /// Length of the longest prefix that does not end inside a multi-byte character.
    private func completePrefixLength(_ b: [UInt8]) -> Int {
        var i = b.count - 1
        var back = 0
        // Walk back over at most 3 continuation bytes to the lead byte of the last character.
        while i >= 0, back < 4, b[i] & 0xC0 == 0x80 { i -= 1; back += 1 }
        guard i >= 0 else { return back >= 4 ? b.count : 0 }
        let lead = b[i]
        let need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1
        return b.count - i >= need ? b.count : i
    }
}
