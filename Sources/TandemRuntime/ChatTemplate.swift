import CLlama
import Foundation

/// One message of a conversation.
public struct ChatMessage: Sendable, Codable, Equatable {
    /// `system`, `user` or `assistant`.
    public var role: String
    public var content: String
    public init(role: String, content: String) { self.role = role; self.content = content }
    public static func system(_ text: String) -> ChatMessage { .init(role: "system", content: text) }
    public static func user(_ text: String) -> ChatMessage { .init(role: "user", content: text) }
    public static func assistant(_ text: String) -> ChatMessage { .init(role: "assistant", content: text) }
}

/// Formats conversations with llama.cpp's built-in templates (`llama_chat_apply_template`):
/// chatml, phi3, llama3, gemma and the others it knows, detected from the model's Jinja template.
public struct ChatTemplate: Sendable {
    /// A built-in name (`chatml`) or the model's Jinja source, passed to llama.cpp as is.
    public let source: String

    /// The template stored in the model file; for a file without one, the built-in template of
    /// its architecture where that family has exactly one (Gemma's turns, Phi-3's tags).
    public init(model: LlamaModel) throws(RuntimeError) {
        if let t = model.info.chatTemplate, !t.isEmpty {
            source = t
        } else if let name = Self.architectureTemplate(model.info.architecture) {
            source = name
        } else {
            throw .chatTemplateMissing
        }
        _ = try apply([.user("x")], addAssistant: true)  // fail now, naming it, if llama.cpp can't
    }

    /// The one chat format of a model family, by GGUF architecture (`gemma3` → `gemma`); nil
    /// where a family has several (a Llama file may be a base model or any fine-tune's format).
    public static func architectureTemplate(_ architecture: String) -> String? {
        if architecture.hasPrefix("gemma") { return "gemma" }
        if architecture == "phi3" { return "phi3" }
        return nil
    }

    /// A built-in template by name, e.g. `chatml`, `phi3`, `llama3`, `gemma`.
    public init(named name: String) throws(RuntimeError) {
        guard Self.builtinNames.contains(name) else {
            throw .chatTemplateUnsupported(name: name, available: Self.builtinNames)
        }
        source = name
    }

    /// The names llama.cpp formats without a Jinja engine.
    public static var builtinNames: [String] {
        var names = [UnsafePointer<CChar>?](repeating: nil, count: 128)
        let n = Int(llama_chat_builtin_templates(&names, names.count))
        return names.prefix(min(n, names.count)).compactMap { $0.map { String(cString: $0) } }
    }

    /// The prompt text for `messages`; with `addAssistant`, it ends where the reply begins.
    public func apply(_ messages: [ChatMessage], addAssistant: Bool = true) throws(RuntimeError) -> String {
        let roles = messages.map { strdup($0.role) }
        let contents = messages.map { strdup($0.content) }
        defer { (roles + contents).forEach { free($0) } }
        let chat = zip(roles, contents).map { llama_chat_message(role: UnsafePointer($0), content: UnsafePointer($1)) }
        var capacity = messages.reduce(256) { $0 + 2 * ($1.content.utf8.count + 32) }
        for _ in 0..<2 {
            var buf = [CChar](repeating: 0, count: capacity)
            let n = llama_chat_apply_template(source, chat, chat.count, addAssistant, &buf, Int32(capacity))
            if n < 0 {
                let label = source.count > 40 ? "the model's own template" : source
                throw .chatTemplateUnsupported(name: label, available: Self.builtinNames)
            }
            if Int(n) <= capacity { return String(decoding: buf.prefix(Int(n)).map { UInt8(bitPattern: $0) }, as: UTF8.self) }
            capacity = Int(n)
        }
        throw .chatTemplateUnsupported(name: source, available: Self.builtinNames)
    }
}
