import Foundation
import Testing
import TandemCloud
import TandemCore
import TandemTestSupport

/// Tandem's own clients against `tandem serve`: the planner's OpenAI client (so a plan can be
/// made on a local server) and taught classifiers over `/v1/classify`.
extension ServeTests {
    @Test(arguments: [false, true]) func tandemsOpenAIClientGetsSchemaJSONFromServe(stream: Bool) async throws {
        let server = try await Self.server()
        let config = CloudModelConfig(provider: .openai, model: server.model, baseURL: server.url, apiKeyVariable: .some(nil),
                                      timeout: .seconds(300), maxRetries: 0, outputRetries: 1, maxTokens: 120, temperature: 0,
                                      stream: stream)
        let client = try OpenAIClient(config: config)
        let schema: JSONValue = [
            "type": "object", "additionalProperties": false, "required": ["steps"],
            "properties": ["steps": ["type": "array", "minItems": 1, "maxItems": 3,
                                     "items": ["type": "string", "maxLength": 40]]],
        ]
        let answer = try await client.completeJSON(system: "You plan tasks as short steps.", user: "Plan: total the receipts.",
                                                   schema: schema, schemaName: "plan")
        let steps = try #require(answer.value["steps"]?.arrayValue)
        #expect((1...3).contains(steps.count))
        #expect(steps.allSatisfy { $0.stringValue != nil })
        #expect(answer.usage.inputTokens > 10)
        #expect(answer.model == server.model)
    }

    @Test func taughtClassifiersAnswerOverClassify() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-serve-classify-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let rows = [("What's the weather tomorrow?", "weather"), ("Will it rain in Paris?", "weather"),
                    ("Is it sunny outside?", "weather"), ("How cold is it tonight?", "weather"),
                    ("Play some jazz.", "music"), ("Put on my running playlist.", "music"),
                    ("Play the new album by Adele.", "music"), ("Skip this song.", "music")]
        let examples = rows.map { JSONWriter.compact(["text": .string($0.0), "label": .string($0.1)]) }.joined(separator: "\n")
        try examples.write(to: folder.appendingPathComponent("examples.jsonl"), atomically: true, encoding: .utf8)
        let classifier = folder.appendingPathComponent("intents.tandem").path
        let taught = try await runProgram(try tandemBinary(), ["teach", "--examples", folder.appendingPathComponent("examples.jsonl").path,
                                                               "--out", classifier, "--methods", "knn", "--folds", "2", "-m",
                                                               try TestModelFile.smolLM(), "-t", "2"])
        #expect(taught.status == 0, "\(taught.output)")
        let config = folder.appendingPathComponent("tandem.yaml")
        try "classifiers:\n  intents: {path: \"\(classifier)\", threshold: 0}\n".write(to: config, atomically: true, encoding: .utf8)
        let server = try await ServeProcess.start(["--config", config.path, "--slots", "1", "-c", "512"])
        let answered = try await Curl.post(server.url + "/v1/classify", json: ["input": ["Play something by Miles Davis.", "Any snow expected on Sunday?"]])
        #expect(answered.status == 200, "\(answered.body)")
        let data = try #require(answered.json?["data"]?.arrayValue)
        #expect(data.count == 2)
        #expect(data.map { $0["label"]?.stringValue ?? "" } == ["music", "weather"])
        for row in data {
            #expect(row["method"]?.stringValue == "knn")
            #expect((0...1).contains(row["probability"]?.doubleValue ?? -1))
            #expect(row["confident"]?.boolValue == true)
        }
        #expect(answered.json?["classifier"]?.stringValue == "intents")
        let unknown = try await Curl.post(server.url + "/v1/classify", json: ["classifier": "topics", "input": "hi"])
        #expect(unknown.status == 404)
        #expect(unknown.errorMessage.contains("intents"))
        let wrong = try await Curl.post(server.url + "/v1/classify", json: ["input": 5])
        #expect(wrong.status == 400)
        #expect(wrong.errorParam == "input")
    }
}
