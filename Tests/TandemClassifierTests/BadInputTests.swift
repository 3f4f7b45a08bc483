import Foundation
import Synchronization
import Testing
import TandemClassifier
import TandemCore
import TandemRuntime

/// Bad input gets a clear error (or a warning and a usable result), never a crash.
@Suite(.serialized) struct BadInputTests {
    @Test func emptyExampleFileIsRefused() throws {
        #expect(throws: ClassifierError.noExamples(path: "empty.jsonl")) {
            try LabelledExample.parse("\n  \n", path: "empty.jsonl")
        }
    }

    @Test func unknownLabelFieldNamesTheFieldAndLine() throws {
        let text = #"{"item": "milk", "category": "dairy eggs"}"#
        #expect(throws: ClassifierError.missingField(path: "items.jsonl", line: 1, field: "label")) {
            try LabelledExample.parse(text, path: "items.jsonl", textField: "item", labelField: "label")
        }
        #expect(try LabelledExample.parse(text, textField: "item", labelField: "category").first?.label == "dairy eggs")
    }

    @Test func oneLabelOnlyIsRefused() async throws {
        let examples = [LabelledExample(text: "a", label: "x"), LabelledExample(text: "b", label: "x")]
        await #expect(throws: ClassifierError.singleLabel("x")) {
            try await ClassifierTeacher(embedder: try ClassifierFixtures.embedder()).teach(examples)
        }
    }

    @Test func labelWithSingleExampleWarnsAndStillTeaches() async throws {
        let warnings = WarningLog()
        defer { warnings.stop() }
        var examples = try ClassifierFixtures.examples("intents.jsonl", textField: "text", labelField: "label", perLabel: 6)
        examples.append(LabelledExample(text: "set an alarm for seven in the morning", label: "SetAlarm"))
        let result = try await ClassifierTeacher(embedder: try ClassifierFixtures.embedder()).teach(examples)
        #expect(warnings.contains("label 'SetAlarm' has a single example"))
        #expect(result.classifier.labels.contains("SetAlarm"))
    }

    @Test func textLongerThanTheContextIsCutWithAWarning() async throws {
        let warnings = WarningLog()
        defer { warnings.stop() }
        let embedder = try ClassifierFixtures.embedder()
        let examples = try ClassifierFixtures.examples("intents.jsonl", textField: "text", labelField: "label", perLabel: 6)
        let classifier = try await ClassifierTeacher(embedder: embedder).teach(examples).classifier
        let long = String(repeating: "play the next song from my road trip playlist please ", count: 200)
        let predictions = try await ClassifierSession(classifier: classifier, embedder: embedder).classify([long])
        #expect(predictions.count == 1)
        // Counted, then reported once per run (per item only with --verbose).
        #expect(RepeatedWarnings.summaries(prefix: "embedding.cut.128").contains { $0.contains("were longer than 128 tokens") })
    }

    @Test func classifierFromAnotherModelIsRefusedNamingBothDigests() async throws {
        let embedder = try ClassifierFixtures.embedder()
        let examples = try ClassifierFixtures.examples("intents.jsonl", textField: "text", labelField: "label", perLabel: 4)
        let classifier = try await ClassifierTeacher(embedder: embedder, methods: [.nearestNeighbours]).teach(examples).classifier
        let other = try LlamaModel.load(path: ClassifierFixtures.tinyModelPath, backend: .cpu)
        let otherEmbedder = try TextEmbedder(model: other, maxTokensPerText: 64, threads: 1)
        do {
            _ = try ClassifierSession(classifier: classifier, embedder: otherEmbedder)
            Issue.record("a classifier taught on SmolLM2 was accepted for another model")
        } catch let error as ClassifierError {
            let otherSHA = try other.sha256()
            #expect(otherSHA != classifier.modelSHA256)
            #expect(error == .modelMismatch(classifierSHA256: classifier.modelSHA256, modelSHA256: otherSHA))
            #expect(error.description.contains(classifier.modelSHA256) && error.description.contains(otherSHA))
        }
    }

    @Test func corruptClassifierFilesAreRefused() async throws {
        let embedder = try ClassifierFixtures.embedder()
        let examples = try ClassifierFixtures.examples("intents.jsonl", textField: "text", labelField: "label", perLabel: 4)
        let classifier = try await ClassifierTeacher(embedder: embedder, methods: [.linear]).teach(examples).classifier
        let path = ClassifierFixtures.temporaryPath("corrupt.tandem")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try ClassifierFile.save(classifier, to: path)
        let good = try Data(contentsOf: URL(fileURLWithPath: path))
        let dimension = classifier.vectors[0].count
        let variants: [Data] = [
            Data("not json at all".utf8),
            good.prefix(good.count / 2),
            Data(String(decoding: good, as: UTF8.self).replacingOccurrences(of: ClassifierFile.format, with: "other/9").utf8),
            Data(String(decoding: good, as: UTF8.self).replacingOccurrences(
                of: "\"dimension\":\(dimension)", with: "\"dimension\":\(dimension - 1)").utf8),
            Data(String(decoding: good, as: UTF8.self).replacingOccurrences(of: "\"embeddingLayers\":[", with: "\"embeddingLayers\":[-3,").utf8),
        ]
        #expect(variants.allSatisfy { $0 != good }, "every variant must differ from the saved file")
        for (i, bytes) in variants.enumerated() {
            try bytes.write(to: URL(fileURLWithPath: path))
            do {
                _ = try ClassifierFile.load(path: path)
                Issue.record("corrupt variant \(i) was accepted")
            } catch let error as ClassifierError {
                guard case .corruptFile = error else { Issue.record("variant \(i): \(error)"); continue }
            }
        }
        #expect(throws: ClassifierError.self) { try ClassifierFile.load(path: path + ".missing") }
    }
}

/// Classifier files name the layers their vectors come from, and a session embeds the same way.
struct EmbeddingLayerTests {
    @Test func aSessionRefusesAnEmbedderOfOtherLayers() async throws {
        let embedder = try ClassifierFixtures.embedder()
        let examples = try ClassifierFixtures.examples("intents.jsonl", textField: "text", labelField: "label", perLabel: 4)
        let classifier = try await ClassifierTeacher(embedder: embedder, methods: [.nearestNeighbours]).teach(examples).classifier
        #expect(classifier.embeddingLayers == TextEmbedder.defaultLayers(layerCount: 30))
        #expect(classifier.embeddingLayers == [4, 15])
        let finalOutput = try TextEmbedder(model: ClassifierFixtures.smolLM(), maxTokensPerText: 64, threads: 1, layers: [])
        #expect(throws: ClassifierError.self) { try ClassifierSession(classifier: classifier, embedder: finalOutput) }
    }

    @Test func formatOneFilesMeanTheFinalOutput() async throws {
        // A file written before layers were recorded: its vectors are the model's final output.
        let model = try ClassifierFixtures.smolLM()
        let finalOutput = try TextEmbedder(model: model, maxTokensPerText: 64, threads: 1, layers: [])
        let examples = try ClassifierFixtures.examples("intents.jsonl", textField: "text", labelField: "label", perLabel: 4)
        let classifier = try await ClassifierTeacher(embedder: finalOutput, methods: [.nearestNeighbours]).teach(examples).classifier
        #expect(classifier.embeddingLayers == [])
        let path = ClassifierFixtures.temporaryPath("v1.tandem")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try ClassifierFile.save(classifier, to: path)
        let text = try String(contentsOfFile: path, encoding: .utf8)
            .replacingOccurrences(of: ClassifierFile.format, with: "tandem-classifier/1")
            .replacingOccurrences(of: "\"embeddingLayers\":[],", with: "")
        #expect(!text.contains("embeddingLayers"))
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let loaded = try ClassifierFile.load(path: path)
        #expect(loaded.embeddingLayers == [])
        let session = try ClassifierSession.open(path: path, model: model, threads: 1)
        #expect(session.embedder.engine.layers == [])
        #expect(try await session.classify(["play some jazz"]).count == 1)
    }
}

/// Collects warnings sent to `Log` while it lives.
final class WarningLog: Sendable {
    private let lines = Mutex<[String]>([])
    private let sink = Mutex<Int?>(nil)
    init() {
        let id = Log.addSink { [self] level, message in if level == .warning { self.lines.withLock { $0.append(message) } } }
        sink.withLock { $0 = id }
    }
    func stop() { if let id = sink.withLock({ $0 }) { Log.removeSink(id) } }
    func contains(_ part: String) -> Bool { lines.withLock { $0.contains { $0.contains(part) } } }
}
