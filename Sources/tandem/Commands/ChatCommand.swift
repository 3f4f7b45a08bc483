import Foundation
import TandemRuntime

/// `tandem chat`: a multi-turn conversation on the terminal.
enum ChatCommand: Command {
    static let name = "chat"
    static let summary = "talk with a model, turn by turn, using its chat template"
    static let help = """
        usage: tandem chat [options]

        Reads a line from stdin, answers it with the model's chat template applied to the whole
        conversation so far, and repeats. The conversation's prefix stays in the KV cache, so
        each turn only decodes what is new. Commands: /reset forgets the conversation, /exit ends.

        options:
          --system TEXT         the system message (default: none)
          -n, --max-tokens N    most tokens per reply (default: 512)
        \(SamplingOptions.help)
        \(ModelOptions.help)

        example:
          tandem chat --system "Answer in one sentence."
        """

    static func run(_ a: inout Arguments) async throws -> Int32 {
        let system = try a.option("--system")
        let maxTokens = try a.int("-n", "--max-tokens", in: 1...1_000_000) ?? 512
        let sampling = try SamplingOptions.parse(&a)
        let stops = try a.options("--stop")
        let options = try ModelOptions(&a)
        try a.finish()
        let engine = try options.makeEngine()
        _ = try engine.chatTemplate()
        let start: [ChatMessage] = system.map { [.system($0)] } ?? []
        var messages = start
        let interactive = isatty(0) != 0
        while true {
            if interactive { FileHandle.standardOutput.write(Data("> ".utf8)) }
            guard let line = readLine() else { break }
            let text = line.trimmingCharacters(in: .whitespaces)
            if text.isEmpty { continue }
            if text == "/exit" { break }
            if text == "/reset" { messages = start; continue }
            messages.append(.user(text))
            var reply = ""
            do {
                for try await event in engine.stream(GenerationRequest(.messages(messages), maxTokens: maxTokens, sampling: sampling, stop: stops)) {
                    if case .text(let piece) = event {
                        reply += piece
                        FileHandle.standardOutput.write(Data(piece.utf8))
                    }
                }
            } catch RuntimeError.promptTooLong(let tokens, let context) {
                print("\n(the conversation has \(tokens) tokens, more than the \(context)-token context; /reset or raise --context)")
                messages.removeLast()
                continue
            }
            print()
            messages.append(.assistant(reply))
        }
        return 0
    }
}
