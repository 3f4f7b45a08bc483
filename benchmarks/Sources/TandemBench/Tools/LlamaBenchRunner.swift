import Foundation
import TandemCore

/// Runs `llama-bench` for one test (pp or tg) and reads its JSON output.
struct LlamaBenchRunner {
    let binary: String
    let toolchain: LlamaToolchain
    let model: String
    let threads: Int
    let batchSize: Int
    let microBatchSize: Int
    let gpuLayerArguments: [String]

    /// One measurement: the tokens/s samples and the run's metadata (build, CPU, settings).
    struct Result: Sendable {
        let samples: [Double]
        let info: JSONValue
    }

    /// `llama-bench -p P -n N -r R -o json` (one of P and N is 0).
    func run(prompt: Int, generate: Int, repetitions: Int) async throws -> Result {
        let args = ["-m", model, "-p", String(prompt), "-n", String(generate), "-t", String(threads),
                    "-b", String(batchSize), "-ub", String(microBatchSize), "-r", String(repetitions), "-o", "json"] + gpuLayerArguments
        let output = try await ToolProcess.run(binary, args, environment: toolchain.environment)
        return try Self.parse(output.stdout)
    }

    /// Reads llama-bench's `-o json` array (one object per test).
    static func parse(_ text: String) throws(BenchError) -> Result {
        let json: JSONValue
        do { json = try JSONParser.parse(text) } catch {
            throw .toolOutputUnreadable(name: "llama-bench", reason: "not JSON (\(error)): \(text.prefix(200))")
        }
        guard let test = json.arrayValue?.first else { throw .toolOutputUnreadable(name: "llama-bench", reason: "no test in its output") }
        var samples = test["samples_ts"]?.arrayValue?.compactMap(\.doubleValue) ?? []
        if samples.isEmpty, let avg = test["avg_ts"]?.doubleValue { samples = [avg] }
        guard !samples.isEmpty else { throw .toolOutputUnreadable(name: "llama-bench", reason: "no avg_ts/samples_ts") }
        var info: [(String, JSONValue)] = []
        for key in ["build_commit", "build_number", "cpu_info", "gpu_info", "backends", "model_type", "n_threads",
                    "n_batch", "n_ubatch", "type_k", "type_v", "flash_attn", "n_gpu_layers", "avg_ts", "stddev_ts"] {
            if let v = test[key] { info.append((key, v)) }
        }
        return Result(samples: samples, info: .object(info))
    }
}
