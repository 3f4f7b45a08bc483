import Foundation
import Testing
import TandemCore
import TandemTestSupport
import TandemWorkers

/// The receipt layouts OCR produces for line items: numbers after or before the description,
/// column names one per line (a TOTAL column among them), tax codes after amounts.
@Suite struct LineItemParserTests {
    func amounts(_ text: String) -> [Double?] { LineItemParser.parse(text).map(\.amount) }

    @Test func aTotalColumnInTheHeaderIsNotTheReceiptsTotal() {
        let text = """
            SOME SHOP SDN BHD
            TAX INVOICE
            ITEM
            QTY
            TOTAL
            CHICKEN RICE
            $5.50
            $5.50
            ICED TEA
            $2.70
            1
            $2.70
            TOTAL AMOUNT: $8.20
            CASH
            $10.00
            """
        let items = LineItemParser.parse(text)
        #expect(items.map(\.description) == ["CHICKEN RICE", "ICED TEA"])
        #expect(items.map(\.amount) == [5.50, 2.70])
    }

    @Test func numbersPrintedBeforeEachDescriptionStayWithIt() {
        let text = """
            NOODLE HOUSE
            INVOICE NO: 1234
            ITEM
            QTY
            U.PRICE
            AMOUNT
            TAX
            1
            1.50
            1.50
            SR
            GREEN TEA
            2
            8.80
            17.60
            SR
            BEEF UDON
            LARGE
            1
            3.00
            3.00
            SR
            TEMPURA
            TOTAL: 22.10
            """
        let items = LineItemParser.parse(text)
        #expect(items.map(\.description) == ["GREEN TEA", "BEEF UDON LARGE", "TEMPURA"])
        #expect(items.map(\.amount) == [1.50, 17.60, 3.00])
        #expect(items[1].quantity == 2 && items[1].unitPrice == 8.80)
    }

    @Test func aTaxCodeAfterAnAmountIsNotADescription() {
        let text = """
            MINI MARKET
            CASHIER : ANN
            1
            VEGETABLES
            2.20 ZRL
            1
            FISH BALL
            1.20 SR
            SUBTOTAL:
            3.40
            """
        #expect(amounts(text) == [2.20, 1.20])
        #expect(LineItemParser.parse(text).map(\.description) == ["VEGETABLES", "FISH BALL"])
    }
}
