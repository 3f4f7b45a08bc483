import Foundation
import Synchronization
import TandemRuntime

/// Counters behind `GET /metrics` (Prometheus text format 0.0.4). Safe from any task.
final class ServerMetrics: Sendable {
    private struct Counters {
        var requests: [String: Int] = [:]  // "endpoint\u{0}status"
        var promptTokens = 0
        var cachedPromptTokens = 0
        var completionTokens = 0
        var generations = 0
        var timeToFirstTokenSeconds = 0.0
        var decodeIntervals = 0
        var decodeSeconds = 0.0
        var embeddedTexts = 0
        var classifiedTexts = 0
        var disconnects = 0
    }

    private let counters = Mutex(Counters())

    /// One answered request (its status as sent).
    func recordRequest(endpoint: String, status: Int) {
        counters.withLock { $0.requests["\(endpoint)\u{0}\(status)", default: 0] += 1 }
    }

    /// A finished generation's tokens and timings. The decode step time is what the request
    /// saw between its tokens (every step decodes one token for each generating sequence).
    func record(_ u: GenerationUsage) {
        counters.withLock { c in
            c.promptTokens += u.promptTokens
            c.cachedPromptTokens += u.cachedPromptTokens
            c.completionTokens += u.generatedTokens
            c.generations += 1
            c.timeToFirstTokenSeconds += u.queueSeconds + u.timeToFirstTokenSeconds
            if u.generatedTokens > 1 {
                c.decodeIntervals += u.generatedTokens - 1
                c.decodeSeconds += u.generationSeconds
            }
        }
    }

    func recordEmbedded(_ texts: Int) { counters.withLock { $0.embeddedTexts += texts } }
    func recordClassified(_ texts: Int) { counters.withLock { $0.classifiedTexts += texts } }
    /// A client left before its answer was complete.
    func recordDisconnect() { counters.withLock { $0.disconnects += 1 } }

    /// The exposition text, with the engine's slots and queue as gauges.
    func render(status: SchedulerStatus, inFlight: Int, connections: Int) -> String {
        let c = counters.withLock { $0 }
        var out = ""
        func metric(_ name: String, _ type: String, _ help: String, _ samples: [(labels: String, value: String)]) {
            out += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
            for s in samples { out += "\(name)\(s.labels) \(s.value)\n" }
        }
        func one(_ name: String, _ type: String, _ help: String, _ value: Int) { metric(name, type, help, [("", String(value))]) }
        let requests = c.requests.sorted { $0.key < $1.key }.map { key, n in
            let parts = key.split(separator: "\u{0}", omittingEmptySubsequences: false)
            return (labels: "{endpoint=\"\(parts[0])\",status=\"\(parts[1])\"}", value: String(n))
        }
        metric("tandem_requests_total", "counter", "HTTP requests answered, by endpoint and status.", requests)
        one("tandem_requests_in_flight", "gauge", "Requests being answered now.", inFlight)
        one("tandem_connections", "gauge", "Open HTTP connections, idle ones included.", connections)
        one("tandem_client_disconnects_total", "counter", "Clients that left before their answer was complete.", c.disconnects)
        one("tandem_prompt_tokens_total", "counter", "Prompt tokens of finished generations.", c.promptTokens)
        one("tandem_cached_prompt_tokens_total", "counter", "Prompt tokens served from the prompt cache instead of decoded.",
            c.cachedPromptTokens)
        one("tandem_completion_tokens_total", "counter", "Generated tokens of finished generations.", c.completionTokens)
        one("tandem_embedded_texts_total", "counter", "Texts embedded by /v1/embeddings.", c.embeddedTexts)
        one("tandem_classified_texts_total", "counter", "Texts labelled by /v1/classify.", c.classifiedTexts)
        one("tandem_queue_depth", "gauge", "Generations waiting for a sequence slot.", status.queued)
        one("tandem_slots_busy", "gauge", "Sequence slots generating now.", status.slots.filter(\.isBusy).count)
        one("tandem_slots_total", "gauge", "Sequence slots of the engine.", status.slots.count)
        metric("tandem_time_to_first_token_seconds", "summary", "Submission to first token (queue and prompt), per generation.",
               [("_sum", String(c.timeToFirstTokenSeconds)), ("_count", String(c.generations))])
        metric("tandem_decode_step_seconds", "summary", "Time between two generated tokens of one request (one decode step).",
               [("_sum", String(c.decodeSeconds)), ("_count", String(c.decodeIntervals))])
        return out
    }
}
