import Foundation
import Testing
import TandemCore
import TandemOrchestrator
import TandemWorkers
import TandemPlanner
import TandemTestSupport

/// Routing fixtures: the first `perLabel` rows of each label (the whole file takes minutes on 2 cores).
private func routingRows(perLabel: Int) throws -> [(query: String, label: String)] {
    let path = "/work/shared/fixtures/routing.jsonl"
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
        throw PeerError(description: "\(path) is missing; the shared fixtures are needed for the classifier measurement")
    }
    var counts: [String: Int] = [:]
    return try text.split(separator: "\n").compactMap { line -> (String, String)? in
        let row = try JSONParser.parse(String(line))
        guard let q = row["query"]?.stringValue, let l = row["label"]?.stringValue else { return nil }
        counts[l, default: 0] += 1
        return counts[l]! <= perLabel ? (q, l) : nil
    }
}

@Test func belowThresholdKeywordsDecideAndSaySo() throws {
    let rules = try KeywordRuleBook(directory: Fixtures.path("config")).rules("routing")
    let keyword = KeywordClassifier(labels: rules.labels, rules: rules).classify("hello there, how are you")
    let low = QueryClassifier.combine(model: ("answerable", 0.2), keyword: keyword, threshold: 0.5)
    #expect(low.source == .keyword)
    #expect(low.label == "small talk")
    #expect(low.modelLabel == "answerable")
    let high = QueryClassifier.combine(model: ("answerable", 0.9), keyword: keyword, threshold: 0.5)
    #expect(high.source == .model && high.label == "answerable")
}

/// The closing note's classifier numbers: model vs keyword vs combined over a threshold sweep.
@Test(.timeLimit(.minutes(120))) func routingThresholdSweep() async throws {
    let modelPath = try TestModelFile.smolLM()
    let rules = try KeywordRuleBook(directory: Fixtures.path("config")).rules("routing")
    let model = try EngineModelClient(modelPath: modelPath, slots: 4, contextLength: 2048)
    let classifier = QueryClassifier(labels: rules.labels, rules: rules, model: model, threshold: 0.5,
                                     instructions: "The text is a question to a database assistant. Decide how it can be handled: answerable (SQL answers it), ambiguous (too vague), lack data (facts not in the tables), unanswerable by sql (an action SQL cannot do), small talk (chit-chat).")
    let rows = try routingRows(perLabel: 20)
    // One model pass per row; the sweep recombines the same answers.
    let answers = await withTaskGroup(of: (Int, QueryClassification).self) { group in
        for (i, row) in rows.enumerated() { group.addTask { (i, await classifier.classify(row.query)) } }
        var out = [QueryClassification?](repeating: nil, count: rows.count)
        for await (i, a) in group { out[i] = a }
        return out.compactMap { $0 }
    }
    #expect(answers.count == rows.count)
    func accuracy(_ labels: [String]) -> Double { Double(zip(labels, rows).filter { $0 == $1.label }.count) / Double(rows.count) }
    let keywordOnly = accuracy(rows.map { classifier.keywords.classify($0.query).label })
    let modelOnly = accuracy(answers.map { $0.modelLabel ?? "" })
    print("routing (\(rows.count) rows): model \(String(format: "%.3f", modelOnly)), keyword \(String(format: "%.3f", keywordOnly))")
    var best = (threshold: 0.0, accuracy: 0.0)
    for threshold in stride(from: 0.3, through: 0.9001, by: 0.1) {
        let combined = zip(answers, rows).map { a, row in
            QueryClassifier.combine(model: a.modelLabel.map { ($0, a.modelProbability ?? 0) },
                                    keyword: classifier.keywords.classify(row.query), threshold: threshold)
        }
        let acc = accuracy(combined.map(\.label))
        let byModel = combined.filter { $0.source == .model }.count
        print(String(format: "threshold %.1f: combined %.3f (model decided %d, keywords %d)", threshold, acc, byModel, rows.count - byModel))
        if acc > best.accuracy { best = (threshold, acc) }
    }
    print(String(format: "chosen threshold %.1f: combined %.3f vs keyword-only %.3f", best.threshold, best.accuracy, keywordOnly))
    #expect(best.accuracy >= keywordOnly - 0.02)
}
