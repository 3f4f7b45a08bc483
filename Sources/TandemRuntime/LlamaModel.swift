import CLlama
import Foundation
import Synchronization
import TandemCore

/// A loaded GGUF model: owns the `llama_model` and frees it in `deinit`.
///
/// Weights are read-only after loading, so one model serves any number of contexts and threads.
/// Load through `LlamaModel.load`, which shares one instance per file, backend and layer count.
public final class LlamaModel: Sendable {
    nonisolated(unsafe) let raw: OpaquePointer  // immutable after init; llama_model is read-only here
    /// The file it was loaded from (symlinks resolved).
    public let path: String
    /// Metadata read once at load.
    public let info: ModelInfo
    /// The backend it runs on (never `.auto`).
    public let backend: Backend
    /// The `rpc-server` endpoints holding its offloaded layers (empty when all is in-process).
    public let rpcServers: [String]
    /// The tokenizer of this model.
    public var tokenizer: Tokenizer { Tokenizer(model: self) }
    private let digest = Mutex<String?>(nil)

    private static let registry = Mutex<[String: WeakModel]>([:])

    /// Loads `path`, or returns the instance already loaded with the same options.
    ///
    /// - Parameters:
    ///   - backend: `.cpu`, `.cuda`, or `.auto` (CUDA when a GPU answers, else CPU).
    ///   - gpuLayers: layers to offload on CUDA or to the RPC servers; nil means all.
    ///   - rpcServers: `host:port` of `rpc-server` processes to spread the layers over (llama.cpp
    ///     splits them by each server's free memory); each is probed first.
    public static func load(path: String, backend: Backend = .auto, gpuLayers: Int? = nil,
                            rpcServers: [String] = []) throws(RuntimeError) -> LlamaModel {
        let summary = try GGUFValidator.validate(path: path)
        BackendRegistry.ensureLoaded()
        let resolved = try BackendRegistry.resolve(backend)
        let rpc = try RPCServers.devices(for: rpcServers)
        let real = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        let layers = resolved == .cpu && rpc.isEmpty ? 0 : (gpuLayers ?? -1)
        let key = "\(real)|\(resolved.rawValue)|\(layers)|\(rpcServers.joined(separator: ","))"
        if let shared = registry.withLock({ $0[key]?.model }) { return shared }
        let model = try LlamaModel(path: real, backend: resolved, gpuLayers: layers, rpc: (rpcServers, rpc), summary: summary)
        return registry.withLock { table in
            // Another thread may have loaded it meanwhile: keep one.
            if let shared = table[key]?.model { return shared }
            table[key] = WeakModel(model: model)
            return model
        }
    }

    private init(path: String, backend: Backend, gpuLayers: Int, rpc: (endpoints: [String], devices: [ggml_backend_dev_t]),
                 summary: GGUFValidator.Summary) throws(RuntimeError) {
        var params = llama_model_default_params()
        params.n_gpu_layers = Int32(clamping: gpuLayers)
        // Always an explicit device list: it keeps a CPU request off any GPU that happens to be
        // present, and every model off RPC servers it did not ask for (llama.cpp's default list
        // takes every registered one, and a server that has gone away aborts the load).
        let all = (0..<ggml_backend_dev_count()).compactMap { ggml_backend_dev_get($0) }.filter { !BackendRegistry.isRPCDevice($0) }
        let gpus = all.filter { ggml_backend_dev_type($0) == GGML_BACKEND_DEVICE_TYPE_GPU }
        let local: [ggml_backend_dev_t] = switch backend {
        case .cpu where rpc.devices.isEmpty: all.filter { ggml_backend_dev_type($0) == GGML_BACKEND_DEVICE_TYPE_CPU }
        case .cpu: []
        // As llama.cpp's default: the GPUs, else the integrated ones.
        default: gpus.isEmpty ? all.filter { ggml_backend_dev_type($0) == GGML_BACKEND_DEVICE_TYPE_IGPU } : gpus
        }
        var chosen: [ggml_backend_dev_t?] = rpc.devices.map { Optional($0) } + local.map { Optional($0) } + [nil]
        let loaded: OpaquePointer? = chosen.withUnsafeMutableBufferPointer { devices in
            params.devices = devices.baseAddress
            return llama_model_load_from_file(path, params)
        }
        guard let raw = loaded else { throw .modelLoadFailed(path: path) }
        RPCServers.retain(rpc.endpoints)
        self.raw = raw
        self.path = path
        self.backend = backend
        self.rpcServers = rpc.endpoints
        self.info = ModelInfo(raw: raw, path: path, backend: backend, gpuLayers: backend == .cpu && rpc.devices.isEmpty ? 0 : gpuLayers,
                              ggufVersion: summary.version)
    }

    deinit {
        llama_model_free(raw)
        RPCServers.release(rpcServers)
    }

    /// The devices it runs on: the GPUs on CUDA, else the CPU, and the devices of its RPC servers.
    public var devices: [ComputeDevice] {
        BackendRegistry.devices(rpc: Set(rpcServers)).filter { d in
            d.kind == "rpc" ? rpcServers.contains(d.description) : d.kind == (backend == .cuda ? "gpu" : "cpu")
        }
    }

    /// The file's sha256, computed once per process (and cached on disk by size and mtime).
    public func sha256() throws -> String {
        if let d = digest.withLock({ $0 }) { return d }
        let d = try ModelDigestCache.sha256(ofFileAt: path)
        digest.withLock { $0 = d }
        return d
    }

    var vocab: OpaquePointer { llama_model_get_vocab(raw) }
}

private struct WeakModel: @unchecked Sendable {
    // Weak references to Sendable models, only read and written under the registry's mutex.
    weak var model: LlamaModel?
}
