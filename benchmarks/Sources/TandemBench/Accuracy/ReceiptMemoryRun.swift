import Foundation
import TandemCore
import TandemOrchestrator
import TandemWorkers

/// Receipts' `taught` headline: `extract_receipt_fields` on its rules with a `ReceiptFieldMemory`
/// of the teaching receipts (company names and addresses as labelled), as `tandem run
/// --receipt-examples` runs it. Needs no model; one memory per fold.
struct ReceiptMemoryRun: Sendable {
    let scored: [FixtureFolder.Row]
    let teaching: ReceiptTeaching

    /// The answers, and how many receipts the memory changed a field of.
    func run(progress: ProgressBar?) async -> (answers: ReceiptRun.Answers, corrected: Int) {
        let start = Date()
        var memories: [Int?: ReceiptFieldMemory] = [:]
        var outcomes: [Result<(value: JSONValue, repaired: Bool), Error>] = []
        var corrected = 0
        for row in scored {
            let fold = teaching.fold(of: row)
            let memory = memories[fold] ?? ReceiptFieldMemory(examples: teaching.pool.filter { teaching.teaches($0, fold: fold) }
                .compactMap { ReceiptFieldMemory.Example(record: $0.value) })
            memories[fold] = memory
            let text = row.value["text"] ?? ""
            do {
                let rules = try await ReceiptFieldsTool().run(["text": text], model: nil).value
                let (value, changed) = memory.correcting(rules, text: text.stringValue ?? "")
                if !changed.isEmpty { corrected += 1 }
                outcomes.append(.success((value, false)))
            } catch { outcomes.append(.failure(error)) }
            progress?.advance()
        }
        return (ReceiptRun.Answers(rows: scored, outcomes: outcomes, since: start, label: " (taught memory)"), corrected)
    }
}
