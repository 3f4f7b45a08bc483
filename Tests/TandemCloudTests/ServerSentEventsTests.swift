import Testing
import TandemCloud

struct ServerSentEventsTests {
    @Test func eventsDataCommentsAndLineEnds() {
        let text = ": keep-alive\r\nevent: message_start\r\ndata: {\"a\":1}\r\n\r\ndata: line one\ndata: line two\n\nid: 7\nretry: 10\ndata:no-space\n\n"
        #expect(ServerSentEvents.parse(text) == [
            ServerSentEvent(event: "message_start", data: "{\"a\":1}"),
            ServerSentEvent(data: "line one\nline two"),
            ServerSentEvent(data: "no-space"),
        ])
    }

    @Test func unterminatedLastEventIsKeptAndEmptyEventsDropped() {
        #expect(ServerSentEvents.parse("event: ping\n\ndata: [DONE]") == [ServerSentEvent(data: "[DONE]")])
        #expect(ServerSentEvents.parse("") == [])
    }
}
