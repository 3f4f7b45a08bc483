import Foundation
import Testing
import TandemCore
import TandemOrchestrator
import TandemRuntime
import TandemTestSupport
import TandemWorkers

/// `extract_receipt_fields` and `parse_line_items` on the real test model with receipts that are
/// missing things, empty or huge: every call answers (fields may be empty), nothing crashes, the
/// prompt stays bounded and says when it was cut.
@Suite(.serialized) struct ReceiptModelBadInputTests {
    static let client: EngineModelClient? = try? EngineModelClient(modelPath: TestModelFile.smolLM(), slots: 2, contextLength: 2048)

    func model() throws -> EngineModelClient {
        guard let client = Self.client else { throw MissingPrerequisite("the test model could not be loaded: \(String(describing: try? TestModelFile.smolLM()))") }
        return client
    }

    @Test func aReceiptWithNoTotalDateOrAddressStillAnswers() async throws {
        let out = try await ReceiptFieldsTool().run(["text": "KEDAI RUNCIT ABC\nTHANK YOU\nPLEASE COME AGAIN"], model: try model())
        #expect(out.value["date"] == "" && out.value["total"] == "", "\(out.value)")
        #expect(out.value["company"]?.stringValue?.isEmpty == false)
        for (field, decision) in out.decisions {
            #expect(FieldDecision(rawValue: decision) != nil, "\(field): \(decision)")
        }
        // Whatever the model generated must be on the receipt.
        let address = out.value["address"]?.stringValue ?? ""
        #expect(address.isEmpty || ReceiptFieldGeneration.isGrounded(address, field: "address", in: "KEDAI RUNCIT ABC\nTHANK YOU\nPLEASE COME AGAIN"))
    }

    @Test func anEmptyReceiptAsksTheModelNothing() async throws {
        let out = try await ReceiptFieldsTool().run(["text": ""], model: try model())
        #expect(out.value == ["company": "", "date": "", "address": "", "total": ""])
        #expect(out.modelCalls == 0)
        let items = try await LineItemsTool().run(["text": ""], model: try model())
        #expect(items.value["items"]?.arrayValue?.isEmpty == true)
    }

    @Test func a20000LineReceiptIsCutForTheModelAndSaysSo() async throws {
        var lines = ["BIG STORE SDN BHD", "NO 1, JALAN BESAR,", "50000 KUALA LUMPUR", "DATE 01/02/2019"]
        for i in 0..<20_000 { lines.append("ITEM \(i) 1.00") }
        lines += ["TOTAL", "99.90", "CASH 100.00", "CHANGE 0.10"]
        let text = lines.joined(separator: "\n")
        let document = ReceiptPrompt.document(text)
        #expect(document.text.split(separator: "\n").count < ReceiptPrompt.maxLines + 10, "the model's prompt is bounded")
        #expect(document.note?.contains("20008 lines") == true, "\(document.note ?? "no note")")
        // The rules' 20,000 items do not add up to 99.90; asked to, the model lists them from the cut receipt.
        let items = try await LineItemsTool().run(["text": .string(text), "generate": "unsure"], model: try model())
        #expect(items.value["items"] != nil)
        #expect(items.modelCalls == 1 && items.note?.contains("the model saw the first") == true, "\(items.note ?? "no note")")
        let fields = try await ReceiptFieldsTool().run(["text": .string(text)], model: try model())
        #expect(fields.value["total"] == "99.90" && fields.value["date"] == "01/02/2019", "\(fields.value)")
    }

    /// OCR output that was not UTF-8 reaches the tools as U+FFFD once decoded (`tandem run`
    /// reports such a JSONL line as malformed; other callers decode lossily); with control
    /// characters mixed in, the tools still answer.
    @Test func textThatWasNotUTF8StillAnswers() async throws {
        let bytes: [UInt8] = Array("KEDAI ".utf8) + [0xFF, 0xFE, 0xC3] + Array(" SDN BHD\nTOTAL\n12.50\n\u{0}\u{7}DATE 03/04/2019".utf8)
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.contains("\u{FFFD}"))
        let fields = try await ReceiptFieldsTool().run(["text": .string(text)], model: try model())
        #expect(fields.value["total"] == "12.50" && fields.value["date"] == "03/04/2019", "\(fields.value)")
        let items = try await LineItemsTool().run(["text": .string(text)], model: try model())
        #expect(items.value["items"]?.arrayValue != nil)
    }
}
