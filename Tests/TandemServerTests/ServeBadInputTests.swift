import Foundation
import Testing
import TandemCore
import TandemTestSupport

/// Every refusal of `tandem serve`, sent with curl: the status, OpenAI's error shape naming the
/// field, and a server that goes on answering afterwards.
extension ServeTests {
    @Test func malformedRequestsGet400NamingTheField() async throws {
        let server = try await Self.server()
        let chat = server.url + "/v1/chat/completions"
        let m = server.model
        let cases: [(body: [UInt8], param: String?, code: String?, mentions: String)] = [
            (Array(#"{"model": "\#(m)", "messages": [{"role": "user", "con"#.utf8), nil, "invalid_json", "not valid JSON"),
            (Array(#"{"model": "\#(m)", "messages": "hello"}"#.utf8), "messages", nil, "non-empty array"),
            (Array(#"{"model": "\#(m)", "messages": [{"role": "user", "content": "hi"}], "temperature": "hot"}"#.utf8), "temperature", nil, "number"),
            (Array(#"{"model": "\#(m)", "messages": [{"role": "user", "content": "hi"}], "max_tokens": 1.5}"#.utf8), "max_tokens", nil, "integer"),
            (Array(#"{"model": "\#(m)", "messages": [{"role": "user", "content": "hi"}], "stream": "yes"}"#.utf8), "stream", nil, "true or false"),
            (Array(#"{"model": "\#(m)", "messages": [{"role": "tool", "content": "hi"}]}"#.utf8), "messages[0].role", nil, "tool"),
            (Array(#"{"model": 7, "messages": [{"role": "user", "content": "hi"}]}"#.utf8), "model", nil, "string"),
            (Array(#"[1, 2]"#.utf8), nil, "invalid_json", "JSON object"),
            (Array(#"{"model": "\#(m)", "messages": [{"role": "user", "content": "hi"}], "max_tokens": 100000}"#.utf8), "max_tokens",
             "context_length_exceeded", "2048-token context"),
            (Array(#"{"model": "\#(m)", "messages": [{"role": "user", "content": "hi"}], "response_format": {"type": "json_schema", "json_schema": {"name": "x", "schema": {"type": "string", "pattern": "^a+$"}}}}"#.utf8),
             "response_format.json_schema.schema", "unsupported_schema", "pattern"),
            (Array(#"{"model": "\#(m)", "messages": [{"role": "user", "content": "caf"#.utf8) + [0xC3, 0x28, 0xFF] + Array(#""}]}"#.utf8),
             nil, "invalid_utf8", "UTF-8"),
            (Array(#"{"model": "\#(m)", "messages": [{"role": "user", "content": "hi"}], "logprobs": true, "stream": true}"#.utf8),
             "logprobs", nil, "stream"),
            (Array(#"{"model": "\#(m)", "messages": [{"role": "user", "content": "hi"}], "logprobs": true, "top_logprobs": 3}"#.utf8),
             "top_logprobs", nil, "not supported"),
            (Array(#"{"model": "\#(m)", "messages": [{"role": "user", "content": "hi"}], "logprobs": true, "choices": ["a", "b"]}"#.utf8),
             "logprobs", nil, "choices"),
        ]
        for c in cases {
            let r = try await Curl.post(chat, c.body)
            #expect(r.status == 400, "\(String(decoding: c.body, as: UTF8.self)) -> \(r.status) \(r.body)")
            #expect(r.json?["error"]?["type"]?.stringValue == "invalid_request_error", "\(r.body)")
            #expect(r.errorParam == c.param, "\(r.body)")
            #expect(r.errorCode == c.code, "\(r.body)")
            #expect(r.errorMessage.contains(c.mentions), "\(r.body)")
        }
        let unknown = try await Curl.post(chat, json: Self.chat("gpt-4o", "hi"))
        #expect(unknown.status == 404)
        #expect(unknown.errorCode == "model_not_found")
        #expect(unknown.errorParam == "model")
        let tokens = try await Curl.post(server.url + "/v1/embeddings", json: ["model": .string(m), "input": [1, 2, 3]])
        #expect(tokens.status == 400)
        #expect(tokens.errorParam == "input")
        let empty = try await Curl.post(server.url + "/v1/embeddings", json: ["model": .string(m), "input": ["a", ""]])
        #expect(empty.status == 400)
        #expect(empty.errorMessage.contains("input[1]"))
        let method = try await Curl.get(chat)
        #expect(method.status == 405)
        #expect(method.headers["allow"] == "POST")
        let path = try await Curl.get(server.url + "/v2/nothing")
        #expect(path.status == 404)
        // Still serving.
        let ok = try await Curl.post(chat, json: Self.chat(m, "Say hi.", [("max_tokens", 4)]))
        #expect(ok.status == 200, "\(ok.body)")
    }

    @Test func bodiesOverTheLimitGet413() async throws {
        let server = try await Self.server()
        let chat = server.url + "/v1/chat/completions"
        let big = Array(#"{"model": "x", "messages": [{"role": "user", "content": ""#.utf8)
            + [UInt8](repeating: UInt8(ascii: "a"), count: 9 * 1024 * 1024) + Array(#""}]}"#.utf8)
        // Declared with Content-Length: refused before the body is read.
        let declared = try await Curl.post(chat, big)
        #expect(declared.status == 413, "\(declared.body)")
        #expect(declared.errorCode == "request_too_large")
        // Chunked (no length up front): read to the end, then refused.
        let chunked = try await Curl.post(chat, big, ["-H", "Transfer-Encoding: chunked"])
        #expect(chunked.status == 413, "\(chunked.body)")
        let ok = try await Curl.post(chat, json: Self.chat(server.model, "Say hi.", [("max_tokens", 4)]))
        #expect(ok.status == 200)
    }

    @Test func apiKeyIsRequiredWhenConfigured() async throws {
        let missing = try await runProgram(try tandemBinary(), ["serve", "--port", "0", "--api-key-env", "TANDEM_TEST_UNSET_KEY_VARIABLE"])
        #expect(missing.status == 1)
        #expect(missing.output.contains("TANDEM_TEST_UNSET_KEY_VARIABLE"))

        let server = try await ServeProcess.start(["--slots", "1", "-c", "512", "--api-key-env", "TANDEM_TEST_KEY"],
                                                  environment: ["TANDEM_TEST_KEY": "s3cret-key"])
        let body = Self.chat(server.model, "Say hi.", [("max_tokens", 2)])
        let none = try await Curl.post(server.url + "/v1/chat/completions", json: body)
        #expect(none.status == 401)
        #expect(none.json?["error"]?["type"]?.stringValue == "authentication_error")
        let wrong = try await Curl.post(server.url + "/v1/chat/completions", json: body, ["-H", "Authorization: Bearer s3cret-kez"])
        #expect(wrong.status == 401)
        #expect(try await Curl.get(server.url + "/v1/models").status == 401)
        let right = try await Curl.post(server.url + "/v1/chat/completions", json: body, ["-H", "Authorization: Bearer s3cret-key"])
        #expect(right.status == 200, "\(right.body)")
        #expect(try await Curl.get(server.url + "/health").status == 200)
        #expect(!server.log.contains("s3cret-key"))
    }
}
