import TandemCloud
import TandemCore

/// One configured model: a local GGUF file run in-process, or a remote API.
public struct ModelSpec: Sendable, Equatable {
    /// Where the model runs.
    public enum Backend: Sendable, Equatable {
        /// A GGUF file on the llama.cpp runtime.
        case local(LocalModelSpec)
        /// OpenAI, Anthropic or an OpenAI-compatible server.
        case remote(CloudModelConfig)
    }

    /// The model's name in the config (`models.NAME`, or `ROLE[i]` for inline entries).
    public var name: String
    /// How to reach it.
    public var backend: Backend
    /// For a pool of servers (`base_urls`): the local model entry that also serves it from this
    /// process, as one more member (`in_process: NAME`, a mixed pool).
    public var inProcess: String?

    /// Creates a spec.
    public init(name: String, backend: Backend, inProcess: String? = nil) {
        self.name = name
        self.backend = backend
        self.inProcess = inProcess
    }

    /// `local`, `openai`, `anthropic` or `openai-compatible`.
    public var backendName: String {
        switch backend {
        case .local: "local"
        case .remote(let c): c.provider == .anthropic ? "anthropic"
            : (c.baseURL == CloudProvider.openai.defaultBaseURL ? "openai" : "openai-compatible")
        }
    }

    /// True for a remote API.
    public var isRemote: Bool { if case .remote = backend { true } else { false } }
}

/// A local GGUF model and how to load it.
public struct LocalModelSpec: Sendable, Equatable {
    /// Path of the `.gguf` file (relative paths are relative to the working directory).
    public var path: String
    /// Context length in tokens.
    public var contextLength: Int
    /// Sequence slots decoded together.
    public var slots: Int
    /// `auto`, `cpu` or `cuda`.
    public var device: String
    /// `host:port` of llama.cpp `rpc-server` processes that hold the model's layers (`rpc:`).
    public var rpc: [String]

    /// Creates a spec.
    public init(path: String, contextLength: Int = 4096, slots: Int = 8, device: String = "auto", rpc: [String] = []) {
        self.path = path
        self.contextLength = contextLength
        self.slots = slots
        self.device = device
        self.rpc = rpc
    }
}
