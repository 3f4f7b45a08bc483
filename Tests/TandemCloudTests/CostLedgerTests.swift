import Foundation
import Testing
import TandemCloud
import TandemCore

struct CostLedgerTests {
    let prices = PriceTable(prices: ["model-a": ModelPrice(inputPerMillion: 2, outputPerMillion: 10)])

    @Test func recordsAppendAndSummarizePerModel() async throws {
        let path = temporaryLedgerPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let ledger = CostLedger(path: path, prices: prices)
        let entry = try await ledger.record(provider: "openai", model: "model-a", usage: TokenUsage(inputTokens: 1000, outputTokens: 500))
        #expect(entry.costUSD == 0.007)
        try await ledger.record(provider: "openai", model: "model-a-2025-01-01", usage: TokenUsage(inputTokens: 1_000_000, outputTokens: 0))
        try await ledger.record(provider: "anthropic", model: "local-llama", usage: TokenUsage(inputTokens: 5, outputTokens: 6),
                                outcome: "schema_mismatch")
        let summary = try CostLedger.summarize(path: path)
        #expect(summary.models.map(\.model) == ["local-llama", "model-a", "model-a-2025-01-01"])
        #expect(summary.models[1].costUSD == 0.007)
        #expect(summary.models[2].costUSD == 2, "dated snapshot priced by its family")
        #expect(summary.models[0].unpricedRequests == 1)
        #expect(summary.total.requests == 3)
        #expect(summary.total.inputTokens == 1_001_005)
        #expect(summary.total.outputTokens == 506)
        #expect(summary.skippedLines == 0)

        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 3)
        let last = try JSONParser.parse(String(lines[2]))
        #expect(last["cost_usd"] == .null)
        #expect(last["outcome"] == "schema_mismatch")
        #expect(last.objectValue?.map(\.0) == ["time", "provider", "model", "input_tokens", "output_tokens", "cost_usd", "outcome"])
    }

    @Test func concurrentRecordsAllLand() async throws {
        let path = temporaryLedgerPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let ledger = CostLedger(path: path, prices: prices)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for i in 0..<64 {
                group.addTask { try await ledger.record(provider: "openai", model: "model-a", usage: TokenUsage(inputTokens: i, outputTokens: 1)) }
            }
            try await group.waitForAll()
        }
        let summary = try CostLedger.summarize(path: path)
        #expect(summary.total.requests == 64)
        #expect(summary.total.inputTokens == (0..<64).reduce(0, +))
    }

    @Test func badLinesAreSkippedAndCountedMissingFileIsEmpty() throws {
        let path = temporaryLedgerPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(try CostLedger.summarize(path: path).total.requests == 0)
        let good = #"{"time":"t","provider":"openai","model":"m","input_tokens":3,"output_tokens":4,"cost_usd":0.5,"outcome":"ok"}"#
        try [good, "not json", #"{"model":"m"}"#, "", good, #"{"model":"m","input_tokens":-1,"output_tokens":0}"#]
            .joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
        let summary = try CostLedger.summarize(path: path)
        #expect(summary.total.requests == 2)
        #expect(summary.total.costUSD == 1)
        #expect(summary.skippedLines == 3)
    }

    /// Local model calls share the ledger: provider "local", $0, ok/failed; a remote line written
    /// before `failures` existed (no outcome key) still reads as a success.
    @Test func localCallsCountRequestsAndFailuresBesideOlderRemoteLines() async throws {
        let path = temporaryLedgerPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        try #"{"time":"t","provider":"openai","model":"gpt-4o-mini","input_tokens":3,"output_tokens":4,"cost_usd":0.5}"#
            .appending("\n").write(toFile: path, atomically: true, encoding: .utf8)
        let ledger = CostLedger(path: path, prices: prices)
        let ok = try await ledger.recordLocal(model: "small.gguf", usage: TokenUsage(inputTokens: 40, outputTokens: 2), outcome: "ok")
        try await ledger.recordLocal(model: "small.gguf", usage: TokenUsage(inputTokens: 40, outputTokens: 3), outcome: "ok")
        try await ledger.recordLocal(model: "small.gguf", usage: .zero, outcome: "failed")
        #expect(ok.provider == "local" && ok.costUSD == 0)
        let summary = try CostLedger.summarize(path: path)
        let local = try #require(summary.totals(for: "small.gguf"))
        #expect(local.requests == 3 && local.failures == 1)
        #expect(local.inputTokens == 80 && local.outputTokens == 5)
        #expect(local.costUSD == 0 && local.unpricedRequests == 0, "local calls are priced at $0, not unpriced")
        #expect(summary.totals(for: "gpt-4o-mini")?.failures == 0)
        #expect(summary.total.requests == 4 && summary.total.failures == 1 && summary.total.costUSD == 0.5)
        let last = try JSONParser.parse(String(try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").last!))
        #expect(last.objectValue?.map(\.0) == ["time", "provider", "model", "input_tokens", "output_tokens", "cost_usd", "outcome"],
                "the same keys as remote lines")
        #expect(last["provider"] == "local" && last["outcome"] == "failed" && last["cost_usd"] == 0)
    }

    @Test func poolCallsNameTheEndpointThatAnsweredAndAreTotalledPerEndpoint() async throws {
        let path = temporaryLedgerPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let ledger = CostLedger(path: path, prices: prices)
        for url in ["http://127.0.0.1:8081", "http://127.0.0.1:8082", "http://127.0.0.1:8081"] {
            try await ledger.recordLocal(model: "small.gguf", usage: TokenUsage(inputTokens: 10, outputTokens: 1), outcome: "ok", endpoint: url)
        }
        try await ledger.recordLocal(model: "small.gguf", usage: .zero, outcome: "failed")
        let summary = try CostLedger.summarize(path: path)
        #expect(summary.totals(for: "small.gguf")?.requests == 4)
        #expect(summary.totals(forEndpoint: "http://127.0.0.1:8081")?.requests == 2)
        #expect(summary.totals(forEndpoint: "http://127.0.0.1:8082")?.inputTokens == 10)
        #expect(summary.endpoints.count == 2, "a call no endpoint answered names none")
        let first = try JSONParser.parse(String(try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").first!))
        #expect(first["endpoint"] == "http://127.0.0.1:8081")
    }

    @Test func unwritableLedgerIsAClearError() async {
        let ledger = CostLedger(path: "/proc/tandem-no-such-dir/ledger.jsonl")
        await #expect(throws: CloudError.self) { try await ledger.record(provider: "openai", model: "m", usage: .zero) }
    }

    @Test func priceTableFromConfig() throws {
        let table = try PriceTable(json: ["gpt-4o-mini": ["input_per_1m": 1, "output_per_1m": 2], "my-model": ["input_per_1m": 0.5, "output_per_1m": 0]])
        #expect(table.price(for: "gpt-4o-mini") == ModelPrice(inputPerMillion: 1, outputPerMillion: 2), "config overrides defaults")
        #expect(table.price(for: "gpt-4o-mini-2024-07-18") == ModelPrice(inputPerMillion: 1, outputPerMillion: 2))
        #expect(table.price(for: "gpt-4o") == PriceTable.defaults.price(for: "gpt-4o"))
        #expect(table.price(for: "my-model")?.cost(of: TokenUsage(inputTokens: 2_000_000, outputTokens: 9)) == 1)
        #expect(table.price(for: "my-modelx") == nil)
        #expect(throws: CloudError.self) { try PriceTable(json: ["bad": ["input_per_1m": -1, "output_per_1m": 1]]) }
        #expect(throws: CloudError.self) { try PriceTable(json: ["bad": ["input_per_1m": 1]]) }
        #expect(throws: CloudError.self) { try PriceTable(json: [1, 2]) }
    }

    @Test func defaultPathFollowsEnvironment() {
        #expect(CostLedger.defaultPath(environment: ["TANDEM_COST_LEDGER": "/x/l.jsonl", "HOME": "/h"]) == "/x/l.jsonl")
        #expect(CostLedger.defaultPath(environment: ["XDG_CACHE_HOME": "/c", "HOME": "/h"]) == "/c/tandem/cost-ledger.jsonl")
        #expect(CostLedger.defaultPath(environment: ["HOME": "/h"]) == "/h/.cache/tandem/cost-ledger.jsonl")
    }
}
