import Foundation
import TandemCore
import TandemRuntime

/// `tandem info MODEL`: what a model file is and where it would run.
enum InfoCommand: Command {
    static let name = "info"
    static let summary = "show a model's metadata, backend and devices"
    static let help = """
        usage: tandem info [MODEL] [options]

        Loads MODEL (default: \(ModelOptions.defaultModel)) and prints its architecture, size,
        context length, vocabulary, chat template, the backend and devices it runs on (with
        --rpc, the rpc-server devices holding its layers), and the layers offloaded.

        options:
        \(ModelOptions.help)
          --sha256              also print the file's sha256 (reads the whole file once, then cached)
          --json                print one JSON object instead of a table

        examples:
          tandem info models/SmolLM2-135M-Instruct.Q4_1.gguf
          tandem info --backend cpu --json
          tandem info --rpc 127.0.0.1:50052,127.0.0.1:50053   # rpc-server processes, same llama.cpp build
        """

    static func run(_ a: inout Arguments) async throws -> Int32 {
        // Options first, so an option's value is never taken for the MODEL argument.
        var options = try ModelOptions(&a)
        let wantsDigest = a.flag("--sha256")
        let json = a.flag("--json")
        if let positional = a.positional() { options.modelPath = positional }
        try a.finish()
        let model = try options.loadModel()
        let i = model.info
        let devices = model.devices
        let template = (try? ChatTemplate(model: model)).map { t in
            i.chatTemplate.map(templateLabel) ?? "\(t.source) (built in: the file has none)"
        } ?? "unsupported"
        let digest = wantsDigest ? try model.sha256() : nil
        let fields: [(String, JSONValue)] = [
            ("path", .string(i.path)),
            ("architecture", .string(i.architecture)),
            ("name", i.name.map(JSONValue.string) ?? .null),
            ("description", .string(i.description)),
            ("parameters", .number(Double(i.parameterCount))),
            ("size_bytes", .number(Double(i.sizeBytes))),
            ("context_trained", .number(Double(i.trainedContextLength))),
            ("embedding_length", .number(Double(i.embeddingLength))),
            ("layers", .number(Double(i.layerCount))),
            ("vocabulary", .number(Double(i.vocabularySize))),
            ("chat_template", .string(template)),
            ("gguf_version", .number(Double(i.ggufVersion))),
            ("backend", .string(model.backend.rawValue)),
            ("devices", .array(devices.map { d in
                ["name": .string(d.name), "description": .string(d.description),
                 "memory_total": .number(Double(d.memoryTotal)), "memory_free": .number(Double(d.memoryFree))]
            })),
            ("gpu_layers_offloaded", .number(Double(i.gpuLayers))),
            ("sha256", digest.map(JSONValue.string) ?? .null),
        ]
        if json { print(JSONWriter.pretty(.object(fields))); return 0 }
        for (key, value) in fields where !value.isNull {
            let text: String = switch value {
            case .string(let s): s
            case .array(let ds): ds.map { "\($0["name"]?.stringValue ?? "") (\($0["description"]?.stringValue ?? "")\(memory($0)))" }.joined(separator: ", ")
            default: value.description
            }
            print("\(key.replacingOccurrences(of: "_", with: " ").padding(toLength: 22, withPad: " ", startingAt: 0))\(text)")
        }
        return 0
    }

    private static func memory(_ d: JSONValue) -> String {
        guard let total = d["memory_total"]?.doubleValue, total > 0 else { return "" }
        return String(format: ", %.1f GiB", total / 1_073_741_824)
    }

    /// Names the template family llama.cpp will detect, from telltale markers in the Jinja source.
    private static func templateLabel(_ source: String) -> String {
        if source.contains("<|im_start|>") { return "chatml" }
        if source.contains("<|start_header_id|>") { return "llama3" }
        if source.contains("<start_of_turn>") { return "gemma" }
        if source.contains("<|assistant|>") && source.contains("<|end|>") { return "phi3" }
        return "custom (\(source.count) chars)"
    }
}
