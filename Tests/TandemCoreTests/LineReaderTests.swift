import Foundation
import Testing
import TandemCore

/// Bulk inputs are read a line at a time: oversized lines, invalid UTF-8, a last line without its
/// newline and blank lines are each reported or skipped without stopping the file.
@Suite struct LineReaderTests {
    private func file(_ bytes: [UInt8]) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("lines-\(UUID().uuidString).jsonl").path
        #expect(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
        return path
    }

    @Test func linesCarryNumbersOffsetsAndWhetherTheyEnded() throws {
        let path = try file(Array("ab\n\ncd\nef".utf8))
        defer { unlink(path) }
        let reader = try LineReader(path: path)
        var lines: [LineReader.Line] = []
        while let line = try reader.next() { lines.append(line) }
        #expect(lines.map { String(decoding: $0.bytes, as: UTF8.self) } == ["ab", "", "cd", "ef"])
        #expect(lines.map(\.number) == [1, 2, 3, 4])
        #expect(lines.map(\.endOffset) == [3, 4, 7, 9])
        #expect(lines.map(\.isTerminated) == [true, true, true, false])
    }

    @Test func anOversizedLineIsReportedAndTheNextOneStillReads() throws {
        let long = [UInt8](repeating: 120, count: 3000)
        let path = try file(Array("{\"a\":1}\n".utf8) + long + Array("\n{\"b\":2}\n".utf8))
        defer { unlink(path) }
        let stream = try JSONLStream(path: path, maxLineBytes: 1024)
        var got: [JSONLLine] = []
        while let line = try stream.nextLine() { got.append(line) }
        #expect(got.count == 3)
        guard case .malformed(2, let message) = got[1] else { Issue.record("line 2 should be malformed: \(got[1])"); return }
        #expect(message.contains("3000 bytes"))
        guard case .record(3, let value) = got[2] else { Issue.record("line 3 should read: \(got[2])"); return }
        #expect(value["b"] == 2)
    }

    @Test func invalidUTF8IsOneMalformedLineNotAnUnreadableFile() throws {
        let path = try file(Array("{\"t\":\"ok\"}\n".utf8) + [0x7B, 0x22, 0xFF, 0xFE, 0x22, 0x7D, 0x0A] + Array("{\"t\":\"also ok\"}\n".utf8))
        defer { unlink(path) }
        let lines = try JSONLReader.read(path: path)
        #expect(lines.count == 3)
        guard case .malformed(2, let message) = lines[1] else { Issue.record("line 2: \(lines[1])"); return }
        #expect(message.contains("not valid UTF-8"))
    }

    @Test func aMissingFileOrADirectoryIsAClearError() {
        #expect(throws: LineReaderError.self) { try LineReader(path: "/nonexistent/in.jsonl") }
        do { _ = try LineReader(path: "/tmp") } catch { #expect(error.description.contains("directory")) }
    }
}
