import CLlama

/// What a model file says about itself.
public struct ModelInfo: Sendable, Codable, Equatable {
    public let path: String
    /// `general.architecture`, e.g. `llama`, `phi3`, `gemma3`.
    public let architecture: String
    /// `general.name` when present.
    public let name: String?
    /// llama.cpp's one-line description (type, size, quantization).
    public let description: String
    public let parameterCount: UInt64
    public let sizeBytes: UInt64
    public let trainedContextLength: Int
    public let embeddingLength: Int
    public let layerCount: Int
    public let vocabularySize: Int
    /// The Jinja chat template from the file, if any.
    public let chatTemplate: String?
    public let backend: Backend
    public let gpuLayers: Int
    public let ggufVersion: UInt32

    init(raw: OpaquePointer, path: String, backend: Backend, gpuLayers: Int, ggufVersion: UInt32) {
        self.path = path
        architecture = Self.meta(raw, "general.architecture") ?? "unknown"
        name = Self.meta(raw, "general.name")
        var buf = [CChar](repeating: 0, count: 256)
        llama_model_desc(raw, &buf, buf.count)
        description = Self.string(buf)
        parameterCount = llama_model_n_params(raw)
        sizeBytes = llama_model_size(raw)
        trainedContextLength = Int(llama_model_n_ctx_train(raw))
        embeddingLength = Int(llama_model_n_embd(raw))
        layerCount = Int(llama_model_n_layer(raw))
        vocabularySize = Int(llama_vocab_n_tokens(llama_model_get_vocab(raw)))
        chatTemplate = llama_model_chat_template(raw, nil).map { String(cString: $0) }
        self.backend = backend
        self.gpuLayers = min(gpuLayers < 0 ? layerCount + 1 : gpuLayers, layerCount + 1)
        self.ggufVersion = ggufVersion
    }

    static func string(_ buf: [CChar]) -> String {
        String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    static func meta(_ raw: OpaquePointer, _ key: String) -> String? {
        var buf = [CChar](repeating: 0, count: 512)
        let n = llama_model_meta_val_str(raw, key, &buf, buf.count)
        return n < 0 ? nil : string(buf)
    }
}
