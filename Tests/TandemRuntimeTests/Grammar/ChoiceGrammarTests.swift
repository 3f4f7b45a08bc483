import Testing
import TandemRuntime

/// Choice mode: exactly one label, as plain text, whatever characters the labels hold.
@Suite struct ChoiceGrammarTests {
    @Test func plainLabels() throws {
        #expect(SchemaGrammar.choiceGrammar(labels: ["positive", "negative"]) == "root ::= \"positive\" | \"negative\"\n")
        let labels = ["alcohol", "canned goods", "dairy eggs", "dry goods pasta"]
        let grammar = try GBNFRecognizer(SchemaGrammar.choiceGrammar(labels: labels))
        for label in labels { #expect(grammar.matches(label)) }
        for text in ["\"alcohol\"", "Alcohol", "alcohol ", "canned", "dairy eggsx", ""] { #expect(!grammar.matches(text)) }
    }

    @Test func escapesEveryAwkwardCharacter() throws {
        let labels = ["say \"hi\"", #"back\slash"#, "two\nlines", "tab\there", "cr\r", "café", "日本", "😀 emoji",
                      "nul\u{0}", "del\u{7F}", "[brackets] -dash- (parens) | pipe # hash", "{m,n}*+?"]
        let text = SchemaGrammar.choiceGrammar(labels: labels)
        #expect(text.unicodeScalars.allSatisfy { $0.isASCII }, "grammar must be plain ASCII: \(text)")
        #expect(!text.dropLast().contains("\n"), "one line: \(text)")
        #expect(text.contains(#""say \"hi\"""#))
        #expect(text.contains(#""back\\slash""#))
        #expect(text.contains(#""two\nlines""#))
        #expect(text.contains(#""tab\there""#))
        #expect(text.contains(#""caf\xE9""#))
        #expect(text.contains(#""\u65E5\u672C""#))
        #expect(text.contains(#""\U0001F600 emoji""#))
        #expect(text.contains(#""nul\x00""#))
        let grammar = try GBNFRecognizer(text)
        for label in labels { #expect(grammar.matches(label), "\(label.debugDescription)") }
        for text in ["say hi", #"back\\slash"#, "two\\nlines", "cafe", "😀", "del"] {
            #expect(!grammar.matches(text), "\(text.debugDescription)")
        }
    }

    @Test func duplicatesDroppedAndPrefixesKept() throws {
        let text = SchemaGrammar.choiceGrammar(labels: ["yes", "no", "yes", "yes please"])
        #expect(text == "root ::= \"yes\" | \"no\" | \"yes please\"\n")
        let grammar = try GBNFRecognizer(text)
        #expect(grammar.matches("yes") && grammar.matches("yes please") && !grammar.matches("yes p"))
    }

    @Test func emptyLabelListAcceptsOnlyTheEmptyString() throws {
        let text = SchemaGrammar.choiceGrammar(labels: [])
        #expect(text == "root ::= \"\"\n")
        let grammar = try GBNFRecognizer(text)
        #expect(grammar.matches(""))
        #expect(!grammar.matches("a"))
    }
}
