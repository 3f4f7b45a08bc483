import Testing
import TandemCore

@Suite struct JSONTests {
    @Test func parsesAndKeepsKeyOrder() throws {
        let v = try JSONParser.parse(#"{"b": 1, "a": [true, null, "x\u00e9"], "c": {"z": -1.5e2}}"#)
        #expect(JSONWriter.compact(v) == #"{"b":1,"a":[true,null,"xé"],"c":{"z":-150}}"#)
        #expect(v["a"]?[2]?.stringValue == "xé")
    }

    @Test func reportsLineAndColumn() {
        #expect(throws: JSONParseError.self) { try JSONParser.parse("{\n  \"a\": tru }") }
        do { _ = try JSONParser.parse("{\n  \"a\": tru }") } catch {
            #expect(error.line == 2)
        }
    }

    @Test func boundsNesting() {
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(throws: JSONParseError.self) { try JSONParser.parse(deep) }
    }

    @Test func rejectsTrailingText() {
        #expect(throws: JSONParseError.self) { try JSONParser.parse("{} x") }
    }
}

@Suite struct SHA256Tests {
    @Test func knownVectors() {
        #expect(SHA256.hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        let million = String(repeating: "a", count: 1_000_000)
        #expect(SHA256.hex(million) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func streamingMatchesOneShot() {
        let bytes = (0..<1000).map { UInt8($0 % 251) }
        var h = SHA256()
        h.update(bytes[0..<3]); h.update(bytes[3..<130]); h.update(bytes[130...])
        #expect(h.hexDigest() == SHA256.hex(bytes))
    }
}
