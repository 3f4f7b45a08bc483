import Foundation
import TandemCore

/// The on-disk form of a `TaughtClassifier`: JSON, vectors packed as base64 little-endian float32.
/// The vector heads are rebuilt on load, so only the examples, vectors and fitted numbers are stored.
public enum ClassifierFile {
    /// The format tag of the files written now.
    public static let format = "tandem-classifier/2"
    /// Format 1 predates `embeddingLayers`: its vectors are the model's final output. (A format-1
    /// reader would ignore the field and embed the wrong layer, hence the new tag.)
    static let readable = ["tandem-classifier/1", format]

    struct Contents: Codable {
        var format: String
        var modelSHA256: String
        var modelName: String
        var embeddingLayers: [Int]?
        var labels: [String]
        var method: ClassifierMethod
        var methods: [ClassifierMethod]
        var threshold: Double
        var fewShotCount: Int
        var neighbours: Int
        var examples: [LabelledExample]
        var dimension: Int
        var vectors: String
        var linear: LogisticHead?
        var calibration: [String: Double]
        var ensembleWeights: [String: Double]
        var scores: [MethodScore]
    }

    /// Writes `classifier` to `path` (atomically).
    public static func save(_ classifier: TaughtClassifier, to path: String) throws {
        let dimension = classifier.vectors.first?.count ?? 0
        var floats: [Float] = []
        floats.reserveCapacity(dimension * classifier.vectors.count)
        for v in classifier.vectors { floats += v }
        let bytes = floats.withUnsafeBufferPointer { Data(buffer: $0) }
        let contents = Contents(
            format: format, modelSHA256: classifier.modelSHA256, modelName: classifier.modelName,
            embeddingLayers: classifier.embeddingLayers,
            labels: classifier.labels, method: classifier.method, methods: classifier.methods,
            threshold: classifier.threshold, fewShotCount: classifier.fewShotCount, neighbours: classifier.nearest.k,
            examples: classifier.examples, dimension: dimension, vectors: bytes.base64EncodedString(),
            linear: classifier.linear,
            calibration: Dictionary(uniqueKeysWithValues: classifier.calibration.map { ($0.key.rawValue, $0.value) }),
            ensembleWeights: Dictionary(uniqueKeysWithValues: classifier.ensembleWeights.map { ($0.key.rawValue, $0.value) }),
            scores: classifier.scores)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(contents)
        // Atomic replacement only over a regular file (or none): never over /dev/null or a FIFO.
        let type = (try? FileManager.default.attributesOfItem(atPath: path))?[.type] as? FileAttributeType
        if type == nil || type == .typeRegular {
            try data.write(to: URL(fileURLWithPath: path), options: .atomic)
        } else {
            try OutputFile.write(String(decoding: data, as: UTF8.self), to: path)
        }
    }

    /// Reads a classifier; a file that is not one (or is inconsistent) throws `ClassifierError.corruptFile`.
    public static func load(path: String) throws -> TaughtClassifier {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw ClassifierError.corruptFile(path: path, reason: "cannot read: \(error.localizedDescription)")
        }
        let c: Contents
        do { c = try JSONDecoder().decode(Contents.self, from: data) } catch {
            throw ClassifierError.corruptFile(path: path, reason: "not classifier JSON: \(error)")
        }
        func corrupt(_ reason: String) -> ClassifierError { .corruptFile(path: path, reason: reason) }
        guard readable.contains(c.format) else { throw corrupt("format '\(c.format)', expected '\(format)'") }
        let layers = c.embeddingLayers ?? []
        guard layers.allSatisfy({ $0 >= 0 }), layers == Array(Set(layers)).sorted() else {
            throw corrupt("embedding layers \(layers) are not distinct ascending layer numbers")
        }
        guard let bytes = Data(base64Encoded: c.vectors) else { throw corrupt("vectors are not base64") }
        guard c.dimension > 0, bytes.count == c.dimension * c.examples.count * MemoryLayout<Float>.size else {
            throw corrupt("\(bytes.count) vector bytes for \(c.examples.count) examples of dimension \(c.dimension)")
        }
        guard c.labels.count >= 2, Set(c.labels).count == c.labels.count else { throw corrupt("needs two or more distinct labels") }
        guard c.examples.allSatisfy({ c.labels.contains($0.label) }) else { throw corrupt("an example's label is not in the label set") }
        if let linear = c.linear {
            guard linear.classCount == c.labels.count, linear.scale.count == c.dimension,
                  linear.weights.count == c.dimension * c.labels.count, linear.bias.count == c.labels.count else {
                throw corrupt("linear head does not match \(c.labels.count) labels × \(c.dimension) dimensions")
            }
        }
        let floats = bytes.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
        guard floats.allSatisfy(\.isFinite) else { throw corrupt("vectors hold non-finite numbers") }
        let vectors = (0..<c.examples.count).map { Array(floats[($0 * c.dimension)..<(($0 + 1) * c.dimension)]) }
        func methods(_ d: [String: Double]) throws -> [ClassifierMethod: Double] {
            var out: [ClassifierMethod: Double] = [:]
            for (k, v) in d {
                guard let m = ClassifierMethod(rawValue: k) else { throw corrupt("unknown method '\(k)'") }
                out[m] = v
            }
            return out
        }
        return TaughtClassifier(
            modelSHA256: c.modelSHA256, modelName: c.modelName, labels: c.labels, method: c.method, methods: c.methods,
            threshold: c.threshold, examples: c.examples, vectors: vectors, fewShotCount: c.fewShotCount,
            linear: c.linear, calibration: try methods(c.calibration), ensembleWeights: try methods(c.ensembleWeights),
            scores: c.scores, neighbours: c.neighbours, embeddingLayers: layers)
    }
}
