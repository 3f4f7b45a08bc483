import Foundation
import Testing
import TandemRuntime
import TandemTestSupport

/// llama.cpp's RPC backend with real `rpc-server` processes on 127.0.0.1: one model's layers
/// spread over two servers must generate what the in-process model generates, and endpoints that
/// would make llama.cpp abort are refused with an error first.
@Suite(.serialized) struct RPCBackendTests {
    @Test func twoRPCServersGenerateTheInProcessGreedyText() async throws {
        let servers = [try RPCServerPeer(), try RPCServerPeer()]
        defer { servers.forEach { $0.stop() } }
        for server in servers { try await server.waitUntilListening() }
        try await generateOnBothSides(servers)
        // The model and context on the servers are freed when the last reference goes (maybe on
        // the engine's decode thread, after this returns): only then may the servers stop, or
        // the buffer frees sent to a stopped server end this process with SIGPIPE.
        let deadline = Date().addingTimeInterval(600)
        while servers.contains(where: { RPCServers.isHeld($0.endpoint) }), Date() < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(!servers.contains { RPCServers.isHeld($0.endpoint) }, "the model on the rpc-servers was never freed")
    }

    /// Greedy text in-process and with the layers on `servers`; every engine and model it made
    /// is out of scope when it returns.
    private func generateOnBothSides(_ servers: [RPCServerPeer]) async throws {
        let path = try TestModels.smolLMPath
        let parameters = ContextParameters(contextLength: 512, sequences: 1, threads: 2)
        let request = GenerationRequest(.messages([.user("List three fruits.")]), maxTokens: 24)

        let local = try Engine(model: LlamaModel.load(path: path, backend: .cpu), parameters: parameters)
        let expected = try await local.complete(request).text

        let spread = try LlamaModel.load(path: path, backend: .cpu, rpcServers: servers.map(\.endpoint))
        #expect(spread.rpcServers == servers.map(\.endpoint))
        #expect(spread.info.gpuLayers != 0)
        let rpcDevices = spread.devices.filter { $0.kind == "rpc" }
        #expect(Set(rpcDevices.map(\.description)) == Set(servers.map(\.endpoint)), "\(spread.devices)")
        // The RPC devices are not local GPUs: `auto` still means the CPU here.
        #expect(try BackendRegistry.resolve(.auto) == (BackendRegistry.gpuDevices().isEmpty ? .cpu : .cuda))
        let remote = try Engine(model: spread, parameters: parameters)
        let got = try await remote.complete(request).text
        #expect(!expected.isEmpty)
        #expect(got == expected)
    }

    @Test func endpointsLlamaCppWouldAbortOnAreRefusedFirst() async throws {
        // Nothing listens: a closed port.
        let closed = "127.0.0.1:\(try freeLoopbackPort())"
        #expect(throws: RuntimeError.self) { try RPCServers.probe(closed) }
        // Something listens but is not an rpc-server: it hangs up at once.
        let listener = try LoopbackListener()
        let notRPC = "127.0.0.1:\(listener.port)"
        let probing = Task.detached { () -> Bool in (try? RPCServers.probe(notRPC, timeout: .seconds(600))) == nil }
        while !listener.hasPendingConnection { try await Task.sleep(for: .milliseconds(10)) }
        #expect(await probing.value, "the probe of a server that hangs up must throw")
        // Not HOST:PORT.
        for bad in ["127.0.0.1", "127.0.0.1:0", "127.0.0.1:99999", ":50052", "http://127.0.0.1:1/"] {
            #expect(throws: RuntimeError.self, "\(bad)") { try RPCServers.probe(bad) }
        }
        // Loading through a refused endpoint is the same error, and the process lives.
        do {
            _ = try LlamaModel.load(path: try TestModels.smolLMPath, backend: .cpu, rpcServers: [closed])
            Issue.record("expected rpcServerUnavailable")
        } catch RuntimeError.rpcServerUnavailable(let endpoint, let reason) {
            #expect(endpoint == closed)
            #expect(reason.contains("rpc-server"), "\(reason)")
        }
    }
}
