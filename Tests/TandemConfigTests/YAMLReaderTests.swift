import Testing
import TandemConfig
import TandemCore

@Test func yamlScalarsNestingAndKeyOrderBecomeJSON() throws {
    let value = try YAMLReader.parse("""
        zeta: 1
        alpha:
          - "1"
          - 2.5
          - true
          - ~
        nested: {b: x, a: [y]}
        """)
    #expect(value.objectValue?.map(\.0) == ["zeta", "alpha", "nested"])
    #expect(value["zeta"] == .number(1))
    #expect(value["alpha"] == .array([.string("1"), .number(2.5), .bool(true), .null]))
    #expect(value["nested"]?["a"] == .array([.string("y")]))
    #expect(value["nested"]?.objectValue?.map(\.0) == ["b", "a"])
}

@Test func yamlSyntaxErrorNamesLineAndColumn() {
    #expect {
        _ = try YAMLReader.parse("a: 1\nb: [1, 2\n")
    } throws: { error in
        guard let e = error as? YAMLError else { return false }
        return e.line >= 2 && e.description.contains("line")
    }
}

@Test func yamlRefusesAliasesAndDuplicateKeys() {
    #expect(throws: YAMLError.self) { _ = try YAMLReader.parse("a: &x 1\nb: *x\n") }
    #expect(throws: YAMLError.self) { _ = try YAMLReader.parse("a: 1\na: 2\n") }
}

@Test func emptyYAMLIsNull() throws {
    #expect(try YAMLReader.parse("") == .null)
}
