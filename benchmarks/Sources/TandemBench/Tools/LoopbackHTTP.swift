import Foundation
import TandemCore

/// One HTTP/1.1 exchange with a server on 127.0.0.1, timed from the request to the first
/// server-sent event (TTFT when streaming) and to the end. Each exchange runs on its own thread
/// with blocking sockets: concurrent clients must not queue behind the few concurrency threads.
enum LoopbackHTTP {
    struct Response: Sendable {
        let status: Int
        let body: String
        /// Seconds from sending to the first `data:` event of a streamed body.
        let firstEventSeconds: Double?
        let totalSeconds: Double

        /// The body parsed as JSON.
        func json() throws -> JSONValue { try JSONParser.parse(body) }
    }

    static func get(port: Int, path: String, timeoutSeconds: Double = 5) async throws -> Response {
        try await exchange(port: port, head: "GET \(path) HTTP/1.1", body: nil, timeoutSeconds: timeoutSeconds)
    }

    /// With `closeAfterFirstEvent`, the client closes the connection once the first server-sent
    /// event has arrived and returns what it has (a client that leaves mid-stream).
    static func post(port: Int, path: String, json: JSONValue, timeoutSeconds: Double = 600,
                     closeAfterFirstEvent: Bool = false) async throws -> Response {
        try await exchange(port: port, head: "POST \(path) HTTP/1.1", body: Array(JSONWriter.compact(json).utf8),
                           timeoutSeconds: timeoutSeconds, closeAfterFirstEvent: closeAfterFirstEvent)
    }

    private static func exchange(port: Int, head: String, body: [UInt8]?, timeoutSeconds: Double,
                                 closeAfterFirstEvent: Bool = false) async throws -> Response {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result {
                    try blockingExchange(port: port, head: head, body: body, timeoutSeconds: timeoutSeconds, closeAfterFirstEvent: closeAfterFirstEvent)
                })
            }
        }
    }

    private static func blockingExchange(port: Int, head: String, body: [UInt8]?, timeoutSeconds: Double,
                                         closeAfterFirstEvent: Bool) throws -> Response {
        let fd = try LoopbackSocket.connect(port: port, timeoutSeconds: timeoutSeconds)
        defer { close(fd) }
        var request = "\(head)\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
        if let body { request += "Content-Type: application/json\r\nContent-Length: \(body.count)\r\n" }
        let bytes = Array((request + "\r\n").utf8) + (body ?? [])
        let start = DispatchTime.now().uptimeNanoseconds
        func elapsed() -> Double { Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw BenchError.http("send: \(String(cString: strerror(errno)))") }
            sent += n
        }
        var received: [UInt8] = []
        var firstEvent: Double?
        var buffer = [UInt8](repeating: 0, count: 16384)
        let marker = Array("data: ".utf8)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n == 0 { break }
            guard n > 0 else { throw BenchError.http("receive: \(String(cString: strerror(errno))) after \(String(format: "%.1f", elapsed())) s") }
            received += buffer[0..<n]
            if firstEvent == nil, contains(received, marker) {
                firstEvent = elapsed()
                if closeAfterFirstEvent { break }
            }
        }
        let total = elapsed()
        return try parse(received, firstEvent: firstEvent, total: total)
    }

    private static func parse(_ data: [UInt8], firstEvent: Double?, total: Double) throws -> Response {
        guard let split = index(of: Array("\r\n\r\n".utf8), in: data) else { throw BenchError.http("no HTTP header in the reply") }
        let header = String(decoding: data[..<split], as: UTF8.self)
        let lines = header.split(separator: "\r\n")
        let statusParts = lines.first?.split(separator: " ") ?? []
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else { throw BenchError.http("bad status line '\(lines.first ?? "")'") }
        var body = Array(data[(split + 4)...])
        if lines.contains(where: { $0.lowercased().hasPrefix("transfer-encoding:") && $0.lowercased().contains("chunked") }) {
            body = dechunk(body)
        }
        return Response(status: status, body: String(decoding: body, as: UTF8.self), firstEventSeconds: firstEvent, totalSeconds: total)
    }

    private static func dechunk(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var i = 0
        while i < data.count, let lineEnd = index(of: [13, 10], in: data, from: i) {
            let sizeText = String(decoding: data[i..<lineEnd], as: UTF8.self).split(separator: ";").first ?? ""
            guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16), size > 0 else { break }
            let start = lineEnd + 2
            out += data[start..<min(start + size, data.count)]
            i = start + size + 2
        }
        return out
    }

    private static func contains(_ data: [UInt8], _ needle: [UInt8]) -> Bool { index(of: needle, in: data) != nil }

    private static func index(of needle: [UInt8], in data: [UInt8], from: Int = 0) -> Int? {
        guard needle.count <= data.count else { return nil }
        var i = from
        while i + needle.count <= data.count {
            if data[i] == needle[0], Array(data[i..<(i + needle.count)]) == needle { return i }
            i += 1
        }
        return nil
    }
}
