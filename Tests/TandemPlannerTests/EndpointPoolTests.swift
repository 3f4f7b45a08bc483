import Foundation
import Testing
import TandemCloud
import TandemConfig
import TandemOrchestrator
import TandemPlanner
import TandemTestSupport

/// Local-model calls over a pool of real OpenAI-compatible servers on 127.0.0.1: two
/// `llama-server` processes built from the same source, and the fault server for endpoints that
/// break in each way a real one can.
@Suite(.serialized) struct EndpointPoolTests {
    static let labels = ["produce", "alcohol", "dairy eggs"]

    static func modelName() throws -> String { URL(fileURLWithPath: try TestModelFile.smolLM()).lastPathComponent }

    static func client(_ url: String, model: String? = nil, timeout: Duration = .seconds(600)) throws -> RemoteModelClient {
        RemoteModelClient(baseURL: url, model: try model ?? modelName(), timeout: timeout, egress: EgressPolicy(offline: true))
    }

    /// `range.count` choices asked at once; each answer once, in order.
    static func ask(_ pool: EndpointPool, _ range: Range<Int>) async throws -> [String] {
        try await withThrowingTaskGroup(of: (Int, String).self) { group in
            for i in range {
                group.addTask {
                    let reply = try await pool.choose(LocalChoiceRequest(system: "You sort shopping items into categories.",
                                                                         user: "Item \(i): Organic Bananas", labels: labels))
                    return (i, reply.label)
                }
            }
            var out: [(Int, String)] = []
            for try await answer in group { out.append(answer) }
            return out.sorted { $0.0 < $1.0 }.map(\.1)
        }
    }

    @Test func callsSpreadOverTheEndpointsAndAKilledOneIsRoutedAround() async throws {
        let a = try LlamaServerPeer(), b = try LlamaServerPeer()
        defer { a.stop(); b.stop() }
        try await a.waitUntilHealthy()
        try await b.waitUntilHealthy()
        let pool = EndpointPool([try Self.client(a.baseURL), try Self.client(b.baseURL)], maxInFlight: 2)
        #expect(await pool.checkHealth().isEmpty)
        let first = try await Self.ask(pool, 0..<6)
        #expect(first.count == 6 && first.allSatisfy { Self.labels.contains($0) }, "\(first)")
        var status = await pool.status()
        #expect(status.allSatisfy { $0.requests >= 1 && $0.isUp && $0.failures == 0 && $0.p50Seconds != nil }, "\(status)")

        a.stop()
        let second = try await Self.ask(pool, 6..<12)
        #expect(second.count == 6 && second.allSatisfy { Self.labels.contains($0) }, "\(second)")
        status = await pool.status()
        #expect(!status[0].isUp && status[0].failures >= 1 && status[0].lastError != nil, "\(status)")
        #expect(status[1].isUp && status[1].requests >= 6, "\(status)")
        #expect(status.allSatisfy { $0.inFlight == 0 })
    }

    @Test func brokenEndpointsAreTakenOutAndTheirCallsAnsweredElsewhere() async throws {
        let good = try LlamaServerPeer()
        defer { good.stop() }
        let faults = try await FaultServer()
        defer { faults.stop() }
        try await good.waitUntilHealthy()
        // Error status, never answering (the client's timeout), a body cut short, not JSON.
        for (scenario, timeout) in [("500-always", 600), ("slow", 2), ("truncated", 600), ("invalid-json", 600)] {
            let broken = try Self.client(faults.baseURL(scenario), timeout: .seconds(timeout))
            let pool = EndpointPool([broken, try Self.client(good.baseURL)], maxInFlight: 1)
            let answers = try await Self.ask(pool, 0..<3)
            #expect(answers.count == 3 && answers.allSatisfy { Self.labels.contains($0) }, "\(scenario): \(answers)")
            let status = await pool.status()
            #expect(status[0].failures >= 1 && !status[0].isUp && status[0].lastError != nil, "\(scenario): \(status)")
            #expect(status[1].failures == 0, "\(scenario): \(status)")
        }
    }

    @Test func anEndpointServingAnotherModelIsRefusedAndNeverAsked() async throws {
        let faults = try await FaultServer()
        defer { faults.stop() }
        let url = faults.baseURL("ok")
        let pool = EndpointPool([try Self.client(url, model: "qwen2.5-coder-0.5b"), try Self.client(faults.baseURL("ok"), model: "fault-model")])
        let refused = await pool.checkHealth()
        #expect(refused.count == 1)
        #expect(refused.first.map { "\($0)".contains("not the configured model 'qwen2.5-coder-0.5b'") } == true)
        _ = try await pool.generateJSON(LocalJSONRequest(system: "s", user: "u", schema: ["type": "object"], maxTokens: 8))
        #expect(try await faults.requestCount(url + "/v1/chat/completions") == 0)
        #expect(await pool.status()[0].isUp == false)
    }

    @Test func whenEveryEndpointFailsTheCallSaysSo() async throws {
        let faults = try await FaultServer()
        defer { faults.stop() }
        let pool = EndpointPool([try Self.client(faults.baseURL("500-always"), model: "fault-model"),
                                 try Self.client(faults.baseURL("invalid-json"), model: "fault-model")], maxBackoffSeconds: 0.5)
        await #expect {
            _ = try await pool.generateJSON(LocalJSONRequest(system: "s", user: "u", schema: ["type": "object"], maxTokens: 8))
        } throws: { error in
            guard let e = error as? RemoteEndpointError, case .noEndpoint(let tried, _) = e else { return false }
            return tried == 2
        }
    }

    @Test func aMixedPoolSharesCallsBetweenThisProcessAndAServer() async throws {
        let server = try LlamaServerPeer()
        defer { server.stop() }
        try await server.waitUntilHealthy()
        let here = InProcessMember(try EngineModelClient(modelPath: try TestModelFile.smolLM(), slots: 2, backend: .cpu, contextLength: 2048),
                                   model: try Self.modelName(), slots: 2)
        let pool = EndpointPool([here, try Self.client(server.baseURL)], maxInFlight: 2)
        #expect(await pool.checkHealth().isEmpty)
        let answers = try await Self.ask(pool, 0..<12)
        #expect(answers.count == 12 && answers.allSatisfy { Self.labels.contains($0) }, "\(answers)")
        let status = await pool.status()
        #expect(status[0].url.hasPrefix("in-process") && status[1].url == server.baseURL)
        #expect(status.allSatisfy { $0.isUp && $0.requests >= 1 && $0.failures == 0 }, "both members answer: \(status)")
        #expect(status.reduce(0) { $0 + $1.requests } == 12)
    }

    @Test func aPoolEntryNamesItsInProcessModel() throws {
        let config = try TandemConfiguration.parse(text: """
            models:
              here: {path: models/qwen.gguf, slots: 4}
              workers: {backend: openai-compatible, model: qwen.gguf, base_urls: ["http://127.0.0.1:8081"], in_process: here, api_key_env: null}
            roles:
              primary: [workers]
            """, environment: [:])
        #expect(config.model(named: "workers")?.inProcess == "here")
        do {
            _ = try TandemConfiguration.parse(text: """
                models:
                  remote: {backend: openai, model: gpt-4o-mini}
                  workers: {backend: openai-compatible, model: qwen.gguf, base_urls: ["http://127.0.0.1:8081"], in_process: remote}
                  other: {backend: openai-compatible, model: qwen.gguf, base_url: "http://127.0.0.1:8082", in_process: 3}
                """, environment: [:])
            Issue.record("a remote in_process and a non-name were accepted")
        } catch {
            #expect(Set(error.issues.map(\.path)) == ["models.workers.in_process", "models.other.in_process"], "\(error)")
        }
    }

    @Test func aModelEntryCanListAPoolOfEndpoints() throws {
        let config = try TandemConfiguration.parse(text: """
            models:
              workers: {backend: openai-compatible, model: qwen, base_urls: ["http://127.0.0.1:8081", "http://127.0.0.1:8082"], max_in_flight: 2, api_key_env: null}
            roles:
              primary: [workers]
            """, environment: [:])
        guard case .remote(let remote) = config.models(for: "primary").first?.backend else { Issue.record("not remote"); return }
        #expect(remote.endpoints == ["http://127.0.0.1:8081", "http://127.0.0.1:8082"])
        #expect(remote.maxInFlight == 2 && remote.baseURL == "http://127.0.0.1:8081")
        #expect(throws: (any Error).self) {
            _ = try TandemConfiguration.parse(text: """
                models:
                  workers: {backend: openai-compatible, model: qwen, base_urls: ["ftp://x"]}
                """, environment: [:])
        }
    }
}

/// `tandem run` with a pool as its `primary` model: an endpoint serving another model is refused
/// at start (and said so), the other answers every local-model call.
@Test(.timeLimit(.minutes(60))) func runSendsLocalModelCallsToThePool() async throws {
    let fixture = try TemporaryModelConfig()
    defer { fixture.remove() }
    let peer = try LlamaServerPeer()
    defer { peer.stop() }
    let faults = try await FaultServer()
    defer { faults.stop() }
    try await peer.waitUntilHealthy()
    let wrong = faults.baseURL("ok")
    let config = fixture.path("pool.yaml")
    try """
        version: 1
        models:
          workers: {backend: openai-compatible, model: \(try EndpointPoolTests.modelName()), base_urls: ["\(wrong)", "\(peer.baseURL)"], max_in_flight: 2, api_key_env: null, timeout_s: 1800}
        roles:
          primary: [workers]
        keywords_dir: \(Fixtures.path("config"))
        """.write(toFile: config, atomically: true, encoding: .utf8)
    let input = fixture.path("texts.jsonl")
    try "{\"text\": \"I loved it, great food\"}\n{\"text\": \"Terrible service, never again\"}\n".write(toFile: input, atomically: true, encoding: .utf8)
    let (status, output) = try await runToCompletion(try tandemBinary(), [
        "run", "examples/plans/sentiment.json", "--input", input, "--config", config, "--out", fixture.path("out.jsonl"),
        "--json", "--concurrency", "2", "--timeout-ms", slowMachineStepTimeout], timeout: .seconds(1800),
        environment: ["TANDEM_COST_LEDGER": fixture.path("ledger.jsonl")])
    #expect(status == 0, "\(output.suffix(2000))")
    #expect(output.contains("serves fault-model, not the configured model"), "\(output.suffix(2000))")
    #expect(output.contains("on 1 of 2 endpoints"), "\(output.suffix(2000))")
    #expect(output.contains("\"model_calls\": 2"), "both records went to the model: \(output.suffix(1500))")
    #expect(try String(contentsOfFile: fixture.path("out.jsonl"), encoding: .utf8).split(separator: "\n").count == 2)
    #expect(try await faults.requestCount(wrong + "/v1/chat/completions") == 0)
}
