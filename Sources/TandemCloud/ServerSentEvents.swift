/// One server-sent event: its `event:` name (empty when absent) and its joined `data:` lines.
public struct ServerSentEvent: Sendable, Equatable {
    /// The event type; empty for the default `message` event.
    public var event: String
    /// The data, multi-line data joined with `\n`.
    public var data: String

    /// An event.
    public init(event: String = "", data: String) {
        self.event = event
        self.data = data
    }
}

/// Splits a `text/event-stream` body into events (WHATWG rules: `event:`, `data:`, comments
/// starting with `:`, a blank line ends an event, CRLF or LF line ends). A last event without
/// its blank line is still returned: a truncated stream keeps what arrived.
public enum ServerSentEvents {
    /// The events in `text`, in order.
    public static func parse(_ text: String) -> [ServerSentEvent] {
        var events: [ServerSentEvent] = []
        var name = ""
        var data: [String] = []
        func dispatch() {
            if !data.isEmpty { events.append(ServerSentEvent(event: name, data: data.joined(separator: "\n"))) }
            name = ""
            data = []
        }
        // "\r\n" is one Character in Swift, so it is a separator of its own.
        let lines = text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }
        for line in lines {
            if line.isEmpty { dispatch(); continue }
            if line.hasPrefix(":") { continue }
            let field: Substring
            var value: Substring
            if let colon = line.firstIndex(of: ":") {
                field = line[..<colon]
                value = line[line.index(after: colon)...]
                if value.hasPrefix(" ") { value = value.dropFirst() }
            } else {
                field = line
                value = ""
            }
            switch field {
            case "event": name = String(value)
            case "data": data.append(String(value))
            default: break  // id, retry: not needed for one-shot completions
            }
        }
        dispatch()
        return events
    }
}
