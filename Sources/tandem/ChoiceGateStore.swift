import Foundation
import TandemCore
import TandemOrchestrator
import TandemRuntime
import TandemWorkers

/// Learns the receipt memory's `ReceiptChoiceGate` for `tandem run`, and keeps it on disk
/// (`<cache>/choice-gates/KEY.json`) keyed by the examples file, the model and the choice
/// prompt, so only the first run with a set of examples pays for the model calls.
struct ChoiceGateStore {
    /// Bumped when what the gate counts changes, so older files are not read back.
    static let version = "1"
    let directory = RuntimePaths.cacheDirectory.appendingPathComponent("choice-gates")

    /// The gate for `memory` taught from `examplesPath`, read back or learned with `model`
    /// (progress on stderr).
    func gate(examplesPath: String, examples: [ReceiptFieldMemory.Example], memory: ReceiptFieldMemory,
              model: any LocalModelClient, concurrency: Int) async throws -> (gate: ReceiptChoiceGate, cached: Bool) {
        let file = try key(examplesPath: examplesPath, model: model).map { directory.appendingPathComponent("\($0).json") }
        if let file, let data = try? Data(contentsOf: file),
           let counts = try? JSONDecoder().decode([String: ReceiptChoiceGate.Count].self, from: data) {
            return (ReceiptChoiceGate(counts: counts), true)
        }
        let started = Date()
        let gate = try await ReceiptChoiceGate.learn(examples: examples, calibration: memory.calibration, model: model,
                                                     concurrency: concurrency) { done, total in
            FileHandle.standardError.write(Data("\rtandem run: measuring the model's choices on the examples: \(done)/\(total) receipts".utf8))
        }
        FileHandle.standardError.write(Data(String(format: " (%.0f s)\n", Date().timeIntervalSince(started)).utf8))
        if let file {
            try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try? JSONEncoder().encode(gate.counts).write(to: file, options: .atomic)
        }
        return (gate, false)
    }

    /// True when a step of the plan (or its fallback) runs `extract_receipt_fields`: only then is
    /// the gate worth its model calls.
    static func planReadsReceiptFields(_ planText: String) -> Bool {
        guard let steps = (try? JSONParser.parse(planText))?["steps"]?.arrayValue else { return false }
        return steps.contains { $0["tool"] == "extract_receipt_fields" || $0["fallback"]?["tool"] == "extract_receipt_fields" }
    }

    /// The examples' and the model file's sha256 with the choice prompt; nil (no caching) for a
    /// model that is not a GGUF file in this process.
    private func key(examplesPath: String, model: any LocalModelClient) throws -> String? {
        guard let file = loadedModel(of: model) else { return nil }
        let examples = try SHA256.hex(fileAt: examplesPath)
        return SHA256.hex([Self.version, examples, try file.sha256(), ReceiptPrompt.system,
                           ReceiptPrompt.user(document: "D", question: "Q", options: ["a", "b"]),
                           ReceiptPrompt.questions.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "\n")]
            .joined(separator: "\u{1F}"))
    }
}
