/// Everything the runtime refuses, with what to do about it.
///
/// llama.cpp aborts the process on some invalid calls (GGML_ASSERT), so the runtime checks sizes,
/// token ids, context room and file headers first and throws one of these instead.
public enum RuntimeError: Error, CustomStringConvertible, Sendable, Equatable {
    case fileNotFound(path: String)
    case notARegularFile(path: String)
    case invalidModelFile(path: String, reason: String)
    case modelLoadFailed(path: String)
    case backendUnavailable(Backend, reason: String)
    case unknownBackend(String)
    case contextCreationFailed(contextLength: Int)
    case tokenizationFailed(reason: String)
    case tokenOutOfRange(token: Int32, vocabularySize: Int)
    case emptyPrompt
    case promptTooLong(tokens: Int, contextLength: Int)
    case invalidParameter(name: String, reason: String)
    case kvCacheFull(tokens: Int, contextLength: Int)
    case decodeFailed(code: Int32)
    case chatTemplateUnsupported(name: String, available: [String])
    case chatTemplateMissing
    case grammarRejected(reason: String)
    case busy(queued: Int, limit: Int)
    case cancelled
    case engineClosed
    case stateFileRejected(path: String, reason: String)
    case rpcServerUnavailable(endpoint: String, reason: String)

    public var description: String {
        switch self {
        case .fileNotFound(let p): "model file not found: \(p)"
        case .notARegularFile(let p): "\(p) is not a regular file (a directory?); pass the path of a .gguf file"
        case .invalidModelFile(let p, let r): "\(p) is not a usable GGUF model: \(r)"
        case .modelLoadFailed(let p): "llama.cpp could not load \(p); run with --verbose to see its log"
        case .backendUnavailable(let b, let r): "the \(b.rawValue) backend is not available: \(r)"
        case .unknownBackend(let s): "unknown backend '\(s)'; use cpu, cuda or auto"
        case .contextCreationFailed(let n): "could not create a \(n)-token llama context; use a shorter context or fewer slots"
        case .tokenizationFailed(let r): "tokenization failed: \(r)"
        case .tokenOutOfRange(let t, let n): "token id \(t) is outside the vocabulary (0..<\(n))"
        case .emptyPrompt: "the prompt is empty: give at least one token of input"
        case .promptTooLong(let t, let n): "the prompt has \(t) tokens but the context holds \(n); shorten it or raise --context"
        case .invalidParameter(let n, let r): "invalid \(n): \(r)"
        case .kvCacheFull(let t, let n): "no free KV cells for \(t) tokens in a \(n)-token context; use fewer slots, shorter prompts or a longer context"
        case .decodeFailed(let c): "llama_decode failed with code \(c)"
        case .chatTemplateUnsupported(let n, let a): "chat template '\(n)' is not supported by llama_chat_apply_template; supported: \(a.joined(separator: ", "))"
        case .chatTemplateMissing: "the model has no chat template; pass one explicitly (e.g. chatml)"
        case .grammarRejected(let r): "the grammar was rejected: \(r)"
        case .busy(let q, let l): "the engine is busy: \(q) requests queued (limit \(l)); retry later or raise the queue limit"
        case .cancelled: "the request was cancelled"
        case .engineClosed: "the engine has shut down"
        case .stateFileRejected(let p, let r): "ignored saved prompt state \(p): \(r)"
        case .rpcServerUnavailable(let e, let r): "RPC server \(e) cannot be used: \(r)"
        }
    }
}
