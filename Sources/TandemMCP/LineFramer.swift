/// Splits a byte stream into newline-delimited messages (the MCP stdio framing), refusing any
/// message longer than `limit` before it is buffered whole.
struct LineFramer: Sendable {
    /// The longest message accepted, in bytes, without its newline.
    let limit: Int
    private var partial: [UInt8] = []

    /// Creates a framer.
    init(limit: Int) { self.limit = limit }

    /// What one chunk of input produced.
    enum Output: Sendable, Equatable {
        case line([UInt8])
        /// The current message passed `limit`; framing cannot be trusted after this.
        case tooLong
    }

    /// Feeds `chunk`; returns the complete lines in order (empty lines are skipped), or `.tooLong`.
    mutating func feed(_ chunk: ArraySlice<UInt8>) -> [Output] {
        var outputs: [Output] = []
        var rest = chunk
        while let newline = rest.firstIndex(of: 10) {
            partial.append(contentsOf: rest[rest.startIndex..<newline])
            rest = rest[(newline + 1)...]
            if partial.last == 13 { partial.removeLast() }  // tolerate CRLF
            if partial.count > limit { partial = []; return outputs + [.tooLong] }
            if !partial.isEmpty { outputs.append(.line(partial)) }
            partial = []
        }
        partial.append(contentsOf: rest)
        if partial.count > limit { partial = []; return outputs + [.tooLong] }
        return outputs
    }
}
