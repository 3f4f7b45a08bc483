import TandemCore

/// Server-sent events for a streamed completion: `data: <json>` events, then `data: [DONE]`.
struct SSEWriter: Sendable {
    let sink: any ResponseSink

    /// The head of an event stream (no caching, no proxy buffering).
    static let head = ResponseHead(status: 200, headers: [("Content-Type", "text/event-stream"), ("Cache-Control", "no-cache"),
                                                          ("X-Accel-Buffering", "no")])

    func start() { sink.startStream(Self.head) }

    func event(_ value: JSONValue) { sink.write(Array("data: \(JSONWriter.compact(value))\n\n".utf8)) }

    /// Ends the stream the OpenAI way.
    func done() {
        sink.write(Array("data: [DONE]\n\n".utf8))
        sink.finishStream()
    }
}
