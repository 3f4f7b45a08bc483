import Foundation
import TandemCloud
import TandemRuntime

/// The options every model-running command shares: model path, backend, layers, context.
struct ModelOptions {
    static let defaultModel = "models/SmolLM2-135M-Instruct.Q4_1.gguf"

    static let help = """
          -m, --model PATH      GGUF model file (default: \(defaultModel))
          --backend NAME        cpu, cuda or auto (default: auto: CUDA when a GPU answers, else CPU)
          --gpu-layers N        layers to offload on CUDA or to the RPC servers (default: all)
          --rpc HOST:PORT,...   spread the layers over llama.cpp rpc-server processes (see docs/scale-out.md)
          -c, --context N       context length in tokens (default: 4096)
          -t, --threads N       CPU threads (default: all cores)
        """

    var modelPath: String
    var backend: Backend
    var gpuLayers: Int?
    var rpcServers: [String]
    var context: ContextParameters

    init(_ a: inout Arguments, sequences: Int = 1) throws {
        modelPath = try a.option("-m", "--model") ?? Self.defaultModel
        backend = try Backend(parsing: try a.option("--backend") ?? "auto")
        gpuLayers = try a.int("--gpu-layers", in: 0...10_000)
        rpcServers = try a.option("--rpc").map { $0.split(separator: ",").map { String($0) } } ?? []
        context = ContextParameters(contextLength: try a.int("-c", "--context", in: 16...1_048_576) ?? 4096,
                                    sequences: sequences, threads: try a.int("-t", "--threads", in: 1...1024) ?? 0)
    }

    func loadModel() throws -> LlamaModel {
        guard FileManager.default.fileExists(atPath: modelPath) else { throw MissingModelError(description: ModelManifest.missingHint(modelPath)) }
        try EgressPolicy.current.checkTCP(endpoints: rpcServers)
        return try LlamaModel.load(path: modelPath, backend: backend, gpuLayers: gpuLayers, rpcServers: rpcServers)
    }

    func makeEngine() throws -> Engine {
        try Engine(model: loadModel(), parameters: context)
    }
}

/// A model file that is not there, with how to get it.
struct MissingModelError: Error, CustomStringConvertible {
    let description: String
}
