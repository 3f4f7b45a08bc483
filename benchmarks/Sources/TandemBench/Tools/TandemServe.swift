import Foundation

/// `tandem serve` started by the bench on a loopback port: the built `tandem` binary next to
/// the running bench (or `--tandem PATH`), the same model and threads as the other side.
final class TandemServe: Sendable {
    let process: ServerProcess
    /// Its OpenAI API (requests name the served model).
    let api: OpenAIEndpoint

    /// The `tandem` binary: `explicit`, else the one beside this executable.
    static func binary(explicit: String?) throws(BenchError) -> String {
        let path = explicit ?? URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent("tandem").path
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw .toolMissing(name: "tandem", path: path)
        }
        return path
    }

    /// Starts `tandem serve -m MODEL --threads T --slots S -c CONTEXT ARGUMENTS…` and waits for `/health`.
    static func start(binary: String, model: String, threads: Int, slots: Int, contextLength: Int, port: Int?,
                      extraArguments: [String] = [], readyTimeout: Double = 120) async throws -> TandemServe {
        let port = try ServerProcess.port(port)
        let id = "bench-model"
        let process = try ServerProcess(name: "tandem-serve", binary: binary, arguments: [
            "serve", "-m", model, "--model-id", id, "--host", "127.0.0.1", "--port", String(port), "--threads", String(threads),
            "--slots", String(slots), "-c", String(contextLength),
        ] + extraArguments, port: port)
        do {
            try await process.waitUntilHealthy(timeout: readyTimeout)
        } catch {
            await process.stop()
            throw error
        }
        return TandemServe(process: process, api: OpenAIEndpoint(port: port, model: id))
    }

    private init(process: ServerProcess, api: OpenAIEndpoint) {
        self.process = process
        self.api = api
    }

    /// Busy slots and queued requests, from `/health`.
    func load() async throws -> (busy: Int, queued: Int) {
        let r = try await LoopbackHTTP.get(port: process.port, path: "/health", timeoutSeconds: 30)
        let json = try r.json()
        return (json["slots"]?["busy"]?.intValue ?? -1, json["queued"]?.intValue ?? -1)
    }

    func stop() async { await process.stop() }
}
