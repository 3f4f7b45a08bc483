import Foundation
import Testing
import TandemCore
import TandemTestSupport

/// `tandem serve` as a real process on 127.0.0.1, called with curl, the OpenAI Python SDK and
/// Tandem's own OpenAI client. Serialized: each test's server shares the machine's two cores.
/// No test asserts a time: waits are bounded only so a hang fails instead of blocking the run.
@Suite(.serialized) struct ServeTests {
    /// A server for the tests that need no special flags (4 slots, 2,048 tokens per request).
    /// Each test starts its own (about a second) and it stops with the test: a server shared in a
    /// static would outlive the test process.
    static func server() async throws -> ServeProcess { try await ServeProcess.start(["--slots", "4", "-c", "2048"]) }

    static func chat(_ model: String, _ content: String, _ extra: [(String, JSONValue)] = []) -> JSONValue {
        var body: JSONValue = ["model": .string(model), "messages": [["role": "user", "content": .string(content)]]]
        for (key, value) in extra { body = body.setting(key, to: value) }
        return body
    }

    /// A raw prompt the model goes on counting from for as long as it may.
    static func counting(_ model: String, maxTokens: Int, stream: Bool) -> JSONValue {
        ["model": .string(model), "prompt": "1, 2, 3, 4, 5, 6, 7, 8, 9, 10,", "max_tokens": .number(Double(maxTokens)),
         "temperature": 0, "stream": .bool(stream)]
    }

    /// Polls `condition` every 100 ms, up to `limit` (generous: a bound, not the thing tested; far
    /// past what a CPU hog makes of a step that takes a second when quiet).
    static func eventually(_ limit: Duration = .seconds(600), _ condition: () async throws -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return false
    }

    @Test func openAIPythonSDKChatsStreamsFollowsSchemasAndEmbeds() async throws {
        let server = try await Self.server()
        let python = ProcessInfo.processInfo.environment["TANDEM_CACHE"].map { $0 + "/venv-mcp/bin/python" }
            ?? FileManager.default.homeDirectoryForCurrentUser.path + "/.cache/tandem/venv-mcp/bin/python"
        guard FileManager.default.isExecutableFile(atPath: python) else {
            throw PeerError(description: "\(python) is missing; `make test` creates it with the OpenAI SDK (Tests/Fixtures/setup-tools.sh)")
        }
        let script = TestPaths.repositoryRoot.appendingPathComponent("Tests/TandemServerTests/Fixtures/openai_sdk_check.py").path
        let (status, output) = try await runProgram(python, [script, server.url, server.model])
        #expect(status == 0, "\(output)")
        let result = try JSONParser.parse(String(output.split(separator: "\n").last ?? ""))
        let chat = try #require(result["chat"])
        #expect(chat["object"]?.stringValue == "chat.completion")
        #expect((chat["text"]?.stringValue ?? "").count > 0)
        #expect(["stop", "length"].contains(chat["finish_reason"]?.stringValue ?? ""))
        #expect((chat["prompt_tokens"]?.intValue ?? 0) > 10)
        // Greedy and alone in its slot, the streamed text is the same as the whole answer.
        #expect(result["stream"]?["text"] == chat["text"])
        #expect((result["stream"]?["chunks"]?.intValue ?? 0) > 1)
        #expect(result["stream"]?["completion_tokens"] == chat["completion_tokens"])
        // The same prompt again comes from the prompt cache.
        #expect((result["stream"]?["cached_tokens"]?.intValue ?? 0) > 10)
        #expect(result["json_schema"]?["city"]?.stringValue != nil)
        #expect(result["json_schema"]?["population"]?.intValue != nil)
        let embeddings = try #require(result["embeddings"])
        #expect(embeddings["count"]?.intValue == 3)
        #expect(embeddings["dimension"]?.intValue == 576)
        #expect(embeddings["indices"] == [0, 1, 2])
        for norm in embeddings["norms"]?.arrayValue ?? [] { #expect(abs((norm.doubleValue ?? 0) - 1) < 1e-3) }
        #expect((embeddings["float_matches_base64"]?.doubleValue ?? 1) < 1e-5)
        #expect(result["models"] == [.string(server.model)])
        #expect(result["unknown_model"]?["status"]?.intValue == 404)
        #expect(result["unknown_model"]?["code"]?.stringValue == "model_not_found")
        #expect(result["bad_temperature"]?["status"]?.intValue == 400)
        #expect(result["bad_temperature"]?["param"]?.stringValue == "temperature")
    }

    @Test func concurrentRequestsShareTheSlotsAndTheirCommonPrefix() async throws {
        let server = try await Self.server()
        let system = "You label support tickets. Reply with one word: billing, shipping, account or other. "
            + String(repeating: "Be brief and exact. ", count: 20)
        func ask(_ ticket: String) async throws -> Curl.Result {
            try await Curl.post(server.url + "/v1/chat/completions", json: [
                "model": .string(server.model), "max_tokens": 4, "temperature": 0,
                "messages": [["role": "system", "content": .string(system)], ["role": "user", "content": .string(ticket)]],
            ])
        }
        let first = try await ask("My card was charged twice.")
        #expect(first.status == 200, "\(first.body)")
        let tickets = ["Where is my parcel?", "I cannot log in.", "Refund please.", "The box arrived broken.",
                       "Change my email address.", "Do you ship abroad?"]
        let replies = try await withThrowingTaskGroup(of: Curl.Result.self) { group in
            for ticket in tickets { group.addTask { try await ask(ticket) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(replies.count == tickets.count)
        for reply in replies {
            #expect(reply.status == 200, "\(reply.body)")
            let usage = try #require(reply.json?["usage"])
            // The shared system prompt came from the cache (another slot's copy or this slot's own).
            #expect((usage["prompt_tokens_details"]?["cached_tokens"]?.intValue ?? 0) > 100, "\(reply.body)")
            #expect(reply.json?["choices"]?[0]?["message"]?["content"]?.stringValue != nil)
        }
        #expect(try await server.metric("tandem_cached_prompt_tokens_total") > 600)
        let metrics = try await Curl.get(server.url + "/metrics").body
        #expect(metrics.contains("tandem_requests_total{endpoint=\"/v1/chat/completions\",status=\"200\"}"))
        #expect(metrics.contains("tandem_queue_depth "))
        #expect(metrics.contains("tandem_decode_step_seconds_count "))
    }

    @Test func choicesStreamingAndLegacyCompletionsKeepOpenAIShapes() async throws {
        let server = try await Self.server()
        let picked = try await Curl.post(server.url + "/v1/chat/completions",
                                         json: Self.chat(server.model, "Is 'I loved it' positive or negative?", [("choices", ["positive", "negative"])]))
        #expect(picked.status == 200, "\(picked.body)")
        let choice = try #require(picked.json?["choices"]?[0])
        let label = choice["message"]?["content"]?.stringValue ?? ""
        #expect(["positive", "negative"].contains(label))
        #expect(choice["choice"]?["label"]?.stringValue == label)
        let p = choice["choice"]?["probability"]?.doubleValue ?? -1
        #expect(p > 0 && p <= 1)

        let streamed = try await Curl.post(server.url + "/v1/completions", json: Self.counting(server.model, maxTokens: 8, stream: true), ["-N"])
        #expect(streamed.status == 200)
        #expect(streamed.headers["content-type"] == "text/event-stream")
        let events = streamed.body.components(separatedBy: "\n\n").filter { $0.hasPrefix("data: ") }
        #expect(events.last == "data: [DONE]")
        let chunks = events.dropLast().compactMap { try? JSONParser.parse(String($0.dropFirst(6))) }
        #expect(chunks.count == events.count - 1)
        #expect(chunks.allSatisfy { $0["object"]?.stringValue == "text_completion" })
        #expect(chunks.last?["choices"]?[0]?["finish_reason"]?.stringValue == "length")
    }
    /// `logprobs: true` on a greedy answer: one per token, and the same values llama-server (same
    /// build and model) reports for the same answer.
    @Test func logprobsMatchLlamaServersOnTheSameGreedyAnswer() async throws {
        let server = try await Self.server()
        let peer = try LlamaServerPeer()
        defer { peer.stop() }
        try await peer.waitUntilHealthy()
        func ask(_ url: String, _ model: String) async throws -> (text: String, logprobs: [Double], tokens: Int) {
            let body: JSONValue = ["model": .string(model), "max_tokens": 8, "temperature": 0, "logprobs": true,
                                   "messages": [["role": "system", "content": "You are a helpful assistant."],
                                                ["role": "user", "content": "Name three colours."]]]
            let r = try await Curl.post(url + "/v1/chat/completions", json: body)
            #expect(r.status == 200, "\(r.body)")
            let choice = r.json?["choices"]?[0]
            let values = (choice?["logprobs"]?["content"]?.arrayValue ?? []).compactMap { $0["logprob"]?.doubleValue }
            return (choice?["message"]?["content"]?.stringValue ?? "", values, r.json?["usage"]?["completion_tokens"]?.intValue ?? -1)
        }
        let ours = try await ask(server.url, server.model)
        let theirs = try await ask(peer.baseURL, server.model)
        #expect(ours.logprobs.count == ours.tokens && ours.tokens > 0)
        #expect(ours.logprobs.allSatisfy { $0 <= 0 && $0.isFinite })
        #expect(ours.text == theirs.text, "the same greedy answer is expected from the same build and model")
        #expect(ours.logprobs.count == theirs.logprobs.count)
        for (a, b) in zip(ours.logprobs, theirs.logprobs) { #expect(abs(a - b) < 0.02, "\(ours.logprobs) vs \(theirs.logprobs)") }
    }
}
