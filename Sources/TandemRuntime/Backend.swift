import CLlama
import Foundation
import Synchronization
import TandemCore

/// Where a model computes. With llama.cpp built as loadable backend modules (GGML_BACKEND_DL),
/// the same binary runs on a CUDA GPU when its module and a device are present, else on the CPU.
public enum Backend: String, Sendable, CaseIterable, Codable {
    case cpu, cuda, auto

    /// Parses `cpu`, `cuda` or `auto` (case-insensitive).
    public init(parsing text: String) throws(RuntimeError) {
        guard let b = Backend(rawValue: text.lowercased()) else { throw .unknownBackend(text) }
        self = b
    }
}

/// A compute device llama.cpp reports after its backend modules are loaded.
public struct ComputeDevice: Sendable, Equatable, Codable {
    /// ggml's device name, e.g. `CPU` or `CUDA0`.
    public let name: String
    /// Human description, e.g. the CPU model or `NVIDIA H100 80GB HBM3`.
    public let description: String
    /// `cpu`, `gpu`, `rpc` (a device of an `rpc-server`; its description is the endpoint) or
    /// `accelerator`.
    public let kind: String
    /// Total and free memory in bytes (0 where the backend does not say).
    public let memoryTotal: UInt64
    public let memoryFree: UInt64
}

/// Loads llama.cpp's backend modules once per process and lists the devices they offer.
public enum BackendRegistry {
    private static let loaded = Mutex<String?>(nil)

    /// The directory the backend modules were loaded from.
    public static var moduleDirectory: String? { loaded.withLock { $0 } }

    /// Loads the backend modules (idempotent). The directory is `TANDEM_BACKEND_DIR`, else the
    /// `bin/` beside the `lib/` that libllama was loaded from (the vendor-build prefix layout).
    public static func ensureLoaded() {
        loaded.withLock { dir in
            guard dir == nil else { return }
            LlamaLog.install()
            llama_backend_init()
            let path = ProcessInfo.processInfo.environment["TANDEM_BACKEND_DIR"] ?? defaultModuleDirectory()
            ggml_backend_load_all_from_path(path)
            dir = path
        }
    }

    /// Every device of every loaded backend. RPC devices are listed only while their server
    /// answers: asking a gone server for its memory would abort the process inside llama.cpp
    /// (or kill it with SIGPIPE: ggml-rpc writes without MSG_NOSIGNAL). `rpc` names the RPC
    /// servers (`HOST:PORT`) whose devices are wanted; nil for every registered one. A server
    /// can still go away between the check and the question, so callers that need no RPC
    /// device (backend selection, local device lists) pass `[]` and never touch one.
    public static func devices(rpc wanted: Set<String>? = nil) -> [ComputeDevice] {
        ensureLoaded()
        return (0..<ggml_backend_dev_count()).compactMap { i in
            guard let dev = ggml_backend_dev_get(i) else { return nil }
            // RPC devices call themselves GPUs; they are not local ones.
            let isRPC = isRPCDevice(dev)
            if isRPC {
                let endpoint = String(cString: ggml_backend_dev_description(dev))
                guard wanted?.contains(endpoint) ?? true, RPCServers.isReachable(endpoint) else { return nil }
            }
            var free = 0, total = 0
            ggml_backend_dev_memory(dev, &free, &total)
            let kind = switch ggml_backend_dev_type(dev) {
            case _ where isRPC: "rpc"
            case GGML_BACKEND_DEVICE_TYPE_CPU: "cpu"
            case GGML_BACKEND_DEVICE_TYPE_GPU, GGML_BACKEND_DEVICE_TYPE_IGPU: "gpu"
            default: "accelerator"
            }
            return ComputeDevice(name: String(cString: ggml_backend_dev_name(dev)),
                                 description: String(cString: ggml_backend_dev_description(dev)),
                                 kind: kind, memoryTotal: UInt64(total), memoryFree: UInt64(free))
        }
    }

    /// True for a device of llama.cpp's RPC backend (an `rpc-server`).
    static func isRPCDevice(_ dev: ggml_backend_dev_t) -> Bool {
        ggml_backend_dev_backend_reg(dev).map { String(cString: ggml_backend_reg_name($0)) == "RPC" } ?? false
    }

    /// The GPU devices llama.cpp can offload to (CUDA when its module loaded and a GPU answered).
    public static func gpuDevices() -> [ComputeDevice] { devices(rpc: []).filter { $0.kind == "gpu" } }

    /// Resolves `.auto` and checks that the requested backend exists.
    /// `.cuda` without a GPU throws; `.auto` falls back to the CPU with a warning only when a CUDA
    /// module was found but no device answered (otherwise a CPU-only build is expected, silently).
    public static func resolve(_ backend: Backend) throws(RuntimeError) -> Backend {
        let gpus = gpuDevices()
        switch backend {
        case .cpu:
            guard devices(rpc: []).contains(where: { $0.kind == "cpu" }) else {
                throw .backendUnavailable(.cpu, reason: "no CPU backend module in \(moduleDirectory ?? "?"); rebuild with vendor-build/build.sh")
            }
            return .cpu
        case .cuda:
            guard !gpus.isEmpty else {
                let module = cudaModulePresent ? "the CUDA module loaded but no GPU answered (driver missing?)"
                    : "this llama.cpp build has no CUDA module (build it with TANDEM_CUDA=1 vendor-build/build.sh on a machine with nvcc)"
                throw .backendUnavailable(.cuda, reason: module)
            }
            return .cuda
        case .auto:
            if !gpus.isEmpty { return .cuda }
            if cudaModulePresent { Log.warning("CUDA module present but no GPU answered; using the CPU") }
            return try resolve(.cpu)
        }
    }

    private static var cudaModulePresent: Bool {
        guard let dir = moduleDirectory else { return false }
        return FileManager.default.fileExists(atPath: dir + "/libggml-cuda.so")
    }

    private static func defaultModuleDirectory() -> String {
        // The mapped libllama tells where the prefix is: <prefix>/lib/libllama.so → <prefix>/bin.
        // /proc files report size 0, so read to the end rather than trusting a size.
        if let handle = FileHandle(forReadingAtPath: "/proc/self/maps"),
           let data = try? handle.readToEnd(),
           case let maps = String(decoding: data, as: UTF8.self),
           let line = maps.split(separator: "\n").first(where: { $0.hasSuffix("/libllama.so") || $0.contains("/libllama.so.") }),
           let slash = line.firstIndex(of: "/") {
            let lib = URL(fileURLWithPath: String(line[slash...])).resolvingSymlinksInPath().deletingLastPathComponent()
            return lib.deletingLastPathComponent().appendingPathComponent("bin").path
        }
        return "."
    }
}
