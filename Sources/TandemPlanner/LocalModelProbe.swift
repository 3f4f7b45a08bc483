import Foundation
import TandemCloud
import TandemConfig
import TandemCore
import TandemRuntime

/// What loading a local model for real showed: `tandem status --load`.
///
/// The file size only hints at the memory a model needs; loading it shows whether llama.cpp
/// accepts the file, on which backend and device it lands, how many layers went to a GPU, the
/// bytes its tensors take and how long the load took.
public struct LocalModelProbe: Sendable, Equatable {
    /// True when llama.cpp loaded the model.
    public var loaded: Bool
    /// Why it did not load.
    public var error: String?
    /// The backend actually used (`cpu` or `cuda`; `auto` resolved).
    public var backend: String?
    /// The device(s) it runs on, as ggml names them, with their descriptions.
    public var device: String?
    /// Layers offloaded to the GPU (0 on the CPU) and the model's layer count.
    public var gpuLayers: Int?
    /// The model's layer count.
    public var layerCount: Int?
    /// Bytes of the model's tensors (`llama_model_size`).
    public var memoryBytes: UInt64?
    /// Milliseconds `LlamaModel.load` took (backend modules were loaded before the clock started).
    public var loadMs: Double?

    /// Loads `spec`'s file on the spec's device (and RPC servers, which must pass `egress`),
    /// measures it and frees it again.
    public static func probe(_ spec: LocalModelSpec, egress: EgressPolicy = .current) -> LocalModelProbe {
        // The backend modules load once per process; keep that out of the first model's time.
        BackendRegistry.ensureLoaded()
        do {
            let backend = try Backend(parsing: spec.device)
            let start = ContinuousClock.now
            try egress.checkTCP(endpoints: spec.rpc)
            let model = try LlamaModel.load(path: spec.path, backend: backend, rpcServers: spec.rpc)
            let elapsed = ContinuousClock.now - start
            let info = model.info
            let devices = model.devices
            return LocalModelProbe(
                loaded: true, error: nil, backend: model.backend.rawValue,
                device: devices.map { "\($0.name) (\($0.description))" }.joined(separator: ", "),
                gpuLayers: info.gpuLayers, layerCount: info.layerCount, memoryBytes: info.sizeBytes,
                loadMs: Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15)
        } catch {
            return LocalModelProbe(loaded: false, error: "\(error)")
        }
    }

    /// Creates a result (tests and callers that probe some other way).
    public init(loaded: Bool, error: String? = nil, backend: String? = nil, device: String? = nil, gpuLayers: Int? = nil,
                layerCount: Int? = nil, memoryBytes: UInt64? = nil, loadMs: Double? = nil) {
        self.loaded = loaded
        self.error = error
        self.backend = backend
        self.device = device
        self.gpuLayers = gpuLayers
        self.layerCount = layerCount
        self.memoryBytes = memoryBytes
        self.loadMs = loadMs
    }

    /// The fields `tandem status --load` prints, in order (null where the load failed).
    public var fields: [(String, JSONValue)] {
        func number<T: BinaryInteger>(_ n: T?) -> JSONValue { n.map { .number(Double($0)) } ?? .null }
        return [("loaded", .bool(loaded)), ("load_error", error.map(JSONValue.string) ?? .null),
                ("runtime_backend", backend.map(JSONValue.string) ?? .null),
                ("runtime_device", device.map(JSONValue.string) ?? .null),
                ("gpu_layers", number(gpuLayers)), ("layers", number(layerCount)),
                ("memory_bytes", number(memoryBytes)),
                ("memory_mb", memoryBytes.map { .number((Double($0) / 1_048_576 * 10).rounded() / 10) } ?? .null),
                ("load_ms", loadMs.map { .number(($0 * 10).rounded() / 10) } ?? .null)]
    }
}
