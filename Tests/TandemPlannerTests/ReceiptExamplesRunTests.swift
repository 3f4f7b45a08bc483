import Foundation
import Testing
import TandemCore

/// `tandem run --receipt-examples`: the built binary learns from labelled receipts, says what it
/// learned, and writes a taught shop's name as the examples do; a bad file stops it before any
/// record runs.
@Suite struct ReceiptExamplesRunTests {
    static let header = "(65351-M)\nLEVEL 6, BANGUNAN TH, DAMANSARA UPTOWN3\nNO.3, JALAN SS21/39,47400 PETALING JAYA\nSELANGOR\nTEL: 03-77115600\n"
    static func receipt(_ name: String, date: String, total: String) -> String {
        name + "\n" + header + "DATE \(date)\nBIG MAC 1 \(total)\nTOTAL \(total)\nCASH 50.00"
    }
    static let gold = ["company": "GERBANG ALAF RESTAURANTS SDN BHD", "address": "LEVEL 6, BANGUNAN TH, DAMANSARA UPTOWN3 NO.3, JALAN SS21/39,47400 PETALING JAYA SELANGOR"]

    func line(_ text: String, fields: [String: String]) -> String {
        JSONWriter.compact(["text": .string(text), "fields": .object(fields.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })])
    }

    @Test(.timeLimit(.minutes(60))) func aTaughtShopIsWrittenAsTheExamplesWriteIt() async throws {
        let dir = try TemporaryModelConfig()
        defer { dir.remove() }
        // One example read right and one with the OCR slip: read back without itself, the second
        // shows the memory fixing what the rules get wrong, so the gate opens.
        let examples = dir.path("labelled.jsonl")
        try [line(Self.receipt("GERBANG ALAF RESTAURANTS SDN BHD", date: "01/01/2018", total: "10.00"), fields: Self.gold),
             line(Self.receipt("GERPANG ALAF RESTAURANTS SDN BHD", date: "02/01/2018", total: "12.00"), fields: Self.gold)]
            .joined(separator: "\n").write(toFile: examples, atomically: true, encoding: .utf8)
        let input = dir.path("new.jsonl")
        try line(Self.receipt("GERPANG ALAF RESTAURANTS SDN BHD", date: "03/01/2018", total: "9.50"), fields: [:])
            .write(toFile: input, atomically: true, encoding: .utf8)
        let out = dir.path("out.jsonl")
        let (status, output) = try await runToCompletion(try tandemBinary(), [
            "run", "examples/receipts/plan.json", "--input", input, "--out", out, "--no-local-model", "--receipt-examples", examples],
            timeout: .seconds(1800))
        #expect(status == 0, "\(output.suffix(2000))")
        #expect(output.contains("receipt memory from \(examples): 2 labelled receipts; company: 1 values, up to 0.05 edits/char (fixed 1, broke 0"),
                "\(output.suffix(2000))")
        let result = try JSONParser.parse(try String(contentsOfFile: out, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(result["output"]?["company"] == "GERBANG ALAF RESTAURANTS SDN BHD")
        #expect(result["output"]?["total"] == "9.50")
    }

    @Test(.timeLimit(.minutes(60))) func theModelsChoicesAreMeasuredOnTheExamplesOnceThenReadBack() async throws {
        let dir = try TemporaryModelConfig()
        defer { dir.remove() }
        // Twelve labelled fixture receipts: the model's choices on their unsure fields decide which
        // fields it is asked; the second run reads that measure back from the cache.
        let folder = ProcessInfo.processInfo.environment["TANDEM_FIXTURES"]
            ?? Fixtures.repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/fixtures").path
        let fixtures = try String(contentsOfFile: folder + "/receipts.jsonl", encoding: .utf8)
        let examples = dir.path("labelled.jsonl")
        try fixtures.split(separator: "\n").prefix(12).joined(separator: "\n").write(toFile: examples, atomically: true, encoding: .utf8)
        let input = dir.path("in.jsonl")
        try String(contentsOfFile: Fixtures.path("examples/receipts/sample.jsonl"), encoding: .utf8).split(separator: "\n").prefix(2)
            .joined(separator: "\n").write(toFile: input, atomically: true, encoding: .utf8)
        let arguments = ["--offline", "run", "examples/receipts/plan.json", "--input", input,
                         "--out", dir.path("out.jsonl"), "--force", "-m", try testModelPath(), "--receipt-examples", examples]
        let environment = ["TANDEM_CACHE": dir.path("cache"), "OMP_WAIT_POLICY": "PASSIVE"]
        let first = try await runToCompletion(try tandemBinary(), arguments, timeout: .seconds(1800), environment: environment)
        #expect(first.status == 0, "\(first.output.suffix(2000))")
        #expect(first.output.contains("measuring the model's choices on the examples"), "\(first.output.suffix(2000))")
        #expect(first.output.contains("tandem run: the model's receipt choices on the examples: company: asked on "), "\(first.output.suffix(2000))")
        let second = try await runToCompletion(try tandemBinary(), arguments, timeout: .seconds(1800), environment: environment)
        #expect(second.status == 0, "\(second.output.suffix(2000))")
        #expect(second.output.contains("the model's receipt choices on the examples (measured on an earlier run): company: asked on "),
                "\(second.output.suffix(2000))")
        #expect(!second.output.contains("measuring the model's choices"))
        // Which fields were asked or gated is the same both times.
        let verdicts = { (output: String) in output.components(separatedBy: "(measured on an earlier run)").last?
            .components(separatedBy: "\n").first?.components(separatedBy: "examples: ").last ?? "" }
        #expect(first.output.contains(verdicts(second.output)))
        // --no-choice-gate asks every unsure field: nothing is measured or read back.
        let ungated = try await runToCompletion(try tandemBinary(), arguments + ["--no-choice-gate"], timeout: .seconds(1800),
                                                environment: environment)
        #expect(ungated.status == 0, "\(ungated.output.suffix(2000))")
        #expect(!ungated.output.contains("receipt choices on the examples") && !ungated.output.contains("model gated off"),
                "\(ungated.output.suffix(2000))")
    }

    @Test(.timeLimit(.minutes(60))) func aBadExamplesFileStopsTheRunNamingItsLine() async throws {
        let dir = try TemporaryModelConfig()
        defer { dir.remove() }
        let examples = dir.path("labelled.jsonl")
        try "{\"text\": \"A SHOP\"}\n".write(toFile: examples, atomically: true, encoding: .utf8)
        let (status, output) = try await runToCompletion(try tandemBinary(), [
            "run", "examples/receipts/plan.json", "--input", "examples/receipts/sample.jsonl", "--out", dir.path("out.jsonl"),
            "--no-local-model", "--receipt-examples", examples], timeout: .seconds(1800))
        #expect(status == 1)
        #expect(output.contains("line 1: no \"fields\" object"), "\(output.suffix(2000))")
        #expect(!FileManager.default.fileExists(atPath: dir.path("out.jsonl")), "no record may run before the examples are read")
    }
}
