import Testing
import TandemCloud
import TandemCore

struct CloudModelConfigTests {
    @Test func fullConfigIsRead() throws {
        let config = try CloudModelConfig(json: [
            "provider": "anthropic", "base_url": "http://127.0.0.1:8080/", "model": "claude-sonnet-4",
            "api_key_env": "MY_KEY", "timeout_s": 2.5, "max_retries": 5, "output_retries": 0,
            "max_tokens": 100, "temperature": 0, "stream": true,
        ])
        #expect(config.provider == .anthropic)
        #expect(config.apiKeyVariable == "MY_KEY")
        #expect(config.timeout == .milliseconds(2500))
        #expect(config.maxRetries == 5 && config.outputRetries == 0 && config.maxTokens == 100)
        #expect(config.temperature == 0 && config.stream)
    }

    @Test func defaultsAndNullKey() throws {
        let openai = try CloudModelConfig(json: ["provider": "openai", "model": "gpt-4o-mini"])
        #expect(openai.baseURL == "https://api.openai.com")
        #expect(openai.apiKeyVariable == "OPENAI_API_KEY")
        #expect(openai.timeout == .seconds(120) && openai.maxRetries == 3 && openai.temperature == nil && !openai.stream)
        let local = try CloudModelConfig(json: ["provider": "openai", "model": "x", "base_url": "http://localhost:11434", "api_key_env": nil])
        #expect(local.apiKeyVariable == nil)
        #expect(try CloudModelConfig(json: ["provider": "anthropic", "model": "x"]).apiKeyVariable == "ANTHROPIC_API_KEY")
    }

    @Test func badConfigsSayWhatIsWrong() {
        let cases: [(JSONValue, String)] = [
            (["model": "x"], "provider"),
            (["provider": "gemini", "model": "x"], "provider"),
            (["provider": "openai"], "model"),
            (["provider": "openai", "model": "x", "timeout_s": "fast"], "timeout_s"),
            (["provider": "openai", "model": "x", "max_retries": 99], "max_retries"),
            (["provider": "openai", "model": "x", "api_key_env": 3], "api_key_env"),
            (["provider": "openai", "model": "x", "base_url": 3], "base_url"),
            ([1], "object"),
        ]
        for (json, word) in cases {
            do {
                _ = try CloudModelConfig(json: json)
                Issue.record("\(json) should be rejected")
            } catch {
                #expect(error.description.contains(word), "\(error)")
            }
        }
    }

    @Test(arguments: [("http://h:1", "http://h:1/v1/chat/completions"), ("http://h:1/", "http://h:1/v1/chat/completions"),
                      ("http://h:1/v1", "http://h:1/v1/chat/completions"), ("https://h/api/v1/", "https://h/api/v1/chat/completions"),
                      ("https://h/proxy", "https://h/proxy/v1/chat/completions")])
    func baseURLJoining(base: String, expected: String) {
        let config = CloudModelConfig(provider: .openai, model: "m", baseURL: base)
        #expect(config.endpoint("/v1/chat/completions") == expected)
    }

    @Test func badSchemaNameFailsBeforeSending() async throws {
        let config = CloudModelConfig(provider: .anthropic, model: "m", baseURL: "http://127.0.0.1:1", apiKeyVariable: .some(nil))
        let error = await cloudError {
            try await faultClient(config).completeJSON(system: "s", user: "u", schema: answerSchema, schemaName: "bad name!")
        }
        guard case .invalidConfig(let reason) = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(reason.contains("bad name!"))
    }
}
