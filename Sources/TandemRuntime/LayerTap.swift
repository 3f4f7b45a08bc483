import CLlama
import Foundation

/// Reads some layers' hidden states out of `llama_decode` and stops the graph after the deepest.
///
/// llama.cpp's scheduler asks an eval callback, node by node, whether the caller wants a tensor;
/// it computes up to the first wanted one, hands it over, and skips the rest of the graph when
/// the callback returns false. For embeddings that means the layers above the deepest tapped one
/// and the 49k-wide output projection are never computed: an embedding from layer L of N costs
/// about L/N of a full decode. (The pooled output llama.cpp writes afterwards is stale and unused.)
///
/// `finalOutput()` taps the final norm's output instead (`result_norm`, what llama.cpp pools), so a
/// final-layer embedding skips just the output projection (for SmolLM2-135M a 49,152 × 576
/// matrix, about a fifth of the weights each token meets). The measured gain on 2 CPU cores was
/// small: 25.1 vs 24.3 texts/s in one unpaired `tandem-bench embed` run each.
///
/// Confined to the decode thread of its context: `reset`, the callback and the reads all run there.
final class LayerTap: @unchecked Sendable {
    /// The tapped layers (0-based, ascending); empty for `finalOutput()`.
    let layers: [Int]
    /// Graph names of the tapped tensors: llama.cpp names each layer's output `l_out-<layer>`.
    private let names: [[CChar]]
    /// Whether token rows are scaled to unit RMS before pooling (hidden layers; the final norm's
    /// output is already normalised, and pooling it plainly gives llama.cpp's own vector).
    private let scalesRows: Bool
    /// Per tapped layer: hidden states of the decoded tokens, row after row (`width` floats per
    /// token), appended per micro-batch (micro-batches of a unified KV cache keep token order).
    private var rows: [[Float]]
    /// Floats per token.
    private(set) var width = 0
    /// A tensor of an unexpected type or layout was seen (nothing usable was captured).
    private(set) var unreadable = false

    init(layers: [Int]) {
        self.layers = Array(Set(layers)).sorted()
        names = self.layers.map { Array("l_out-\($0)".utf8CString) }
        rows = self.layers.map { _ in [] }
        scalesRows = true
    }

    private init(finalNorm name: String) {
        layers = []
        names = [Array(name.utf8CString)]
        rows = [[]]
        scalesRows = false
    }

    /// A tap on the final norm's output (the rows llama.cpp pools), stopping before the output projection.
    static func finalOutput() -> LayerTap { LayerTap(finalNorm: "result_norm") }

    /// What is tapped, for messages.
    var tapped: String { layers.isEmpty ? "the final norm" : "layers \(layers)" }

    /// Forgets the last decode's rows.
    func reset() {
        for i in rows.indices { rows[i].removeAll(keepingCapacity: true) }
        unreadable = false
    }

    /// Tokens captured since `reset` (by every tapped layer; 0 when they disagree).
    var tokenCount: Int {
        guard width > 0, let first = rows.first?.count, rows.allSatisfy({ $0.count == first }) else { return 0 }
        return first / width
    }

    /// The callback for `llama_context_params.cb_eval`; `userData` is an unretained `LayerTap`.
    static let callback: ggml_backend_sched_eval_callback = { tensor, ask, userData in
        guard let tensor, let userData else { return true }
        let tap = Unmanaged<LayerTap>.fromOpaque(userData).takeUnretainedValue()
        guard let i = tap.index(of: tensor) else { return !ask }
        if ask { return true }
        tap.capture(tensor, into: i)
        return i < tap.names.count - 1  // after the deepest tapped tensor nothing more is needed
    }

    private func index(of tensor: UnsafeMutablePointer<ggml_tensor>) -> Int? {
        guard let name = ggml_get_name(tensor) else { return nil }
        return names.firstIndex { n in n.withUnsafeBufferPointer { strcmp(name, $0.baseAddress!) == 0 } }
    }

    private func capture(_ tensor: UnsafeMutablePointer<ggml_tensor>, into i: Int) {
        let t = tensor.pointee
        guard t.type == GGML_TYPE_F32, ggml_is_contiguous(tensor), t.ne.2 == 1, t.ne.3 == 1, width == 0 || Int(t.ne.0) == width else {
            unreadable = true
            return
        }
        let w = Int(t.ne.0), n = Int(t.ne.1)
        width = w
        let start = rows[i].count
        rows[i].append(contentsOf: repeatElement(0, count: w * n))
        rows[i].withUnsafeMutableBufferPointer { p in
            ggml_backend_tensor_get(tensor, p.baseAddress! + start, 0, w * n * MemoryLayout<Float>.size)
        }
    }

    /// The tapped layers' pooled rows `range`, concatenated, each layer's part L2-normalized so
    /// every layer weighs the same. Each token row is first scaled to unit RMS: a few hidden
    /// dimensions carry activations hundreds of times larger than the rest on some tokens (the
    /// first one above all), and without this they would decide every similarity.
    func pooledMean(_ range: Range<Int>) -> [Float] {
        var out: [Float] = []
        out.reserveCapacity(width * rows.count)
        for layerRows in rows {
            var part = [Float](repeating: 0, count: width)
            layerRows.withUnsafeBufferPointer { p in
                for r in range {
                    let base = r * width
                    var sq: Float = 0
                    for i in 0..<width { sq += p[base + i] * p[base + i] }
                    let scale = scalesRows ? 1 / max((sq / Float(width)).squareRoot(), 1e-6) : 1
                    for i in 0..<width { part[i] += p[base + i] * scale }
                }
            }
            let norm = part.reduce(0) { $0 + $1 * $1 }.squareRoot()
            out += norm > 0 ? part.map { $0 / norm } : part
        }
        return out
    }
}
