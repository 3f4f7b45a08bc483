import CLlama
import Synchronization
import TandemCore

/// Routes llama.cpp's and ggml's log lines into `Log` at debug level, so they stay quiet unless
/// `--verbose`; errors from llama.cpp stay at debug too because the runtime reports its own.
enum LlamaLog {
    private static let installed = Mutex(false)
    private static let partial = Mutex("")

    static func install() {
        installed.withLock { done in
            guard !done else { return }
            done = true
            let callback: ggml_log_callback = { level, text, _ in
                guard let text else { return }
                LlamaLog.receive(String(cString: text), isContinuation: level == GGML_LOG_LEVEL_CONT)
            }
            llama_log_set(callback, nil)
            ggml_log_set(callback, nil)
        }
    }

    /// llama.cpp logs in fragments; emit whole lines.
    private static func receive(_ text: String, isContinuation: Bool) {
        let lines: [String] = partial.withLock { buffer in
            buffer += text
            guard buffer.contains("\n") else { return [] }
            var parts = buffer.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            buffer = parts.removeLast()
            return parts
        }
        for line in lines where !line.isEmpty { Log.debug("llama: \(line)") }
    }
}
