import Foundation
import TandemCore
import TandemRuntime

/// `POST /v1/embeddings`: `input` a string or an array of strings; `encoding_format` `float`
/// (default) or `base64` (little-endian float32, what the OpenAI SDKs ask for by default).
/// Vectors are mean-pooled over the final layer and L2-normalised; texts over 512 tokens are cut.
struct EmbeddingsHandler: Sendable {
    let batcher: EmbeddingBatcher
    let tokenizer: Tokenizer
    /// The model's vector width.
    let width: Int
    let model: String
    let metrics: ServerMetrics

    func handle(_ body: RequestBody) async throws(APIError) -> ServerResponse {
        try GenerationCall.checkModel(body, model)
        if let value = body.value("input"), let first = value.arrayValue?.first, first.doubleValue != nil || first.arrayValue != nil {
            throw .invalid("input", "'input' as token ids is not supported; send a string or an array of strings")
        }
        guard let texts = try body.strings("input", limit: 2048, allowEmpty: false) else {
            throw .invalid("input", "'input' is required: a string or an array of strings")
        }
        guard !texts.isEmpty else { throw .invalid("input", "'input' is an empty array; give at least one string") }
        let format = try body.string("encoding_format") ?? "float"
        guard format == "float" || format == "base64" else {
            throw .invalid("encoding_format", "'encoding_format' is '\(format)'; use float or base64")
        }
        if let dimensions = try body.int("dimensions", in: 1...1_000_000) {
            guard dimensions == width else {
                throw .invalid("dimensions", "'dimensions' is \(dimensions); this model's vectors have \(width) (leave it out)")
            }
        }
        var tokens = 0
        for text in texts { tokens += min(512, (try? tokenizer.tokenize(text, addSpecial: true, parseSpecial: false).count) ?? 0) }
        let vectors: [[Float]]
        do { vectors = try await batcher.embed(texts) } catch {
            throw APIError.from(error)
        }
        metrics.recordEmbedded(texts.count)
        // Written by hand: a JSONValue per number would cost more than the embedding itself.
        var out = "{\"object\":\"list\",\"data\":["
        for (i, v) in vectors.enumerated() {
            if i > 0 { out += "," }
            out += "{\"object\":\"embedding\",\"index\":\(i),\"embedding\":"
            out += format == "base64" ? "\"\(Self.base64(v))\"" : "[" + v.map { $0.isFinite ? "\($0)" : "0" }.joined(separator: ",") + "]"
            out += "}"
        }
        out += "],\"model\":\(JSONWriter.quote(model)),\"usage\":{\"prompt_tokens\":\(tokens),\"total_tokens\":\(tokens)}}"
        return ServerResponse(status: 200, headers: [("Content-Type", "application/json")], body: Array(out.utf8))
    }

    private static func base64(_ v: [Float]) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(v.count * 4)
        for x in v { withUnsafeBytes(of: x.bitPattern.littleEndian) { bytes.append(contentsOf: $0) } }
        return Data(bytes).base64EncodedString()
    }
}
