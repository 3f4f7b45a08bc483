import Foundation
import Testing
import TandemRuntime

/// Mutation fuzzing of the real model's header: every corrupted copy must load or be refused with
/// an error; none may take the process down (llama.cpp asserts on some header nonsense).
@Suite(.serialized) struct HeaderFuzzTests {
    @Test func twoHundredCorruptedHeadersNeverCrash() async throws {
        // Minutes of blocking loads: run them on a thread of their own, not Swift's small
        // cooperative pool, so the other suites keep going meanwhile.
        try await withCheckedThrowingContinuation { (done: CheckedContinuation<Void, Error>) in
            let thread = Thread {
                do { try Self.fuzz(); done.resume() } catch { done.resume(throwing: error) }
            }
            thread.start()
        }
    }

    private static func fuzz() throws {
        let original = try Data(contentsOf: URL(fileURLWithPath: TestModels.smolLMPath), options: .alwaysMapped)
        // Tensor infos start at the first tensor name; hyperparameters sit in the first few KB.
        let tensorInfo = original.range(of: Data("token_embd.weight".utf8))?.lowerBound ?? 4096
        let headerEnd = min(original.count, tensorInfo + 40_000)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-fuzz-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("fuzz.gguf").path
        FileManager.default.createFile(atPath: path, contents: original)
        let file = try FileHandle(forUpdating: URL(fileURLWithPath: path))
        defer { try? file.close() }

        var rng = SeededGenerator(seed: 20261127)
        var loaded = 0, refused = 0
        for iteration in 0..<210 {
            let region: Range<Int> = switch iteration % 3 {
            case 0: 0..<min(4096, headerEnd)
            case 1: max(0, tensorInfo - 64)..<headerEnd
            default: 0..<headerEnd
            }
            let offset = Int.random(in: region, using: &rng)
            let width = [1, 1, 2, 4, 8].randomElement(using: &rng)!
            let end = min(offset + width, original.count)
            let mutation: [UInt8] = switch Int.random(in: 0..<4, using: &rng) {
            case 0: (offset..<end).map { _ in UInt8.random(in: 0...255, using: &rng) }
            case 1: [UInt8](repeating: 0xFF, count: end - offset)
            case 2: [UInt8](repeating: 0, count: end - offset)
            default: (offset..<end).map { original[$0] ^ (1 << UInt8.random(in: 0..<8, using: &rng)) }
            }
            try file.seek(toOffset: UInt64(offset))
            file.write(Data(mutation))
            do {
                _ = try LlamaModel.load(path: path, backend: .cpu)
                loaded += 1
            } catch {
                refused += 1
                #expect(!"\(error)".isEmpty)
            }
            try file.seek(toOffset: UInt64(offset))
            file.write(original.subdata(in: offset..<end))
        }
        #expect(loaded + refused == 210)
        #expect(refused > 20, "the fuzzer should produce many refused files (loaded \(loaded), refused \(refused))")
    }
}

/// SplitMix64: reproducible mutations.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
