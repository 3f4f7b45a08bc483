import Foundation
import Testing
import TandemRuntime

@Suite struct ModelLoadingTests {
    @Test func loadsSmolLMWithMetadata() throws {
        let model = try TestModels.smolLM()
        #expect(model.info.architecture == "llama")
        #expect(model.info.vocabularySize == 49_152)
        #expect(model.info.layerCount == 30)
        #expect(model.info.trainedContextLength == 8192)
        #expect(model.info.parameterCount > 100_000_000)
        #expect(model.info.chatTemplate?.contains("<|im_start|>") == true)
        #expect(model.backend == .cpu)
    }

    @Test func sameFileLoadsOnce() throws {
        let a = try TestModels.smolLM()
        let b = try LlamaModel.load(path: TestModels.smolLMPath, backend: .cpu)
        #expect(a === b)
    }

    @Test func sha256MatchesManifest() throws {
        #expect(try TestModels.smolLM().sha256() == "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53")
    }

    @Test func tinyPhi3AndLlamaLoadTemplateAndGenerate() async throws {
        for (arch, marker) in [("phi3", "<|assistant|>"), ("llama", "<|start_header_id|>assistant")] {
            let model = try LlamaModel.load(path: TestModels.tinyPath(arch), backend: .cpu)
            #expect(model.info.architecture == arch)
            let engine = try Engine(model: model, parameters: ContextParameters(contextLength: 256, sequences: 1, threads: 2))
            let prompt = try engine.chatTemplate().apply([.user("hello")])
            #expect(prompt.contains(marker))
            let reply = try await engine.complete(GenerationRequest(.messages([.user("hello")]), maxTokens: 6))
            #expect(reply.usage.generatedTokens + (reply.finishReason == .endOfGeneration ? 1 : 0) >= 1)
            #expect(reply.usage.promptTokens > 3)
        }
    }

    @Test func unknownBackendIsAnError() {
        #expect(throws: RuntimeError.unknownBackend("tpu")) { try Backend(parsing: "tpu") }
    }

    @Test func cudaWithoutGPUFailsClearlyAndAutoFallsBack() throws {
        guard BackendRegistry.gpuDevices().isEmpty else { return }  // this check is about CPU-only machines
        do {
            _ = try LlamaModel.load(path: TestModels.smolLMPath, backend: .cuda)
            Issue.record("loading with .cuda on a CPU-only machine must fail")
        } catch let error as RuntimeError {
            guard case .backendUnavailable(.cuda, let reason) = error else { Issue.record("wrong error \(error)"); return }
            #expect(reason.contains("CUDA"))
        }
        #expect(try LlamaModel.load(path: TestModels.smolLMPath, backend: .auto).backend == .cpu)
    }
}
