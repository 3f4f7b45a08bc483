import Foundation
import TandemCore
import TandemRuntime

/// `tandem generate`: one prompt in, streamed text out.
enum GenerateCommand: Command {
    static let name = "generate"
    static let summary = "generate text for a prompt (streams; --json for text + usage)"
    static let help = """
        usage: tandem generate -p TEXT [options]

        Formats TEXT as a user message with the model's chat template (unless --raw), generates
        up to --max-tokens tokens and streams them to stdout. With --json, prints one object with
        the text, finish reason, token counts and timings instead; timings.generation_breakdown
        splits the generation time into llama_decode, sampling, detokenize (and stop strings),
        delivery to the stream and the scheduler's own time, in seconds and ms per token.

        options:
          -p, --prompt TEXT     the prompt ('-' reads it from stdin)
          --prompt-file FILE    read the prompt from FILE
          --system TEXT         a system message before the prompt
          --raw                 send TEXT as is, without the chat template
          -n, --max-tokens N    most tokens to generate, ≥ 1 (default: 256)
          --schema FILE         constrain the output to JSON matching this JSON Schema
          --choice A,B,C        answer with exactly one of these labels (prints its probability)
          --no-fast-forward     with --schema: sample every token, including the keys, quotes
                                and braces the schema forces (by default those are appended
                                without sampling and decoded in one batch; usage.forced_tokens
                                counts them)
          --json                print text, usage and timings as JSON
        \(SamplingOptions.help)
        \(ModelOptions.help)

        examples:
          tandem generate -p "Name three colours."
          tandem generate -p "Is 'I loved it' positive or negative?" --choice positive,negative --json
        """

    static func run(_ a: inout Arguments) async throws -> Int32 {
        var prompt = try a.option("-p", "--prompt")
        if let file = try a.option("--prompt-file") { prompt = try String(contentsOfFile: file, encoding: .utf8) }
        if prompt == "-" { prompt = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self) }
        let system = try a.option("--system")
        let raw = a.flag("--raw")
        let maxTokens = try a.int("-n", "--max-tokens", in: Int.min...Int.max) ?? 256
        let schemaFile = try a.option("--schema")
        let choice = try a.option("--choice")
        let noFastForward = a.flag("--no-fast-forward")
        let json = a.flag("--json")
        let sampling = try SamplingOptions.parse(&a)
        let stops = try a.options("--stop")
        let options = try ModelOptions(&a)
        try a.finish()
        guard let prompt else { throw UsageError("give a prompt with -p TEXT or --prompt-file FILE") }
        guard maxTokens >= 1 else { throw UsageError("--max-tokens must be ≥ 1 (got \(maxTokens))") }

        let engine = try options.makeEngine()
        let input: GenerationRequest.Input = raw ? .text(prompt)
            : .messages((system.map { [ChatMessage.system($0)] } ?? []) + [.user(prompt)])
        var request = GenerationRequest(input, maxTokens: maxTokens, sampling: sampling, stop: stops)
        request.fastForward = !noFastForward
        if let schemaFile {
            request.constraint = .jsonSchema(try JSONParser.parse(String(contentsOfFile: schemaFile, encoding: .utf8)))
        }
        if let choice { request.constraint = .choice(choice.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }) }

        var completion: Completion?
        for try await event in engine.stream(request) {
            switch event {
            case .text(let piece) where !json:
                FileHandle.standardOutput.write(Data(piece.utf8))
            case .done(let c): completion = c
            default: break
            }
        }
        guard let completion else { return 1 }
        if json {
            print(JSONWriter.pretty(CompletionJSON.encode(completion, model: engine.model)))
        } else {
            if let c = completion.choice { print(String(format: "  (p=%.3f)", c.probability), terminator: "") }
            print()
        }
        return 0
    }
}

/// The `--json` shape of a completion, shared by commands that print one.
enum CompletionJSON {
    static func encode(_ c: Completion, model: LlamaModel) -> JSONValue {
        let u = c.usage
        var object: JSONValue = [
            "text": .string(c.text),
            "finish_reason": .string(c.finishReason.rawValue),
            "model": .string(model.path),
            "backend": .string(model.backend.rawValue),
            "usage": [
                "prompt_tokens": .number(Double(u.promptTokens)),
                "cached_prompt_tokens": .number(Double(u.cachedPromptTokens)),
                "generated_tokens": .number(Double(u.generatedTokens)),
                "forced_tokens": .number(Double(u.forcedTokens)),
            ],
            "timings": [
                "queue_s": .number(u.queueSeconds),
                "time_to_first_token_s": .number(u.timeToFirstTokenSeconds),
                "generation_s": .number(u.generationSeconds),
                "total_s": .number(u.totalSeconds),
                "prompt_tokens_per_s": .number(u.promptTokensPerSecond),
                "generation_tokens_per_s": .number(u.generationTokensPerSecond),
                "generation_breakdown": breakdown(u),
            ],
        ]
        if let choice = c.choice {
            object = object.setting("choice", to: ["label": .string(choice.label), "probability": .number(choice.probability)])
        }
        return object
    }

    /// Where `generation_s` went: seconds per part, and milliseconds per decode step (one per
    /// sampled token after the first; forced tokens ride in the same steps). `scheduler_s` is the rest (batch building, the loop between steps).
    static func breakdown(_ u: GenerationUsage) -> JSONValue {
        let b = u.breakdown
        let parts: [(String, Double)] = [
            ("decode", b.decodeSeconds), ("sampling", b.samplingSeconds), ("detokenize", b.detokenizeSeconds),
            ("delivery", b.deliverySeconds), ("scheduler", b.schedulerSeconds(generationSeconds: u.generationSeconds)),
        ]
        let steps = Double(max(b.steps, 1))
        var object: JSONValue = .object(parts.map { ("\($0.0)_s", .number($0.1)) })
        object = object.setting("steps", to: .number(Double(b.steps)))
        return object.setting("per_token_ms", to: .object(parts.map { ($0.0, .number($0.1 * 1000 / steps)) }))
    }
}
