import Testing
import TandemWorkers

/// A choice question shows the model the receipt's heading and the lines around its options.
@Suite struct ReceiptExcerptTests {
    let receipt = (["SHOP SDN BHD", "(123-X)", "NO 1, JALAN SATU,", "81100 JOHOR BAHRU", "TEL 07-1234"]
        + (1...30).map { "ITEM \($0)" } + ["SUBTOTAL", "9.90", "TOTAL", "10.00", "CASH", "20.00", "CHANGE", "10.00", "THANK YOU"])
        .joined(separator: "\n")

    @Test func keepsTheHeadingAndTheLinesNextToEachOption() {
        let text = ReceiptExcerpt.text(receipt, options: ["9.90", "10.00"])
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.first == "Receipt OCR text (the lines around the options):")
        #expect(Array(lines[1...4]) == ["SHOP SDN BHD", "(123-X)", "NO 1, JALAN SATU,", "..."])
        // 9.90 and both 10.00 lines with the line either side: SUBTOTAL ... CASH, CHANGE ... THANK YOU.
        #expect(Array(lines[5...]) == ["SUBTOTAL", "9.90", "TOTAL", "10.00", "CASH", "...", "CHANGE", "10.00", "THANK YOU"])
        #expect(!text.contains("ITEM 5\n"))
    }

    @Test func anOptionJoinedFromSeveralLinesKeepsEachOfThem() {
        let text = ReceiptExcerpt.text(receipt, options: ["NO 1, JALAN SATU, 81100 JOHOR BAHRU"])
        #expect(text.contains("(123-X)\nNO 1, JALAN SATU,\n81100 JOHOR BAHRU\nTEL 07-1234\n...\n"))
        #expect(!text.contains("TOTAL"))
    }

    @Test func aHugeReceiptStaysBounded() {
        let huge = (0..<20_000).map { "ITEM \($0) 1.00" }.joined(separator: "\n")
        let lines = ReceiptExcerpt.text(huge, options: ["1.00"]).split(separator: "\n")
        #expect(lines.count <= ReceiptPrompt.maxLines + 3)
    }

    @Test func optionsAreListedAsTheReceiptPrintsThemNotRulesFirst() {
        // The rules list their own value first; a small model leans toward option A.
        let address = ["NO 1, JALAN SATU, 81100 JOHOR BAHRU", "NO 1, JALAN SATU,", "NO 1, JALAN SATU, 81100 JOHOR BAHRU TEL 07-1234"]
        #expect(ReceiptPrompt.inReceiptOrder(address, text: receipt) == [address[1], address[0], address[2]])
        let totals = ["10.00", "9.90", "1,234.00", "20.00"]
        #expect(ReceiptPrompt.inReceiptOrder(totals, text: receipt) == ["9.90", "10.00", "20.00", "1,234.00"])
    }
}
