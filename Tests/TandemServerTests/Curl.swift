import Foundation
import TandemCore
import TandemTestSupport

/// The curl command line against the server: what any script would send, byte for byte.
enum Curl {
    struct Result: Sendable {
        let status: Int
        /// Header names lower-cased (the final response's, after any 100 Continue).
        let headers: [String: String]
        let body: String
        var json: JSONValue? { try? JSONParser.parse(body) }
        /// `error.param` and `error.code` of an OpenAI-shaped error.
        var errorParam: String? { json?["error"]?["param"]?.stringValue }
        var errorCode: String? { json?["error"]?["code"]?.stringValue }
        var errorMessage: String { json?["error"]?["message"]?.stringValue ?? "" }
    }

    static var binary: String {
        get throws {
            for path in ["/usr/bin/curl", "/usr/local/bin/curl"] where FileManager.default.isExecutableFile(atPath: path) { return path }
            throw PeerError(description: "curl is missing; `make test` installs it (Tests/Fixtures/setup-tools.sh)")
        }
    }

    static func get(_ url: String, _ extra: [String] = []) async throws -> Result { try await call(extra + [url]) }

    /// POSTs `body` (bytes, sent as is) with a JSON content type.
    static func post(_ url: String, _ body: [UInt8], _ extra: [String] = []) async throws -> Result {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-serve-body-\(UUID().uuidString)")
        try Data(body).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        return try await call(["-H", "Content-Type: application/json", "--data-binary", "@" + file.path] + extra + [url])
    }

    static func post(_ url: String, json: JSONValue, _ extra: [String] = []) async throws -> Result {
        try await post(url, Array(JSONWriter.compact(json).utf8), extra)
    }

    /// curl with `arguments`; the status from `-w`, headers from `-D`, the body from `-o`.
    static func call(_ arguments: [String], onStart: (@Sendable (Int32) -> Void)? = nil) async throws -> Result {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-serve-curl-\(UUID().uuidString)").path
        defer { for suffix in [".h", ".b"] { try? FileManager.default.removeItem(atPath: base + suffix) } }
        let (_, output) = try await runProgram(try binary, ["-s", "-S", "--max-time", "600", "-D", base + ".h", "-o", base + ".b",
                                                            "-w", "\n%{http_code}"] + arguments, onStart: onStart)
        let status = Int(output.split(separator: "\n").last ?? "") ?? 0
        let headerText = (try? String(contentsOfFile: base + ".h", encoding: .utf8)) ?? ""
        let finalBlock = headerText.components(separatedBy: "\r\n\r\n").filter { !$0.isEmpty }.last ?? ""
        var headers: [String: String] = [:]
        for line in finalBlock.split(separator: "\r\n").dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let body = (try? String(contentsOfFile: base + ".b", encoding: .utf8)) ?? ""
        return Result(status: status, headers: headers, body: body)
    }
}
