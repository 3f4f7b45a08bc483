import Testing
import TandemRuntime

@Suite struct TokenizerTests {
    @Test func roundTripsText() throws {
        let tk = try TestModels.smolLM().tokenizer
        let text = "Receipts: café, naïve — 日本語 ✓ 🚀"
        let tokens = try tk.tokenize(text, addSpecial: false)
        #expect(!tokens.isEmpty)
        #expect(try tk.detokenize(tokens) == text)
    }

    @Test func parsesSpecialTokensOnlyWhenAsked() throws {
        let tk = try TestModels.smolLM().tokenizer
        let special = try tk.tokenize("<|im_start|>", addSpecial: false, parseSpecial: true)
        let plain = try tk.tokenize("<|im_start|>", addSpecial: false, parseSpecial: false)
        #expect(special.count == 1)
        #expect(plain.count > 1)
    }

    @Test func streamingDecoderNeverSplitsACharacter() throws {
        let tk = try TestModels.smolLM().tokenizer
        let text = "🚀🚀 日本語 é"
        var decoder = UTF8StreamDecoder()
        var out = ""
        for token in try tk.tokenize(text, addSpecial: false) {
            let piece = decoder.append(try tk.pieceBytes(token))
            #expect(!piece.contains("\u{FFFD}"))
            out += piece
        }
        out += decoder.flush()
        #expect(out == text)
    }

    @Test func decoderHoldsBackPartialBytes() {
        var d = UTF8StreamDecoder()
        let rocket = Array("🚀".utf8)
        #expect(d.append(Array(rocket[0..<2])) == "")
        #expect(d.append(Array(rocket[2...])) == "🚀")
        #expect(d.append([0x41]) == "A")
    }

    @Test func outOfRangeTokenIdsAreErrors() throws {
        let tk = try TestModels.smolLM().tokenizer
        #expect(throws: RuntimeError.tokenOutOfRange(token: 49_152, vocabularySize: 49_152)) { try tk.detokenize([1, 49_152]) }
        #expect(throws: RuntimeError.self) { try tk.pieceBytes(-1) }
    }
}

@Suite struct ChatTemplateTests {
    @Test func builtinTemplatesFormat() throws {
        let messages: [ChatMessage] = [.system("Be brief."), .user("Hi")]
        let markers = ["chatml": "<|im_start|>assistant", "phi3": "<|assistant|>",
                       "llama3": "<|start_header_id|>assistant", "gemma": "<start_of_turn>model"]
        for (name, marker) in markers {
            let text = try ChatTemplate(named: name).apply(messages)
            #expect(text.contains(marker), "\(name): \(text)")
            #expect(text.contains("Hi"))
        }
    }

    @Test func aFileWithoutATemplateGetsItsFamilysOnlyFormat() throws {
        // The manifest's Gemma 3 270M file carries no tokenizer.chat_template.
        for arch in ["gemma", "gemma2", "gemma3"] { #expect(ChatTemplate.architectureTemplate(arch) == "gemma") }
        #expect(ChatTemplate.architectureTemplate("phi3") == "phi3")
        for arch in ["llama", "qwen2", ""] { #expect(ChatTemplate.architectureTemplate(arch) == nil, "\(arch) has no single format") }
        let text = try ChatTemplate(named: "gemma").apply([.user("Hi")])
        #expect(text == "<start_of_turn>user\nHi<end_of_turn>\n<start_of_turn>model\n", "\(text)")
    }

    @Test func unsupportedTemplateNamesTheProblem() {
        do {
            _ = try ChatTemplate(named: "no-such-template")
            Issue.record("expected an error")
        } catch {
            #expect("\(error)".contains("no-such-template"))
            #expect("\(error)".contains("chatml"))
        }
    }

    @Test func modelTemplateIsChatML() throws {
        let text = try ChatTemplate(model: TestModels.smolLM()).apply([.user("Hi")])
        #expect(text == "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n")
    }
}
