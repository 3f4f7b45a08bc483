import Foundation
import Testing
import TandemClassifier
import TandemCore
import TandemRuntime

/// Teaching on real fixture rows with SmolLM2 embeddings, saving and loading.
struct TeachingTests {
    @Test func teachesIntentsWellAboveChanceAndSurvivesSaveAndLoad() async throws {
        let examples = try ClassifierFixtures.examples("intents.jsonl", textField: "text", labelField: "label", perLabel: 20)
        let embedder = try ClassifierFixtures.embedder()
        let result = try await ClassifierTeacher(embedder: embedder).teach(examples)
        let byMethod = Dictionary(uniqueKeysWithValues: result.scores.map { ($0.method, $0) })
        #expect(Set(byMethod.keys) == [.nearestNeighbours, .centroid, .linear, .ensemble])
        // 7 labels: chance is 0.14.
        for (m, s) in byMethod {
            #expect(s.accuracy > 0.5, "\(m.rawValue) cross-validated accuracy \(s.accuracy)")
            #expect(s.count == examples.count)
        }
        #expect(result.classifier.method == result.scores.max { $0.accuracy < $1.accuracy }!.method
                || byMethod[result.classifier.method]!.accuracy == result.scores.map(\.accuracy).max())

        let path = ClassifierFixtures.temporaryPath("intents.tandem")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try ClassifierFile.save(result.classifier, to: path)
        let loaded = try ClassifierFile.load(path: path)
        #expect(loaded.labels == result.classifier.labels)
        #expect(loaded.vectors == result.classifier.vectors)
        let texts = ["play some jazz by miles davis", "will it rain in paris tomorrow", "book a table for four tonight"]
        let before = try await ClassifierSession(classifier: result.classifier, embedder: embedder).classify(texts)
        let after = try await ClassifierSession(classifier: loaded, embedder: embedder).classify(texts)
        #expect(before == after)
        #expect(after.map(\.label) == ["PlayMusic", "GetWeather", "BookRestaurant"])
        for p in after {
            #expect(p.method == loaded.method)
            #expect(p.probability > 0 && p.probability <= 1)
        }
    }

    @Test func everyMethodCanBeAskedForExplicitly() async throws {
        let examples = try ClassifierFixtures.examples("intents.jsonl", textField: "text", labelField: "label", perLabel: 20)
        let embedder = try ClassifierFixtures.embedder()
        let classifier = try await ClassifierTeacher(embedder: embedder).teach(examples).classifier
        let session = try ClassifierSession(classifier: classifier, embedder: embedder)
        for m in [ClassifierMethod.nearestNeighbours, .centroid, .linear, .ensemble] {
            let p = try await session.classify(["what's the weather like in berlin"], method: m)
            #expect(p.first?.method == m)
            #expect(p.first?.label == "GetWeather", "\(m.rawValue) said \(p.first?.label ?? "-")")
        }
        await #expect(throws: ClassifierError.self) { try await session.classify(["x"], method: .fewShot) }
    }

    @Test func promptedMethodsJoinTheEnsembleOnSentiment() async throws {
        let examples = try ClassifierFixtures.examples("sentiment.jsonl", textField: "text", labelField: "label", perLabel: 16)
        let teacher = ClassifierTeacher(embedder: try ClassifierFixtures.embedder(), engine: try ClassifierFixtures.engine(),
                                        methods: [.nearestNeighbours, .fewShot, .zeroShot, .ensemble], folds: 4, fewShotCount: 4)
        let result = try await teacher.teach(examples)
        let byMethod = Dictionary(uniqueKeysWithValues: result.scores.map { ($0.method, $0) })
        #expect(byMethod[.zeroShot]!.accuracy > 0.6, "zero-shot \(byMethod[.zeroShot]!.accuracy)")
        #expect(byMethod[.fewShot]!.count == examples.count)
        #expect(!result.classifier.ensembleWeights.isEmpty)
        #expect(byMethod[.zeroShot]!.itemsPerSecond < byMethod[.nearestNeighbours]!.itemsPerSecond)
    }
}
