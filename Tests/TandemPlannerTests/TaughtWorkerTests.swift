import Foundation
import Testing
import TandemClassifier
import TandemConfig
import TandemCore
import TandemOrchestrator
import TandemWorkers
import TandemPlanner
import TandemRuntime
import TandemTestSupport

/// Classifiers taught from fixture rows, saved, named in tandem.yaml and asked by the workers.
@Suite(.serialized) struct TaughtWorkerTests {
    static func model() throws -> LlamaModel {
        try LlamaModel.load(path: try TestModelFile.smolLM(), backend: .cpu)
    }

    /// The first `perLabel` rows of each label of a shared fixture file.
    static func rows(_ file: String, text: String, label: String, perLabel: Int) throws -> [LabelledExample] {
        let folder = ProcessInfo.processInfo.environment["TANDEM_FIXTURES"] ?? Fixtures.repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/fixtures").path
        guard FileManager.default.fileExists(atPath: folder + "/" + file) else {
            throw PeerError(description: "\(folder)/\(file) is missing; set TANDEM_FIXTURES to the fixtures folder")
        }
        var taken: [String: Int] = [:]
        return try LabelledExample.read(path: folder + "/" + file, textField: text, labelField: label).filter { e in
            taken[e.label, default: 0] += 1
            return taken[e.label]! <= perLabel
        }
    }

    /// Teaches a kNN classifier on `examples` and saves it; returns the file's path.
    static func teach(_ examples: [LabelledExample], embedder: TextEmbedder, name: String) async throws -> String {
        let result = try await ClassifierTeacher(embedder: embedder, methods: [.nearestNeighbours], folds: 3).teach(examples)
        #expect(result.classifier.method == .nearestNeighbours)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-taught-\(UUID().uuidString)-\(name).tandem").path
        try ClassifierFile.save(result.classifier, to: path)
        return path
    }

    @Test func configuredClassifiersDecideAndSaySo() async throws {
        let model = try Self.model()
        let embedder = try TextEmbedder(model: model, maxTokensPerText: 64, threads: 2)
        let items = try await Self.teach(Self.rows("line_items.jsonl", text: "item", label: "category", perLabel: 4), embedder: embedder, name: "items")
        let intents = try await Self.teach(Self.rows("intents.jsonl", text: "text", label: "label", perLabel: 6), embedder: embedder, name: "intents")
        let sentiment = try await Self.teach(Self.rows("sentiment.jsonl", text: "text", label: "label", perLabel: 10), embedder: embedder, name: "sentiment")
        defer { for p in [items, intents, sentiment] { try? FileManager.default.removeItem(atPath: p) } }
        // Threshold 0: every answer is confident, so the taught classifier decides every row.
        let config = try TandemConfiguration.parse(text: """
            classifiers:
              line_items: {path: "\(items)", threshold: 0}
              intents: {path: "\(intents)", threshold: 0}
              sentiment: {path: "\(sentiment)", threshold: 0, method: knn}
            """, environment: [:])
        let taught = try TaughtClassifierLoader.load(config.classifiers, model: model, threads: 2)
        let rules = try KeywordRuleBook(directory: Fixtures.path("config"))
        let worker = try #require(StandardWorkers.registry(localModel: nil, rules: rules, taught: taught).worker(for: .localModel))

        let categorized = try await worker.run(StepCall(stepID: "c", tool: "categorize_items",
                                                        args: ["items": ["Organic Bananas", ["description": "Pale Ale 6 Pack"]], "label_set": "line_items"]))
        let answered = categorized.value["items"]?.arrayValue ?? []
        #expect(answered.count == 2)
        // Keyword rules and the classifier are weighed by calibrated accuracy: either may decide,
        // never the model, and both items land in their category.
        #expect(answered.allSatisfy { $0["method"] == "knn" || $0["method"] == "keyword" }, "\(answered)")
        #expect(answered.compactMap { $0["category"]?.stringValue } == ["produce", "alcohol"], "\(answered)")
        #expect(categorized.fallbackUnits == 0 && categorized.modelCalls == 0 && categorized.fallback == nil)

        let intent = try await worker.run(StepCall(stepID: "k", tool: "classify_text",
                                                   args: ["text": "play some jazz by miles davis", "labels": .array(taughtLabels(intents)), "label_set": "intents"]))
        #expect(intent.value["method"] == "knn")
        #expect(intent.value["label"] == "PlayMusic")

        let mood = try await worker.run(StepCall(stepID: "s", tool: "sentiment", args: ["text": "The food was wonderful and the staff were lovely."]))
        #expect(mood.value["method"] == "knn")
        #expect(mood.fallbackUnits == 0)

        // The query classifier asks the classifier of its label set first.
        let query = QueryClassifier(labels: try taughtLabels(intents).compactMap(\.stringValue), rules: nil, model: nil, threshold: 0.5,
                                    taught: taught.classifier(labelSet: "intents", labels: try taughtLabels(intents).compactMap(\.stringValue)))
        let decided = await query.classify("will it rain in paris tomorrow")
        #expect(decided.source == .taught && decided.method == "knn" && decided.label == "GetWeather", "\(decided)")

        // Unsure (threshold 1) or not configured: the tools behave as before, and say so.
        let unsure = try TaughtClassifierLoader.load(["intents": TaughtClassifierSetting(path: intents, threshold: 1)], model: model, threads: 2)
        let fallback = try #require(StandardWorkers.registry(localModel: nil, rules: rules, taught: unsure).worker(for: .localModel))
        let keyword = try await fallback.run(StepCall(stepID: "k", tool: "classify_text",
                                                      args: ["text": "play some jazz by miles davis", "labels": .array(taughtLabels(intents)), "label_set": "intents"]))
        #expect(keyword.value["method"] == "keyword")
        let plain = try #require(StandardWorkers.registry(localModel: nil, rules: rules).worker(for: .localModel))
        let before = try await plain.run(StepCall(stepID: "s", tool: "sentiment", args: ["text": "The food was wonderful."]))
        #expect(before.value["method"] == "keyword" && before.fallbackUnits == 1)
    }

    @Test func aClassifierOfAnotherModelIsRefusedWithItsKeyPath() async throws {
        let model = try Self.model()
        let embedder = try TextEmbedder(model: model, maxTokensPerText: 64, threads: 2)
        let path = try await Self.teach(Self.rows("intents.jsonl", text: "text", label: "label", perLabel: 3), embedder: embedder, name: "other")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let prefix = ProcessInfo.processInfo.environment["TANDEM_LLAMA_PREFIX"] ?? Fixtures.path("vendor-build/prefix")
        let tiny = try LlamaModel.load(path: prefix + "/share/tandem/fixtures/tiny-llama.gguf", backend: .cpu)
        #expect {
            _ = try TaughtClassifierLoader.load(["intents": TaughtClassifierSetting(path: path)], model: tiny, threads: 1)
        } throws: { error in
            let e = error as? TaughtClassifierLoadError
            return e?.keyPath == "classifiers.intents" && e?.reason.contains("sha256") == true
        }
        #expect(throws: TaughtClassifierLoadError.self) {
            try TaughtClassifierLoader.load(["x": TaughtClassifierSetting(path: path + ".missing")], model: model, threads: 1)
        }
    }

    private func taughtLabels(_ path: String) throws -> [JSONValue] {
        try ClassifierFile.load(path: path).labels.map { .string($0) }
    }
}
