import Testing

/// The recognizer is the judge of every grammar test, so it is tested first on hand-written GBNF.
@Suite struct GBNFRecognizerTests {
    @Test func literalsEscapesAndClasses() throws {
        let g = try GBNFRecognizer(#"""
            root ::= "a\"\\\n" [x-z0] [^"\\\x00-\x1F] "\u00e9\U0001F600" .
            """#)
        #expect(g.matches("a\"\\\nx!é😀?"))
        #expect(g.matches("a\"\\\n0~é😀é"))
        #expect(!g.matches("a\"\\\nw!é😀?"))  // w is outside [x-z0]
        #expect(!g.matches("a\"\\\nx\"é😀?"))  // quote is excluded by the negated class
        #expect(!g.matches("a\"\\\nx\té😀?"))  // so is a control character
        #expect(!g.matches("a\"\\\nx!é😀"))  // '.' needs one character
    }

    @Test func repetitionsCountExactly() throws {
        let g = try GBNFRecognizer(#"""
            root ::= "a"? "b"* "c"+ d{2} e{1,3} f{2,}
            d ::= "d"
            e ::= "e"
            f ::= "f"
            """#)
        #expect(g.matches("cddeff"))
        #expect(g.matches("abbbcccddeeefffff"))
        #expect(!g.matches("ddeff"))  // c+ needs one
        #expect(!g.matches("cdddeff"))  // d{2} is exactly two
        #expect(!g.matches("cddeeeeff"))  // e{1,3} at most three
        #expect(!g.matches("cddef"))  // f{2,} at least two
        #expect(!g.matches("aacddeff"))
    }

    @Test func alternationGroupingAndEmptyAlternatives() throws {
        let g = try GBNFRecognizer("""
            root ::= "[" space (item ("," space item)* space)? "]"
            item ::= "x" | "yy" | (
                "z" | "w"
            )
            space ::= | " "
            # a comment line
            """)
        for text in ["[]", "[ ]", "[x]", "[ x ]", "[x, yy,w]", "[z ]"] { #expect(g.matches(text), "\(text)") }
        for text in ["[  ]", "[x,]", "[x ,yy]", "[y]", "x", "[x]]"] { #expect(!g.matches(text), "\(text)") }
    }

    @Test func ambiguousAndNestedRepetitionsTerminate() throws {
        let g = try GBNFRecognizer(#"""
            root ::= ("a"? "a"?)* "b" | x*
            x ::= ("" | "c")+
            """#)
        #expect(g.matches("aaaab"))
        #expect(g.matches("ccc"))
        #expect(g.matches(""))
        #expect(!g.matches("aac"))
    }

    @Test func refusesWhatLlamaCppRefuses() {
        let refused = [
            "root ::= missing",  // undefined rule
            "item ::= \"x\"",  // no root
            "root ::= \"x\" ::= ",  // stray ::=
            "root ::= \"unterminated",
            "root ::= [a-",
            "root ::= \"\\q\"",  // unknown escape
            "root ::= *",  // nothing to repeat
            "root ::= \"x\"{2001}",  // above llama.cpp's repetition limit
            "root ::= \"x\"{0,2001}",
            "root ::= (\"x\"",
        ]
        for text in refused {
            #expect(throws: GBNFSyntaxError.self, "\(text)") { try GBNFRecognizer(text) }
        }
    }

    @Test func reportsWhereMatchingStopped() throws {
        let g = try GBNFRecognizer(#"root ::= "abc" "def""#)
        #expect(g.mismatchOffset("abcdef") == nil)
        #expect(g.mismatchOffset("abcdxf") == 3)
    }
}
