import Foundation
import TandemCore
import TandemRuntime

/// `tandem embed`: vectors for texts in a JSONL file.
enum EmbedCommand: Command {
    static let name = "embed"
    static let summary = "write L2-normalized embeddings of JSONL texts"
    static let help = """
        usage: tandem embed --input FILE.jsonl [options]

        Reads one JSON object per line, embeds its text field with the model (many texts per
        decode), and writes one line per input: {"line": N, "id": ..., "embedding": [...]}.
        Malformed lines are reported with their line number and skipped.

        options:
          --input FILE          JSONL input ('-' for stdin)
          --text-field NAME     field holding the text (default: text)
          --out FILE            output JSONL (default: stdout)
          --pooling NAME        model, mean, last or cls (default: mean)
          --max-tokens N        cut texts longer than N tokens, with a warning (default: 512)
          -m, --model PATH      GGUF model (default: \(ModelOptions.defaultModel))
          --backend NAME        cpu, cuda or auto (default: auto)
          -t, --threads N       CPU threads (default: all cores)

        example:
          tandem embed --input ../shared/fixtures/intents.jsonl --out intents.vectors.jsonl
        """

    static func run(_ a: inout Arguments) async throws -> Int32 {
        guard let input = try a.option("--input") else { throw UsageError("give --input FILE.jsonl") }
        let field = try a.option("--text-field") ?? "text"
        let out = try a.option("--out")
        guard let pooling = Pooling(rawValue: try a.option("--pooling") ?? "mean") else {
            throw UsageError("--pooling must be one of \(Pooling.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let maxTokens = try a.int("--max-tokens", in: 1...2048) ?? 512
        let modelPath = try a.option("-m", "--model") ?? ModelOptions.defaultModel
        let backend = try Backend(parsing: try a.option("--backend") ?? "auto")
        let threads = try a.int("-t", "--threads", in: 1...1024) ?? 0
        try a.finish()

        let data = input == "-" ? FileHandle.standardInput.readDataToEndOfFile() : try Data(contentsOf: URL(fileURLWithPath: input))
        var rows: [(line: Int, id: JSONValue, text: String)] = []
        for (i, line) in String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).enumerated()
        where !line.trimmingCharacters(in: .whitespaces).isEmpty {
            do {
                let value = try JSONParser.parse(String(line))
                guard let text = value[field]?.stringValue else {
                    Log.warning("\(input):\(i + 1): no string field '\(field)'; skipped")
                    continue
                }
                rows.append((i + 1, value["id"] ?? .null, text))
            } catch {
                Log.warning("\(input):\(i + 1): \(error); skipped")
            }
        }
        let engine = try EmbeddingEngine(model: LlamaModel.load(path: modelPath, backend: backend), pooling: pooling,
                                         maxTokensPerText: max(maxTokens, 1), threads: threads)
        let start = Date()
        let vectors = try await engine.embed(rows.map(\.text))
        var output = ""
        for (row, vector) in zip(rows, vectors) {
            let object: JSONValue = ["line": .number(Double(row.line)), "id": row.id,
                                     "embedding": .array(vector.map { .number(Double($0)) })]
            output += JSONWriter.compact(object) + "\n"
        }
        if let out { try OutputFile.write(output, to: out) } else { print(output, terminator: "") }
        let seconds = Date().timeIntervalSince(start)
        Log.info(String(format: "embedded %d texts in %.2f s (%.1f texts/s)", rows.count, seconds, Double(rows.count) / max(seconds, 1e-9)))
        if out != nil {
            FileHandle.standardError.write(Data(String(format: "embedded %d texts (dimension %d) in %.2f s, %.1f texts/s\n",
                                                      rows.count, engine.dimension, seconds, Double(rows.count) / max(seconds, 1e-9)).utf8))
        }
        return 0
    }
}
