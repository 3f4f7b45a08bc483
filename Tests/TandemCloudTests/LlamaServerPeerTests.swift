import Foundation
import Testing
import TandemCloud
import TandemCore
import TandemTestSupport

/// Both clients against a real llama-server with the small model: schema-valid JSON and usage.
@Suite(.timeLimit(.minutes(60)))  // a hang guard only: under a minute when quiet
struct LlamaServerPeerTests {
    /// Small and closed (enums, integers), so even a 135M model under a grammar finishes quickly.
    let planSchema: JSONValue = [
        "type": "object",
        "properties": [
            "tool": ["type": "string", "enum": ["add", "multiply"]],
            "a": ["type": "integer"],
            "b": ["type": "integer"],
        ],
        "required": ["tool", "a", "b"],
        "additionalProperties": false,
    ]

    @Test func openAIAndAnthropicAPIsGiveSchemaValidJSON() async throws {
        let server = try LlamaServerPeer()
        defer { server.stop() }
        try await server.waitUntilHealthy()
        let path = temporaryLedgerPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let ledger = CostLedger(path: path, prices: PriceTable(prices: ["smollm2": ModelPrice(inputPerMillion: 1, outputPerMillion: 1)]))
        // The prompt names the <tool_call> tag: a 135M model needs the hint to open a tool call.
        let system = "You are a JSON planner."
        let user = "Task: add 2 and 3.\n\nRespond with a <tool_call> for the plan tool."

        var results: [String] = []
        for provider in CloudProvider.allCases {
            for stream in [false, true] {
                let config = CloudModelConfig(provider: provider, model: "smollm2", baseURL: server.baseURL, apiKeyVariable: .some(nil),
                                              timeout: .seconds(600), maxRetries: 1, outputRetries: 0, maxTokens: 200,
                                              temperature: 0, stream: stream)
                let client = try PlanningModelClients.make(config: config, ledger: ledger, retry: fastRetry(1))
                let label = "\(provider.rawValue)\(stream ? " streamed" : "")"
                let completion: CloudCompletion
                do {
                    completion = try await client.completeJSON(system: system, user: user, schema: planSchema, schemaName: "plan")
                } catch {
                    Issue.record("\(label): \(error)\n\(server.logTail())")
                    continue
                }
                #expect(JSONSchemaValidator(schema: planSchema).firstViolation(in: completion.value) == nil, "\(label)")
                #expect(completion.value["tool"]?.stringValue != nil, "\(label): \(completion.value)")
                #expect(completion.usage.inputTokens > 0 && completion.usage.outputTokens > 0, "\(label): \(completion.usage)")
                #expect(completion.provider == provider)
                results.append(label)
            }
        }
        #expect(results.count == 4)
        let summary = try CostLedger.summarize(path: path)
        #expect(summary.total.requests == results.count)
        #expect(summary.total.costUSD > 0)
    }
}
