import Foundation
import TandemClassifier
import TandemCore
import TandemRuntime

/// `tandem teach`: a classifier from labelled JSONL examples, cross-validated per method.
enum TeachCommand: Command {
    static let name = "teach"
    static let summary = "teach a classifier from labelled JSONL examples"
    static let help = """
        usage: tandem teach --examples FILE.jsonl --out FILE.tandem [options]

        Embeds every example with the model, cross-validates each method (no row is scored by
        heads taught with it), prints accuracy, macro-F1 and items/s per method, picks the best
        and saves a classifier file (model sha256, labels, vectors, weights) for `tandem classify`.

        options:
          --examples FILE       JSONL, one labelled example per line (required)
          --text-field NAME     field holding the text (default: text)
          --label-field NAME    field holding the label (default: label)
          --out FILE            classifier file to write (default: classifier.tandem)
          --methods LIST        comma-separated: knn, centroid, linear, fewshot, zeroshot, ensemble
                                (default: knn,centroid,linear,ensemble; fewshot/zeroshot run the
                                model per row and are much slower)
          --folds N             cross-validation folds (default: 5)
          --per-label N         use at most N examples of each label (default: all)
          --few-shot N          nearest examples in a few-shot prompt (default: 12)
          --threshold P         predictions under probability P are marked not confident (default: 0.4)
          --max-tokens N        cut texts longer than N tokens when embedding, with a warning (default: 256)
          --layers LIST         model layers whose hidden states are pooled and concatenated, e.g. 4,15,
                                or 'final' for the model's output (default: about 1/7 and 1/2 of the
                                depth, 4,15 for SmolLM2-135M: better labels, and the decode stops there)
          --json                print the scores as JSON instead of a table
        \(ModelOptions.help)

        examples:
          tandem teach --examples ../shared/fixtures/line_items.jsonl --text-field item \\
                       --label-field category --out items.tandem
          tandem teach --examples ../shared/fixtures/sentiment.jsonl --per-label 150 \\
                       --methods knn,linear,zeroshot,ensemble --out sentiment.tandem
        """

    static func run(_ a: inout Arguments) async throws -> Int32 {
        guard let input = try a.option("--examples") else { throw UsageError("give --examples FILE.jsonl") }
        let textField = try a.option("--text-field") ?? "text"
        let labelField = try a.option("--label-field") ?? "label"
        let out = try a.option("--out") ?? "classifier.tandem"
        let methods = try ClassifierMethod.parseList(try a.option("--methods") ?? "knn,centroid,linear,ensemble")
        let folds = try a.int("--folds", in: 2...50) ?? 5
        let perLabel = try a.int("--per-label", in: 1...1_000_000)
        let fewShot = try a.int("--few-shot", in: 0...64) ?? 12
        let threshold = try a.double("--threshold", in: 0...1) ?? 0.4
        let maxTokens = try a.int("--max-tokens", in: 1...2048) ?? 256
        let layers = try a.option("--layers").map { text throws(UsageError) -> [Int] in
            if text == "final" { return [] }
            let parts = text.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard !parts.isEmpty, parts.allSatisfy({ ($0 ?? -1) >= 0 }) else {
                throw UsageError("--layers takes comma-separated layer numbers (0-based) or 'final', got '\(text)'")
            }
            return parts.map { $0! }
        }
        let json = a.flag("--json")
        var options = try ModelOptions(&a, sequences: 4)
        try a.finish()

        var examples = try LabelledExample.read(path: input, textField: textField, labelField: labelField)
        if let perLabel {
            var taken: [String: Int] = [:]
            examples = examples.filter { taken[$0.label, default: 0] += 1; return taken[$0.label]! <= perLabel }
        }
        let model = try options.loadModel()
        options.context.contextLength = min(options.context.contextLength, 2048)
        let engine = methods.contains(where: \.isPrompted) ? try Engine(model: model, parameters: options.context) : nil
        let embedder = try TextEmbedder(model: model, maxTokensPerText: maxTokens, threads: options.context.threads, layers: layers)
        let teacher = ClassifierTeacher(embedder: embedder, engine: engine, methods: methods, folds: folds,
                                        fewShotCount: fewShot, threshold: threshold)
        let result = try await teacher.teach(examples) { p in TeachingProgressBar.draw(p) }
        TeachingProgressBar.finish()
        try ClassifierFile.save(result.classifier, to: out)
        if json {
            let scores = try JSONValue.encoding(result.scores)
            print(JSONWriter.compact(["examples": .number(Double(examples.count)), "seconds": .number(result.seconds),
                                      "chosen": .string(result.classifier.method.rawValue), "scores": scores,
                                      "layers": .array(result.classifier.embeddingLayers.map { .number(Double($0)) }),
                                      "out": .string(out)]))
        } else {
            let pooled = result.classifier.embeddingLayers.isEmpty ? "the final output" : "layers \(result.classifier.embeddingLayers.map(String.init).joined(separator: ","))"
            print("\(examples.count) examples, \(result.classifier.labels.count) labels, \(folds)-fold cross-validation, embeddings from \(pooled):")
            print(MethodScore.tableHeader)
            for s in result.scores { print(s.tableRow) }
            print(String(format: "chosen: %@; taught in %.1f s; saved %@", result.classifier.method.rawValue, result.seconds, out))
        }
        return 0
    }
}

/// A one-line progress bar on standard error.
private enum TeachingProgressBar {
    static func draw(_ p: TeachingProgress) {
        let width = 30
        let filled = p.total == 0 ? width : width * p.done / p.total
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        FileHandle.standardError.write(Data("\r[\(bar)] \(p.stage) \(p.done)/\(p.total)   ".utf8))
    }

    static func finish() { FileHandle.standardError.write(Data("\n".utf8)) }
}
