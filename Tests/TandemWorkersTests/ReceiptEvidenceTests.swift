import Foundation
import Testing
import TandemCore
import TandemOrchestrator
import TandemTestSupport
import TandemWorkers

/// The rules say how sure they are of each receipt field; a field they are sure of must be right
/// more often than one they are not, or the model would be asked in the wrong places.
@Suite struct ReceiptEvidenceTests {
    @Test func sureFieldsAreRightMoreOftenThanUnsureOnesOnTheFixtureReceipts() throws {
        let rows = try JSONLReader.read(path: try TestPaths.fixture("receipts.jsonl").path).compactMap { line -> JSONValue? in
            if case .record(_, let value) = line { return value } else { return nil }
        }
        var table: [String: (sureRight: Int, sure: Int, unsureRight: Int, unsure: Int, inCandidates: Int)] = [:]
        for row in rows {
            let evidence = ReceiptEvidenceReader.read(row["text"]?.stringValue ?? "")
            for name in ReceiptFieldsTool.fieldNames {
                guard let gold = row["fields"]?[name], let field = evidence.fields[name] else { continue }
                let right = FieldScorer.matches(field: name, predicted: .string(field.value), expected: gold)
                let reachable = field.candidates.contains { FieldScorer.matches(field: name, predicted: .string($0), expected: gold) }
                var t = table[name] ?? (0, 0, 0, 0, 0)
                if field.isSure { t.sure += 1; if right { t.sureRight += 1 } } else { t.unsure += 1; if right { t.unsureRight += 1 }; if reachable { t.inCandidates += 1 } }
                #expect(field.candidates.contains(field.value) || field.value.isEmpty, "the rules' value is a candidate")
                table[name] = t
            }
        }
        for name in ReceiptFieldsTool.fieldNames {
            let t = table[name] ?? (0, 0, 0, 0, 0)
            print("evidence \(name): sure \(t.sureRight)/\(t.sure) right; unsure \(t.unsureRight)/\(t.unsure) right, answer among the candidates in \(t.inCandidates)")
            if t.sure > 0 && t.unsure > 0 {
                #expect(Double(t.sureRight) / Double(t.sure) >= Double(t.unsureRight) / Double(t.unsure), "\(name)")
            }
        }
    }

    @Test func aLabelledTotalIsSureAndAGuessIsNot() {
        let labelled = ReceiptEvidenceReader.read("SHOP SDN BHD\nITEM A 3.00\nITEM B 4.50\nTOTAL 7.50\nCASH 10.00\nCHANGE 2.50")
        #expect(labelled.fields["total"]?.value == "7.50" && labelled.fields["total"]?.isSure == true)
        let guessed = ReceiptEvidenceReader.read("SHOP SDN BHD\nITEM A 3.00\nITEM B 4.50\n7.50")
        #expect(guessed.fields["total"]?.isSure == false)
        #expect(guessed.fields["total"]?.candidates == ["3.00", "4.50", "7.50"])
    }

    @Test func aLabelEndingInItsCurrencyTakesTheValueOnTheNextLine() {
        // "TOTAL INCL. GST:RM" read as a label that holds its own value left no total label, and
        // the largest amount (the cash tendered) was taken.
        let found = ReceiptEvidenceReader.read("SHOP SDN BHD\nITEM A\n1 X 17.41\n17.41 S\nTOTAL INCL. GST:RM\n20.05\nCASH:RM\n50.00\nCHANGE:RM\n29.95")
        #expect(found.fields["total"]?.value == "20.05")
        #expect(found.fields["total"]?.isSure == true)
        let unit = ReceiptEvidenceReader.read("SHOP SDN BHD\nTOTAL: RM\n12.30\nCASH: RM\n20.00\nCHANGE: RM\n7.70")
        #expect(unit.fields["total"]?.value == "12.30")
    }

    @Test func anAddressEndingAtItsPostcodeIsSureAndACutOffOneIsNot() {
        let clean = ReceiptEvidenceReader.read("ABC TRADING SDN BHD\nNO 5, JALAN MAJU,\n47400 PETALING JAYA\nTEL: 03-1234567\nTOTAL 5.00")
        #expect(clean.fields["address"]?.value == "NO 5, JALAN MAJU, 47400 PETALING JAYA")
        #expect(clean.fields["address"]?.isSure == true)
        let cut = ReceiptEvidenceReader.read("ABC TRADING SDN BHD\nNO 5, JALAN MAJU,\nTEL: 03-1234567\nTOTAL 5.00")
        #expect(cut.fields["address"]?.isSure == false)
    }

    @Test func aBranchLineBetweenThePostcodeAndThePhoneLineBelongsToTheAddress() {
        let branch = ReceiptEvidenceReader.read("ABC MART SDN BHD\nLOT 12, JALAN MAJU,\n41150 KLANG, SELANGOR\n0311-TMN SRI ANDALAS\nGST ID NO: 0001\nTOTAL 5.00")
        #expect(branch.fields["address"]?.value == "LOT 12, JALAN MAJU, 41150 KLANG, SELANGOR 0311-TMN SRI ANDALAS")
        #expect(branch.fields["address"]?.isSure == false, "the branch line may also be the shop's name, so the model may choose")
        // A country ends the address: the mall name after it is not part of it.
        let mall = ReceiptEvidenceReader.read("ABC MART SDN BHD\nNO 8, JALAN MAJU,\n56000 KUALA LUMPUR, MALAYSIA\nSUNWAY PIRAMID\nTEL: 03-1234567\nTOTAL 5.00")
        #expect(mall.fields["address"]?.value == "NO 8, JALAN MAJU, 56000 KUALA LUMPUR, MALAYSIA")
        // Without a phone or tax line right after it, the extra line stays out.
        let loose = ReceiptEvidenceReader.read("ABC MART SDN BHD\nLOT 12, JALAN MAJU,\n41150 KLANG, SELANGOR\nTHANK YOU\nITEM A 5.00\nTOTAL 5.00")
        #expect(loose.fields["address"]?.value == "LOT 12, JALAN MAJU, 41150 KLANG, SELANGOR")
    }

    @Test func anEmptyReceiptHasNoEvidenceAndNoCandidates() {
        let empty = ReceiptEvidenceReader.read("")
        for name in ReceiptFieldsTool.fieldNames {
            #expect(empty.fields[name]?.value == "" && empty.fields[name]?.isSure == false && empty.fields[name]?.candidates.isEmpty == true)
        }
    }
}
