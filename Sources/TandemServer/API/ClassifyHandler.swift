import TandemClassifier
import TandemCore

/// `POST /v1/classify` (Tandem's own): a taught classifier from `classifiers:` in tandem.yaml
/// labels `input` (a string or an array of strings). Each answer has the label, its probability,
/// the method that decided and whether it clears the classifier's threshold (`confident`).
struct ClassifyHandler: Sendable {
    let classifiers: [String: ClassifierSession]
    let model: String
    let metrics: ServerMetrics

    func handle(_ body: RequestBody) async throws(APIError) -> ServerResponse {
        if body.value("model") != nil { try GenerationCall.checkModel(body, model) }
        let names = classifiers.keys.sorted()
        guard !names.isEmpty else {
            throw APIError(status: 404, message: "this server has no taught classifiers; list them under 'classifiers:' in "
                           + "tandem.yaml and start it with --config (see docs/taught-classifiers.md)", param: "classifier",
                           code: "classifier_not_found")
        }
        let name: String
        if let asked = try body.string("classifier") {
            name = asked
        } else if names.count == 1 {
            name = names[0]
        } else {
            throw .invalid("classifier", "'classifier' is required: this server has \(names.joined(separator: ", "))")
        }
        guard let session = classifiers[name] else {
            throw APIError(status: 404, message: "no classifier named '\(name)'; this server has \(names.joined(separator: ", "))",
                           param: "classifier", code: "classifier_not_found")
        }
        guard let texts = try body.strings("input", limit: 2048, allowEmpty: false), !texts.isEmpty else {
            throw .invalid("input", "'input' is required: a string or a non-empty array of strings")
        }
        let predictions: [Prediction]
        do { predictions = try await session.classify(texts) } catch {
            throw APIError.from(error)
        }
        metrics.recordClassified(texts.count)
        let data: [JSONValue] = predictions.enumerated().map { i, p in
            ["index": .number(Double(i)), "label": .string(p.label), "probability": .number(p.probability),
             "method": .string(p.method.rawValue), "confident": .bool(p.isConfident)]
        }
        let json: JSONValue = ["object": "list", "classifier": .string(name), "labels": .array(session.classifier.labels.map { .string($0) }),
                               "threshold": .number(session.classifier.threshold), "data": .array(data), "model": .string(model)]
        return ServerResponse(status: 200, headers: [("Content-Type", "application/json")], body: Array(JSONWriter.compact(json).utf8))
    }
}
