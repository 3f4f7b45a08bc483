import Foundation
import TandemClassifier
import TandemCore
import TandemOrchestrator
import TandemWorkers
import TandemRuntime

/// Receipts' `taught` method: retrieval few-shot extraction. Each scored receipt goes to the
/// model under the field schema (`extract_receipt_fields`' instruction and schema) after its
/// nearest teaching receipts, by mean-pooled embedding of the OCR text, as earlier chat turns
/// with their gold fields as the answers; unusable fields are then repaired by the rules, as the
/// tool does in production. Teaching receipts: see `ReceiptTeaching`.
struct ReceiptFewShotRun: Sendable {
    /// Examples per prompt: two receipts and the target fit a 2,048-token context for OCR texts
    /// up to about 1,300 characters; a prompt that does not fit drops examples, nearest last.
    static let examples = 2

    let scored: [FixtureFolder.Row]
    let teaching: ReceiptTeaching

    private static func text(_ row: FixtureFolder.Row) -> String { row.value["text"]?.stringValue ?? "" }

    func run(engine: Engine, embedder: TextEmbedder, inFlight: Int, progress: ProgressBar?) async throws -> ReceiptRun.Answers {
        let start = Date()
        let pool = teaching.pool
        let poolVectors = try await embedder.embed(pool.map(Self.text))
        let scoredVectors = try await embedder.embed(scored.map(Self.text))
        let jobs: [(row: FixtureFolder.Row, examples: [FixtureFolder.Row])] = zip(scored, scoredVectors).map { row, vector in
            let fold = teaching.fold(of: row)
            let candidates = pool.indices.filter { teaching.teaches(pool[$0], fold: fold) }
            // One dot product per candidate, then the highest few.
            let nearest = candidates.map { ($0, VectorMath.dot(poolVectors[$0], vector)) }.sorted { $0.1 > $1.1 }
            return (row, nearest.prefix(Self.examples).map { pool[$0.0] })
        }
        let outcomes = await boundedConcurrentMap(jobs, limit: inFlight, progress: progress) {
            job -> Result<(value: JSONValue, repaired: Bool), Error> in
            do { return .success(try await Self.extract(job.row, examples: job.examples, engine: engine)) } catch { return .failure(error) }
        }
        return ReceiptRun.Answers(rows: scored, outcomes: outcomes, since: start, label: " (taught)")
    }

    /// One receipt: the answer (repaired) and whether the rules had to fill a field.
    private static func extract(_ row: FixtureFolder.Row, examples: [FixtureFolder.Row], engine: Engine) async throws -> (value: JSONValue, repaired: Bool) {
        var shots = examples
        while true {
            var messages: [ChatMessage] = [.system(ReceiptFieldsTool.system)]
            // Nearest example last, next to the receipt it resembles.
            for example in shots.reversed() {
                let fields = JSONValue.object(ReceiptFieldsTool.fieldNames.map { ($0, example.value["fields"]?[$0] ?? "") })
                messages += [.user("Receipt OCR text:\n" + text(example)), .assistant(JSONWriter.compact(fields))]
            }
            messages.append(.user("Receipt OCR text:\n" + text(row)))
            do {
                let reply = try await engine.complete(GenerationRequest(.messages(messages), maxTokens: 200,
                                                                        constraint: .jsonSchema(ReceiptFieldsTool.resultSchema)))
                let answer = (try? JSONParser.parse(reply.text)) ?? .object([])
                let (value, repaired) = ReceiptFieldsTool.repair(answer, text: text(row))
                return (value, !repaired.isEmpty)
            } catch RuntimeError.promptTooLong where !shots.isEmpty {
                shots.removeLast()  // the farthest example goes first
            }
        }
    }
}
