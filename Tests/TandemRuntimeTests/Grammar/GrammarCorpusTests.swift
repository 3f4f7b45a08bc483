import Testing
import TandemCore
import TandemRuntime

/// Every corpus schema's grammar accepts its valid documents and rejects its invalid ones.
@Suite struct GrammarCorpusTests {
    @Test(arguments: GrammarCorpus.cases.map(\.name))
    func grammarMatchesCorpus(name: String) throws {
        let corpusCase = try #require(GrammarCorpus.cases.first { $0.name == name })
        let text = try SchemaGrammar.gbnf(for: corpusCase.schema)
        let grammar = try GBNFRecognizer(text)
        for document in corpusCase.valid {
            let offset = grammar.mismatchOffset(document)
            #expect(offset == nil, "rejected valid document (stopped at \(offset ?? -1)): \(document)\n\(text)")
        }
        for document in corpusCase.invalid {
            #expect(!grammar.matches(document), "accepted invalid document: \(document)\n\(text)")
        }
    }

    /// The corpus itself must be right: every valid document is JSON, so a grammar accepting it
    /// is accepting JSON and not a typo.
    @Test func validDocumentsAreJSON() {
        for corpusCase in GrammarCorpus.cases {
            for document in corpusCase.valid {
                #expect(throws: Never.self, "\(corpusCase.name): \(document)") { try JSONParser.parse(document) }
            }
        }
    }

    @Test func corpusNamesAreUniqueAndCasesNonTrivial() {
        let names = GrammarCorpus.cases.map(\.name)
        #expect(Set(names).count == names.count)
        for corpusCase in GrammarCorpus.cases {
            #expect(!corpusCase.valid.isEmpty && !corpusCase.invalid.isEmpty, "\(corpusCase.name)")
        }
    }
}
