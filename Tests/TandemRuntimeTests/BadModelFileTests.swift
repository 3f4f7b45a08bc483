import Foundation
import Testing
import TandemRuntime

/// Every bad file must give a clear `RuntimeError`, never a crash.
@Suite struct BadModelFileTests {
    private func scratch(_ name: String, _ bytes: [UInt8]) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-bad-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = dir.appendingPathComponent(name).path
        FileManager.default.createFile(atPath: path, contents: Data(bytes))
        return path
    }

    private func expectInvalid(_ path: String, mentioning words: String...) {
        do {
            _ = try LlamaModel.load(path: path, backend: .cpu)
            Issue.record("\(path) loaded but should have been refused")
        } catch {
            let text = "\(error)"
            for w in words { #expect(text.contains(w), "error '\(text)' should mention '\(w)'") }
        }
    }

    @Test func missingFile() { expectInvalid("/nonexistent/model.gguf", mentioning: "not found") }
    @Test func directory() { expectInvalid(FileManager.default.temporaryDirectory.path, mentioning: "not a regular file") }
    @Test func emptyFile() throws { expectInvalid(try scratch("empty.gguf", []), mentioning: "empty") }
    @Test func wrongMagic() throws { expectInvalid(try scratch("magic.gguf", Array("GGML".utf8) + [UInt8](repeating: 0, count: 64)), mentioning: "magic") }
    @Test func randomBytes() throws {
        var rng = SystemRandomNumberGenerator()
        expectInvalid(try scratch("random.gguf", (0..<4096).map { _ in UInt8.random(in: 0...255, using: &rng) }), mentioning: "GGUF")
    }

    @Test func truncatedModel() throws {
        let whole = try Data(contentsOf: URL(fileURLWithPath: TestModels.smolLMPath))
        expectInvalid(try scratch("truncated.gguf", Array(whole.prefix(whole.count / 2))), mentioning: "outside the file")
        expectInvalid(try scratch("header-cut.gguf", Array(whole.prefix(5000))), mentioning: "GGUF")
    }

    @Test func absurdCounts() throws {
        var header: [UInt8] = Array("GGUF".utf8) + [3, 0, 0, 0]
        header += withUnsafeBytes(of: UInt64(1 << 60).littleEndian, Array.init)  // tensors
        header += withUnsafeBytes(of: UInt64(1 << 60).littleEndian, Array.init)  // kv pairs
        header += [UInt8](repeating: 0, count: 256)
        expectInvalid(try scratch("absurd.gguf", header), mentioning: "claims")
    }
}
