import TandemCore
import TandemRuntime

/// Runs a `GenerationCall` on the engine and answers with one JSON response or an event stream.
///
/// It waits for the engine's first event before sending anything, so a full queue or a bad
/// request still gets its own status (503, 400) instead of a 200 stream carrying an error.
/// The handler's task is cancelled when the client disconnects; the cancellation reaches the
/// engine's stream and frees the sequence slot at the next step.
struct GenerationHandler: Sendable {
    let engine: Engine
    let model: String
    let metrics: ServerMetrics

    func handle(_ call: GenerationCall, sink: any ResponseSink) async {
        let shape = CompletionShape(kind: call.kind, model: model)
        var events = engine.stream(call.request).makeAsyncIterator()
        var event: GenerationEvent
        do {
            guard let first = try await events.next() else { return metrics.recordDisconnect() }
            event = first
        } catch {
            if !Self.isCancellation(error) { sink.send(APIError.from(error).response) } else { metrics.recordDisconnect() }
            return
        }
        if !call.stream {
            do {
                while true {
                    if case .done(let completion) = event {
                        metrics.record(completion.usage)
                        sink.send(ServerResponse(status: 200, headers: [("Content-Type", "application/json")],
                                                 body: Array(JSONWriter.compact(shape.response(completion, tokenizer: engine.model.tokenizer)).utf8)))
                        return
                    }
                    guard let next = try await events.next() else { return metrics.recordDisconnect() }
                    event = next
                }
            } catch {
                if !Self.isCancellation(error) { sink.send(APIError.from(error).response) } else { metrics.recordDisconnect() }
                return
            }
        }
        let sse = SSEWriter(sink: sink)
        sse.start()
        var first = true
        do {
            while true {
                switch event {
                case .text(let piece):
                    sse.event(shape.chunk(text: piece, first: first))
                    first = false
                case .done(let completion):
                    if first && call.kind == .chat { sse.event(shape.chunk(text: "", first: true)) }
                    sse.event(shape.finalChunk(completion))
                    if call.includeUsage { sse.event(shape.usageChunk(completion)) }
                    metrics.record(completion.usage)
                    sse.done()
                    return
                }
                guard let next = try await events.next() else {  // the client left (its task was cancelled)
                    metrics.recordDisconnect()
                    sink.finishStream()
                    return
                }
                event = next
            }
        } catch {
            if Self.isCancellation(error) { metrics.recordDisconnect(); sink.finishStream(); return }
            sse.event(APIError.from(error).json)
            sse.done()
        }
    }

    static func isCancellation(_ error: Error) -> Bool {
        if let e = error as? RuntimeError, e == .cancelled { return true }
        return error is CancellationError
    }
}

extension APIError {
    /// The API error for an engine failure.
    static func from(_ error: Error) -> APIError {
        if let e = error as? APIError { return e }
        guard let e = error as? RuntimeError else {
            return APIError(status: 500, message: "internal error: \(error)", type: "server_error")
        }
        switch e {
        case .busy: return .queueFull(retryAfterSeconds: 1)
        case .promptTooLong, .emptyPrompt, .tokenOutOfRange, .invalidParameter, .tokenizationFailed:
            return .invalid(nil, e.description)
        case .kvCacheFull:
            var out = APIError(status: 503, message: e.description, type: "server_error", code: "kv_cache_full")
            out.headers = [("Retry-After", "1")]
            return out
        case .cancelled: return APIError(status: 499, message: "the request was cancelled", type: "server_error", code: "cancelled")
        default: return APIError(status: 500, message: e.description, type: "server_error")
        }
    }
}
