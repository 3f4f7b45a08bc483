import Foundation
import TandemClassifier
import TandemCore
import TandemRuntime

/// `tandem classify`: labels JSONL rows with a taught classifier.
enum ClassifyCommand: Command {
    static let name = "classify"
    static let summary = "label JSONL texts with a classifier from `tandem teach`"
    static let help = """
        usage: tandem classify --classifier FILE.tandem --input FILE.jsonl [options]

        Writes one line per input row: {"line", "id", "label", "probability", "method", "confident"},
        reading, classifying and writing 256 rows at a time (memory stays flat on any input size).
        Lines that are not JSON or lack the text field are skipped and counted (one warning at the
        end; --verbose names each line).
        "confident" is false under the classifier's threshold: let a fallback (rules, cloud) decide.
        The model must be the one the classifier was taught with (checked by sha256).

        options:
          --classifier FILE     classifier file from `tandem teach` (required)
          --input FILE          JSONL input ('-' for stdin) (required)
          --text-field NAME     field holding the text (default: text)
          --label-field NAME    when given, rows' labels are compared and accuracy is printed to stderr
          --method NAME         knn, centroid, linear, fewshot, zeroshot or ensemble (default: the chosen one)
          --threshold P         override the classifier's confidence threshold
          --out FILE            output JSONL (default: stdout)
        \(ModelOptions.help)

        example:
          tandem classify --classifier items.tandem --input new_items.jsonl --text-field item
        """

    static func run(_ a: inout Arguments) async throws -> Int32 {
        guard let path = try a.option("--classifier") else { throw UsageError("give --classifier FILE.tandem") }
        guard let input = try a.option("--input") else { throw UsageError("give --input FILE.jsonl") }
        let textField = try a.option("--text-field") ?? "text"
        let labelField = try a.option("--label-field")
        let method = try a.option("--method").map { name throws(UsageError) -> ClassifierMethod in
            guard let m = ClassifierMethod(rawValue: name) else {
                throw UsageError("--method must be one of \(ClassifierMethod.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return m
        }
        let threshold = try a.double("--threshold", in: 0...1)
        let out = try a.option("--out")
        var options = try ModelOptions(&a, sequences: 4)
        try a.finish()

        var classifier = try ClassifierFile.load(path: path)
        if let threshold { classifier.threshold = threshold }
        if let method { classifier.method = method }
        // Read, classify and write a batch at a time: memory stays flat on any input size.
        let reader = try TextBatchReader(path: input, textField: textField, labelField: labelField)
        let output = try LineOutput(path: out)
        let model = try options.loadModel()
        try ClassifierSession.checkModel(classifier, model)
        options.context.contextLength = min(options.context.contextLength, 2048)
        let engine = classifier.promptedMethodsNeeded.isEmpty ? nil : try Engine(model: model, parameters: options.context)
        let session = try ClassifierSession(classifier: classifier,
                                            embedder: TextEmbedder(model: model, threads: options.context.threads,
                                                                   layers: classifier.embeddingLayers), engine: engine)
        let start = Date()
        var count = 0, correct = 0, labelled = 0
        while true {
            let rows = try reader.next()
            if rows.isEmpty { break }
            let predictions = try await session.classify(rows.map(\.text))
            try output.write(zip(rows, predictions).map { row, p in
                ["line": .number(Double(row.line)), "id": row.id, "label": .string(p.label),
                 "probability": .number((p.probability * 1e4).rounded() / 1e4),
                 "method": .string(p.method.rawValue), "confident": .bool(p.isConfident)]
            })
            for (row, p) in zip(rows, predictions) {
                if let truth = row.label { labelled += 1; if truth == p.label { correct += 1 } }
            }
            count += rows.count
        }
        try output.close()
        let seconds = Date().timeIntervalSince(start)
        var summary = String(format: "classified %d rows in %.2f s (%.1f items/s) with %@", count, seconds,
                             Double(count) / max(seconds, 1e-9), classifier.method.rawValue)
        if labelled > 0 { summary += String(format: "; accuracy %.3f on %d labelled rows", Double(correct) / Double(labelled), labelled) }
        FileHandle.standardError.write(Data((summary + "\n").utf8))
        return 0
    }
}
