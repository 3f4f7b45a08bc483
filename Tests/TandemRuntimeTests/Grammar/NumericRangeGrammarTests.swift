import Testing
import TandemCore
import TandemRuntime

/// Bounded integers and numbers, checked value by value against the bounds they come from.
@Suite struct NumericRangeGrammarTests {
    private func recognizer(_ json: String) throws -> GBNFRecognizer {
        try GBNFRecognizer(SchemaGrammar.gbnf(for: try JSONParser.parse(json)))
    }

    /// Every integer in a window around the bounds (and at each power of ten) matches iff in range.
    @Test(arguments: [
        (-5, 120), (0, 150), (1, 9), (7, 7), (10, 99), (0, 0), (-1, 0), (-250, -20), (-1000, -1000),
        (123, 4567), (-999, 999), (19, 1001), (100, 100), (0, 1000),
    ])
    func integerRangeMatchesExactly(minimum: Int, maximum: Int) throws {
        let grammar = try recognizer(#"{"type": "integer", "minimum": \#(minimum), "maximum": \#(maximum)}"#)
        var values = Set(-130...130)
        for anchor in [minimum, maximum, 1000, -1000, 10_000, 4567, -4567] { values.formUnion(anchor - 12...anchor + 12) }
        for value in values.sorted() {
            #expect(grammar.matches(String(value)) == (minimum...maximum).contains(value), "\(value) in \(minimum)...\(maximum)")
        }
        for text in ["-0", "00", "01", "+1", "1.0", "", "-"] { #expect(!grammar.matches(text), "\(text)") }
    }

    @Test func oneSidedIntegerBoundsReachSixteenDigits() throws {
        let atLeast = try recognizer(#"{"type": "integer", "minimum": 18}"#)
        let atMost = try recognizer(#"{"type": "integer", "exclusiveMaximum": -7}"#)
        for value in -40...40 {
            #expect(atLeast.matches(String(value)) == (value >= 18), "\(value) >= 18")
            #expect(atMost.matches(String(value)) == (value < -7), "\(value) < -7")
        }
        #expect(atLeast.matches("9999999999999999") && !atLeast.matches("10000000000000000"))
        #expect(atMost.matches("-9999999999999999") && !atMost.matches("-10000000000000000"))
    }

    /// Decimal strings with assorted fractions, judged by their numeric value ("-0" forms excluded).
    @Test(arguments: [
        "\"minimum\": 0", "\"exclusiveMinimum\": 0", "\"minimum\": 3, \"maximum\": 10", "\"exclusiveMinimum\": 3, \"exclusiveMaximum\": 10",
        "\"minimum\": -10, \"exclusiveMaximum\": -3", "\"exclusiveMinimum\": -10, \"maximum\": 0", "\"maximum\": 0",
        "\"exclusiveMaximum\": 0", "\"minimum\": -3, \"maximum\": 3", "\"minimum\": 5, \"maximum\": 5", "\"maximum\": -3",
        "\"exclusiveMinimum\": 2, \"maximum\": 3", "\"minimum\": -3, \"exclusiveMaximum\": -2",
        "\"exclusiveMinimum\": -1, \"exclusiveMaximum\": 0", "\"exclusiveMinimum\": 0, \"exclusiveMaximum\": 1",
    ])
    func numberRangeMatchesByValue(bounds: String) throws {
        let json = "{\"type\": \"number\", \(bounds)}"
        let schema = try JSONParser.parse(json)
        let grammar = try GBNFRecognizer(SchemaGrammar.gbnf(for: schema))
        func inRange(_ x: Double) -> Bool {
            if let v = schema["minimum"]?.doubleValue, x < v { return false }
            if let v = schema["exclusiveMinimum"]?.doubleValue, x <= v { return false }
            if let v = schema["maximum"]?.doubleValue, x > v { return false }
            if let v = schema["exclusiveMaximum"]?.doubleValue, x >= v { return false }
            return true
        }
        for sign in ["", "-"] {
            for integer in 0...12 {
                for fraction in ["", ".0", ".00", ".5", ".01", ".99", ".10", ".000001"] {
                    let text = sign + String(integer) + fraction
                    let value = Double(text)!
                    let expected = inRange(value) && !(sign == "-" && value == 0)
                    #expect(grammar.matches(text) == expected, "\(text) with \(bounds)")
                }
            }
        }
        for text in ["1e1", "1.", ".5", "01", "+1", "-"] { #expect(!grammar.matches(text), "\(text) with \(bounds)") }
    }
}
