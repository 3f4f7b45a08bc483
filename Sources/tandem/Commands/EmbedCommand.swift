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
        The input is read, embedded and written 256 rows at a time, so memory stays flat on any
        input size. Lines that are not JSON or lack the text field are skipped and counted (one
        warning at the end; --verbose names each line).

        options:
          --input FILE          JSONL input ('-' for stdin)
          --text-field NAME     field holding the text (default: text)
          --out FILE            output JSONL (default: stdout)
          --pooling NAME        model, mean, last or cls (default: mean)
          --max-tokens N        cut texts longer than N tokens (default: 512); how many were cut is
                                reported once at the end
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

        // Read, embed and write a batch at a time: memory stays flat on any input size.
        let reader = try TextBatchReader(path: input, textField: field)
        let output = try LineOutput(path: out)
        guard FileManager.default.fileExists(atPath: modelPath) else { throw MissingModelError(description: ModelManifest.missingHint(modelPath)) }
        let engine = try EmbeddingEngine(model: LlamaModel.load(path: modelPath, backend: backend), pooling: pooling,
                                         maxTokensPerText: max(maxTokens, 1), threads: threads)
        let start = Date()
        var count = 0
        while true {
            let rows = try reader.next()
            if rows.isEmpty { break }
            let vectors = try await engine.embed(rows.map(\.text))
            try output.write(zip(rows, vectors).map { row, vector in
                ["line": .number(Double(row.line)), "id": row.id, "embedding": .array(vector.map { .number(Double($0)) })]
            })
            count += rows.count
        }
        try output.close()
        let seconds = Date().timeIntervalSince(start)
        Log.info(String(format: "embedded %d texts in %.2f s (%.1f texts/s)", count, seconds, Double(count) / max(seconds, 1e-9)))
        if out != nil {
            FileHandle.standardError.write(Data(String(format: "embedded %d texts (dimension %d) in %.2f s, %.1f texts/s\n",
                                                      count, engine.dimension, seconds, Double(count) / max(seconds, 1e-9)).utf8))
        }
        return 0
    }
}
