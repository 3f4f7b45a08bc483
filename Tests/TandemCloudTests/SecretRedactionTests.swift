import Foundation
import Testing
import Synchronization
import TandemCloud
import TandemCore
import TandemTestSupport

/// The API key never shows in errors, log lines or ledger entries, even when the server echoes it.
@Suite(.timeLimit(.minutes(20)))  // a hang guard only: seconds when quiet
struct SecretRedactionTests {
    let server: FaultServer
    let key = "sk-test-" + UUID().uuidString.replacingOccurrences(of: "-", with: "")
    init() async throws { server = try await FaultServer() }

    private func environment() -> [String: String] { ["TANDEM_TEST_CLOUD_KEY": key] }

    /// One test for both providers: the log sink is process-wide, so two of these in parallel
    /// would unset each other's sink.
    @Test func echoedKeyIsScrubbedFromErrorsLogsAndLedger() async throws {
        let lines = Mutex<[String]>([])
        let previousLevel = Log.level
        Log.level = .debug
        let sink = Log.addSink { _, line in lines.withLock { $0.append(line) } }
        defer { Log.removeSink(sink); Log.level = previousLevel }
        let path = temporaryLedgerPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let ledger = CostLedger(path: path)

        var texts: [String] = []
        for provider in CloudProvider.allCases {
            for scenario in ["echo-auth", "echo-auth-500", "echo-auth-200"] {
                let base = server.baseURL(scenario)
                let client = try faultClient(faultConfig(provider, base, keyVariable: "TANDEM_TEST_CLOUD_KEY", maxRetries: 1),
                                             ledger: ledger, environment: environment())
                let error = await cloudError { try await client.completeJSON(system: "s", user: "u", schema: answerSchema, schemaName: "answer") }
                let shown = try #require(error).description
                // The server really did see and echo the key, and the error says where it was.
                #expect(shown.contains(SecretRedactor.mask), "\(scenario): \(shown)")
                texts.append(shown)
                texts.append(String(describing: error))
            }
            guard case .httpStatus(401, _, 1, _) = await cloudError({
                try await faultClient(faultConfig(provider, server.baseURL("echo-auth"), keyVariable: "TANDEM_TEST_CLOUD_KEY"),
                                      environment: environment())
                    .completeJSON(system: "s", user: "u", schema: answerSchema, schemaName: "answer")
            }) else { Issue.record("401 must fail on the first attempt"); return }
        }

        let logged = lines.withLock { $0 }
        #expect(logged.contains { $0.contains("retrying") }, "the 500 retry should have been logged")
        let ledgerText = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        #expect(!ledgerText.isEmpty, "echo-auth-200 used tokens and must be in the ledger")
        for text in texts + logged + [ledgerText] {
            #expect(!text.contains(key), "key leaked: \(text)")
        }
    }

    @Test func keyValuesNeverPrint() throws {
        let apiKey = try APIKey(variable: "TANDEM_TEST_CLOUD_KEY", environment: environment())
        #expect(apiKey.value == key)
        #expect(!"\(apiKey)".contains(key))
        #expect(!String(reflecting: apiKey).contains(key))
        var dumped = ""
        dump(apiKey, to: &dumped)
        #expect(!dumped.contains(key))
        let request = HTTPRequest(url: "http://127.0.0.1/", headers: [HTTPHeader("Authorization", "Bearer \(key)"),
                                                                       HTTPHeader("x-api-key", key)])
        #expect(!request.description.contains(key))
    }

    @Test func missingKeyVariableNamesTheVariableOnly() {
        #expect(throws: CloudError.missingAPIKey(variable: "TANDEM_TEST_UNSET_KEY")) {
            try OpenAIClient(config: CloudModelConfig(provider: .openai, model: "m", apiKeyVariable: "TANDEM_TEST_UNSET_KEY"),
                             environment: [:])
        }
    }

    @Test func credentialsInTheURLAndBadKeysStayOut() async throws {
        let config = CloudModelConfig(provider: .openai, model: "m", baseURL: "http://user:hunter2@127.0.0.1:1",
                                      apiKeyVariable: .some(nil), maxRetries: 0)
        let error = await cloudError { try await faultClient(config).completeJSON(system: "s", user: "u", schema: answerSchema, schemaName: "answer") }
        guard case .connectionFailed(let url, _, _, _) = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(url == "http://127.0.0.1:1/v1/chat/completions")
        #expect(!error!.description.contains("hunter2"))
        #expect(throws: CloudError.self) { try APIKey(variable: "K", environment: ["K": "sk-abc\r\nX-Evil: 1"]) }
    }

    @Test func redactorScrubsBeforeCutting() {
        let redactor = SecretRedactor(secrets: [key, ""])
        let text = String(repeating: "x", count: 230) + key + " tail"
        let excerpt = redactor.excerpt(text, limit: 240)
        #expect(!excerpt.contains(key))
        #expect(!excerpt.contains(String(key.prefix(12))))
        #expect(redactor.scrub("a \(key) b \(key)") == "a [redacted] b [redacted]")
        #expect(SecretRedactor(secrets: [""]).scrub("unchanged") == "unchanged")
    }
}
