import Foundation
import Synchronization
import Testing
import TandemCore
import TandemRuntime

@Suite(.serialized) struct PromptStateStoreTests {
    static let prefix = "<|im_start|>system\nYou label shop items. " + String(repeating: "Labels: produce, dairy, bakery, frozen, snacks. ", count: 8)

    private func scratchStore() throws -> PromptStateStore {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-state-\(UUID().uuidString)")
        return PromptStateStore(directory: dir)
    }

    @Test func savesAndRestoresInAFreshEngine() async throws {
        let store = try scratchStore()
        let first = try TestModels.engine(sequences: 2)
        let computed = try await first.warmPrefix(.text(Self.prefix), store: store)
        #expect(computed.source == .computed)
        let again = try await first.warmPrefix(.text(Self.prefix), store: store)
        #expect(again.source == .memory)
        let request = GenerationRequest(.text(Self.prefix + "<|im_end|>\n<|im_start|>user\nmilk<|im_end|>\n<|im_start|>assistant\n"), maxTokens: 6)
        // Chunked prefill rounds differently from one-shot prefill, so the reference is the same
        // prefix warmed in memory: the restored cells must behave exactly like it.
        let reference = try await first.complete(request)

        let second = try TestModels.engine(sequences: 2)
        let restored = try await second.warmPrefix(.text(Self.prefix), store: store)
        #expect(restored.source == .disk)
        let fromDisk = try await second.complete(request)
        #expect(fromDisk.usage.cachedPromptTokens >= restored.tokens - 1)
        #expect(fromDisk.text == reference.text)
    }

    @Test func corruptStateIsIgnoredWithAWarning() async throws {
        let store = try scratchStore()
        _ = try await TestModels.engine(sequences: 1).warmPrefix(.text(Self.prefix), store: store)
        let state = try FileManager.default.contentsOfDirectory(atPath: store.directory.path).first { $0.hasSuffix(".state") }!
        let path = store.directory.appendingPathComponent(state).path
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: path))
        try handle.seek(toOffset: 4096)
        handle.write(Data([0xDE, 0xAD, 0xBE, 0xEF]))
        try handle.close()

        let warnings = Mutex<[String]>([])
        let sink = Log.addSink { level, text in if level == .warning { warnings.withLock { $0.append(text) } } }
        defer { Log.removeSink(sink) }
        let warm = try await TestModels.engine(sequences: 1).warmPrefix(.text(Self.prefix), store: store)
        #expect(warm.source == .computed)
        #expect(warnings.withLock { $0 }.contains { $0.contains("checksum") })
    }

    @Test func truncatedOrForeignStateIsIgnored() async throws {
        let store = try scratchStore()
        _ = try await TestModels.engine(sequences: 1).warmPrefix(.text(Self.prefix), store: store)
        let files = try FileManager.default.contentsOfDirectory(atPath: store.directory.path)
        let state = store.directory.appendingPathComponent(files.first { $0.hasSuffix(".state") }!).path
        let data = try Data(contentsOf: URL(fileURLWithPath: state))
        try data.prefix(data.count / 3).write(to: URL(fileURLWithPath: state))
        #expect(try await TestModels.engine(sequences: 1).warmPrefix(.text(Self.prefix), store: store).source == .computed)
        // A state saved by another model (a tiny llama) is never restored into SmolLM.
        let tiny = try Engine(model: LlamaModel.load(path: TestModels.tinyPath("llama"), backend: .cpu),
                              parameters: ContextParameters(contextLength: 512, sequences: 1, threads: 2))
        #expect(try await tiny.warmPrefix(.text("hello world, a shared prefix"), store: store).source == .computed)
        #expect(try await tiny.warmPrefix(.text("hello world, a shared prefix"), store: store).source == .memory)
    }
}
