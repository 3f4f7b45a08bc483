import Foundation
import Testing
import TandemCloud
import TandemCore
import TandemTestSupport

/// Each fault ends in a retry, a fallback or a clear error, for both APIs. The time limit only
/// catches a hang: each test takes seconds on a quiet machine, and minutes under a CPU hog.
@Suite(.timeLimit(.minutes(20)))
struct FaultInjectionTests {
    let server: FaultServer
    init() async throws { server = try await FaultServer() }

    @Test(arguments: CloudProvider.allCases)
    func goodAnswerParsesWithUsage(provider: CloudProvider) async throws {
        let base = server.baseURL("ok")
        let completion = try await faultClient(faultConfig(provider, base))
            .completeJSON(system: "s", user: "u", schema: answerSchema, schemaName: "answer")
        #expect(completion.value["answer"] == "ok")
        #expect(completion.usage == TokenUsage(inputTokens: 11, outputTokens: 7))
        #expect(completion.model == "fault-model")
        #expect(completion.requests == 1)
    }

    @Test(arguments: CloudProvider.allCases)
    func streamedAnswerIsAssembled(provider: CloudProvider) async throws {
        let completion = try await faultClient(faultConfig(provider, server.baseURL("ok"), stream: true))
            .completeJSON(system: "s", user: "u", schema: answerSchema, schemaName: "answer")
        #expect(completion.value["answer"] == "ok")
        #expect(completion.usage == TokenUsage(inputTokens: 11, outputTokens: 7))
    }

    @Test(arguments: CloudProvider.allCases)
    func rateLimitHonoursRetryAfterSeconds(provider: CloudProvider) async throws {
        let base = server.baseURL("429-then-ok")
        let (completion, seconds) = try await timed {
            try await faultClient(faultConfig(provider, base)).completeJSON(system: "s", user: "u", schema: answerSchema, schemaName: "answer")
        }
        #expect(completion.value["answer"] == "ok")
        #expect(seconds >= 0.95, "Retry-After: 1 must be waited out, took \(seconds) s")
        #expect(try await server.requestCount(endpoint(provider, base)) == 2)
    }

    @Test func rateLimitHonoursRetryAfterHTTPDate() async throws {
        let base = server.baseURL("429-date-then-ok")
        let (completion, seconds) = try await timed {
            try await faultClient(faultConfig(.openai, base)).completeJSON(system: "s", user: "u", schema: answerSchema, schemaName: "answer")
        }
        #expect(completion.value["answer"] == "ok")
        // The date is 2 s ahead with 1 s resolution: the wait is at least 1 s, never the 20 ms backoff.
        // (A misread date far ahead would pass the 5 s cap and fail with retryAfterTooLong instead.)
        #expect(seconds >= 0.9, "took \(seconds) s")
        #expect(try await server.requestCount(endpoint(.openai, base)) == 2)
    }

    @Test func retryAfterBeyondTheLimitFailsAtOnce() async throws {
        let (error, seconds) = await timed {
            await cloudError { try await faultClient(faultConfig(.openai, server.baseURL("429-long")))
                .completeJSON(system: "s", user: "u", schema: answerSchema, schemaName: "answer") }
        }
        guard case .retryAfterTooLong(_, let wait, _) = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(wait == 3600)
        // Failing at all shows it did not wait; the bound only rules out a wait of the hour.
        #expect(seconds < 600, "must not wait out an hour-long Retry-After, took \(seconds) s")
    }

    @Test(arguments: CloudProvider.allCases)
    func serverErrorIsRetriedThenReported(provider: CloudProvider) async throws {
        let base = server.baseURL("500-always")
        let error = await cloudError { try await faultClient(faultConfig(provider, base, maxRetries: 2))
            .completeJSON(system: "s", user: "u", schema: answerSchema, schemaName: "answer") }
        guard case .httpStatus(500, _, 3, let excerpt) = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(excerpt.contains("internal error"))
        #expect(error!.description.contains("HTTP 500 after 3 attempt(s)"))
        #expect(try await server.requestCount(endpoint(provider, base)) == 3)
    }

    @Test func unavailableThenRecovered() async throws {
        let completion = try await faultClient(faultConfig(.anthropic, server.baseURL("503-then-ok")))
            .completeJSON(system: "s", user: "u", schema: answerSchema, schemaName: "answer")
        #expect(completion.value["answer"] == "ok")
    }

    @Test func validationErrorIsNotRetried() async throws {
        let base = server.baseURL("400")
        let error = await cloudError { try await faultClient(faultConfig(.openai, base, maxRetries: 3))
            .completeJSON(system: "s", user: "u", schema: answerSchema, schemaName: "answer") }
        guard case .httpStatus(400, _, 1, _) = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(error!.description.contains("invalid schema"))
        #expect(try await server.requestCount(endpoint(.openai, base)) == 1)
    }

    @Test func slowServerTimesOutOnEveryAttempt() async throws {
        let base = server.baseURL("slow")
        // `slow` never answers, so only the timeout can end each attempt: the error is the proof.
        let error = await cloudError { try await faultClient(faultConfig(.openai, base, timeout: .milliseconds(700), maxRetries: 1))
            .completeJSON(system: "s", user: "u", schema: answerSchema, schemaName: "answer") }
        guard case .timedOut(_, _, 2) = error else { Issue.record("got \(String(describing: error))"); return }
    }

    @Test func slowFirstAttemptIsRetried() async throws {
        // The first attempt never gets an answer; the second must be answered within the same
        // timeout, so it is 5 s: hundreds of times a loopback answer, even on a loaded machine.
        let completion = try await faultClient(faultConfig(.anthropic, server.baseURL("slow-then-ok"), timeout: .seconds(5)))
            .completeJSON(system: "s", user: "u", schema: answerSchema, schemaName: "answer")
        #expect(completion.value["answer"] == "ok")
    }

    @Test func truncatedBodyIsAConnectionErrorAndRetried() async throws {
        let base = server.baseURL("truncated")
        let error = await cloudError { try await faultClient(faultConfig(.openai, base, maxRetries: 1))
            .completeJSON(system: "s", user: "u", schema: answerSchema, schemaName: "answer") }
        guard case .connectionFailed(_, 18, _, 2) = error else { Issue.record("got \(String(describing: error))"); return }
        let recovered = try await faultClient(faultConfig(.openai, server.baseURL("truncated-then-ok")))
            .completeJSON(system: "s", user: "u", schema: answerSchema, schemaName: "answer")
        #expect(recovered.value["answer"] == "ok")
    }

    @Test(arguments: CloudProvider.allCases)
    func bodyThatIsNotJSONIsAskedAgainThenReported(provider: CloudProvider) async throws {
        let base = server.baseURL("invalid-json")
        let error = await cloudError { try await faultClient(faultConfig(provider, base, outputRetries: 1))
            .completeJSON(system: "s", user: "u", schema: answerSchema, schemaName: "answer") }
        guard case .invalidResponse(_, let reason, let excerpt) = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(reason.contains("not JSON"))
        #expect(excerpt.contains("<html>"))
        #expect(try await server.requestCount(endpoint(provider, base)) == 2)
    }

    @Test func proseInsteadOfJSONIsAClearError() async throws {
        let openai = await cloudError { try await faultClient(faultConfig(.openai, server.baseURL("invalid-content")))
            .completeJSON(system: "s", user: "u", schema: answerSchema, schemaName: "answer") }
        guard case .invalidOutput(_, let excerpt) = openai else { Issue.record("got \(String(describing: openai))"); return }
        #expect(excerpt.contains("Here is your plan"))
        let anthropic = await cloudError { try await faultClient(faultConfig(.anthropic, server.baseURL("invalid-content")))
            .completeJSON(system: "s", user: "u", schema: answerSchema, schemaName: "answer") }
        guard case .noStructuredOutput("anthropic", "end_turn", _) = anthropic else { Issue.record("got \(String(describing: anthropic))"); return }
    }

    @Test(arguments: CloudProvider.allCases)
    func wrongSchemaIsAskedAgainAndCostsAreKept(provider: CloudProvider) async throws {
        let path = temporaryLedgerPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let ledger = CostLedger(path: path, prices: PriceTable(prices: ["fault-model": ModelPrice(inputPerMillion: 1, outputPerMillion: 2)]))
        let error = await cloudError { try await faultClient(faultConfig(provider, server.baseURL("wrong-schema")), ledger: ledger)
            .completeJSON(system: "s", user: "u", schema: answerSchema, schemaName: "answer") }
        guard case .schemaMismatch(let at, let reason, 2) = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(at == "$.answer" || at == "$")
        #expect(!reason.isEmpty)
        let summary = try CostLedger.summarize(path: path)
        #expect(summary.total.requests == 2)
        #expect(summary.total.inputTokens == 22)
        #expect(abs(summary.total.costUSD - (22 * 1 + 14 * 2) / 1e6) < 1e-12)

        let recovered = try await faultClient(faultConfig(provider, server.baseURL("wrong-schema-then-ok")), ledger: ledger)
            .completeJSON(system: "s", user: "u", schema: answerSchema, schemaName: "answer")
        #expect(recovered.requests == 2)
        #expect(recovered.totalUsage == TokenUsage(inputTokens: 22, outputTokens: 14))
        #expect(recovered.usage == TokenUsage(inputTokens: 11, outputTokens: 7))
    }

    @Test func redirectIsNotFollowed() async throws {
        let base = server.baseURL("redirect")
        let error = await cloudError { try await faultClient(faultConfig(.openai, base), egress: EgressPolicy(offline: true))
            .completeJSON(system: "s", user: "u", schema: answerSchema, schemaName: "answer") }
        guard case .httpStatus(302, _, 1, _) = error else { Issue.record("got \(String(describing: error))"); return }
    }

    @Test func cancellationAbortsTheTransfer() async throws {
        // `slow` never answers and the timeout is 600 s: ending well before it shows the cancel aborted the transfer.
        let client = try faultClient(faultConfig(.openai, server.baseURL("slow"), timeout: .seconds(600), maxRetries: 0))
        let (error, seconds) = await timed { () async -> CloudError? in
            let task = Task { try await client.completeJSON(system: "s", user: "u", schema: answerSchema, schemaName: "answer") }
            try? await Task.sleep(for: .milliseconds(300))
            task.cancel()
            return await cloudError { try await task.value }
        }
        #expect(error == .cancelled)
        #expect(seconds < 300, "the cancel should remove the transfer from curl at once, not at the 600 s timeout; took \(seconds) s")
    }

    @Test func oversizedResponseIsCutOffAndTheNextRequestOnTheServerWorks() async throws {
        let client = CloudHTTPClient(retry: RetryPolicy(maxRetries: 0))
        let url = server.baseURL("ok") + "/v1/chat/completions"
        let small = HTTPRequest(url: url, body: Array("{}".utf8), timeout: .seconds(300), maxResponseBytes: 16)  // the answer is ~250 bytes
        do {
            _ = try await client.send(small)
            Issue.record("a response over maxResponseBytes was accepted")
        } catch {
            #expect(error == .responseTooLarge(url: url, limitBytes: 16))
        }
        // The aborted transfer's connection is not handed to the next request half-read.
        var whole = small
        whole.maxResponseBytes = 1 << 20
        #expect(try await client.send(whole).status == 200)
    }

    @Test func unreachablePortIsAConnectionError() async throws {
        // Port 1 on loopback: nothing listens, the connect is refused at once.
        let error = await cloudError { try await faultClient(faultConfig(.openai, "http://127.0.0.1:1", maxRetries: 1))
            .completeJSON(system: "s", user: "u", schema: answerSchema, schemaName: "answer") }
        guard case .connectionFailed(_, 7, _, 2) = error else { Issue.record("got \(String(describing: error))"); return }
    }
}
